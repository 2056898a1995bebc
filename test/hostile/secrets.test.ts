// Secrets: an API key (from targets.yaml, from api_key_env, in a custom header, in a LiteLLM
// config) never appears in results, reports, logs or error messages, even when the server
// echoes the Authorization header it rejected in its error body.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { main } from '../../src/cli/main.js'
import { readLitellmConfig } from '../../src/config/litellm-config.js'
import type { RequestRecord } from '../../src/types.js'
import { createFakeIo, type FakeIo } from '../support/fake-io.js'
import { type RawServer, startRawServer } from '../support/raw-server.js'
import { createTempProject, type TempProject } from '../support/temp-project.js'

const KEY = 'sk-live-SECRET-abcdef123456'
const TOKEN = 'tok-SECRET-zyxw98765'
/** In every masked form the middle of the key is gone; finding it anywhere is a leak. */
const LEAK = /SECRET/

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

function assertNoLeak(project: TempProject, ios: FakeIo[]): void {
  const files = filesUnder(project.outputDir)
  assert.ok(
    files.some((file) => file.endsWith('.jsonl')) && files.some((file) => file.endsWith('.meta.json')),
  )
  for (const file of files) {
    const text = readFileSync(file).toString('latin1')
    assert.doesNotMatch(text, LEAK, `leak in ${file}`)
  }
  for (const io of ios) {
    assert.doesNotMatch(io.out(), LEAK, 'leak on stdout')
    assert.doesNotMatch(io.err(), LEAK, 'leak on stderr')
  }
}

function readRecords(outputDir: string): RequestRecord[] {
  const rawDir = join(outputDir, 'raw')
  const raw = readdirSync(rawDir).find((file) => file.endsWith('.jsonl')) ?? ''
  return readFileSync(join(rawDir, raw), 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as RequestRecord)
}

describe('secrets never leave the process unmasked', () => {
  let server: RawServer
  before(async () => {
    // Like a LiteLLM proxy rejecting a key: 401, echoing what it received, in JSON or HTML.
    server = await startRawServer((request, socket) => {
      const auth = request.headers.authorization ?? ''
      const token = request.headers['x-auth-token'] ?? ''
      const json = server.requests.length % 2 === 0
      const body = json
        ? JSON.stringify({
            error: {
              message: `Authentication Error, Invalid proxy server token passed. Received API Key = ${auth.replace(/^Bearer /, '')}, header: ${auth}, x-auth-token: ${token}`,
              type: 'auth_error',
              code: '401',
            },
          })
        : `<html><body><h1>401</h1><p>Rejected ${auth} (token ${token})</p></body></html>`
      socket.write(
        `HTTP/1.1 401 Unauthorized\r\ncontent-type: ${json ? 'application/json' : 'text/html'}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      )
    })
  })
  after(() => server.close())

  const workloads =
    'workloads:\n  - name: w\n    requests: 4\n    concurrency: 1\n    max_tokens: 4\n    prompt_type: short\n'
  const models = 'models:\n  - name: m\n    full_name: org/m\n'

  async function runAndReport(project: TempProject, env: Record<string, string> = {}): Promise<FakeIo[]> {
    const run = createFakeIo({ cwd: project.dir, env })
    const code = await main(
      ['run', '--config-dir', project.configDir, '--output-dir', project.outputDir],
      run,
    )
    // Every request was refused: the run completes and says so with exit 1.
    assert.equal(code, 1, run.err() + run.out())
    const rawDir = join(project.outputDir, 'raw')
    const raw = join(rawDir, readdirSync(rawDir).find((file) => file.endsWith('.jsonl')) ?? '')
    const summarize = createFakeIo({ cwd: project.dir })
    assert.equal(await main(['summarize', raw], summarize), 0, summarize.err())
    const report = createFakeIo({ cwd: project.dir })
    assert.equal(
      await main(['report', '--output-dir', project.outputDir, '--format', 'md,html'], report),
      0,
      report.err(),
    )
    return [run, summarize, report]
  }

  test('api_key in targets.yaml and a custom token header, echoed back in 401 bodies', async (t) => {
    const project = createTempProject({
      targets: `targets:
  - name: proxy
    kind: litellm
    base_url: ${server.baseUrl}
    api_key: ${KEY}
    headers:
      X-Auth-Token: ${TOKEN}
`,
      models,
      workloads,
    })
    t.after(project.remove)
    const before = server.requests.length
    const ios = await runAndReport(project)
    // The key did reach the server (so it had something to echo).
    const seen = server.requests.slice(before).filter((r) => r.method === 'POST')
    assert.ok(seen.length >= 4)
    assert.ok(
      seen.every((r) => r.headers.authorization === `Bearer ${KEY}` && r.headers['x-auth-token'] === TOKEN),
    )

    const errors = new Set(readRecords(project.outputDir).map((record) => record.error))
    assert.deepEqual([...errors].sort(), [
      'HTTP 401: 401 Rejected Bearer sk-…3456 (token tok…8765)',
      'HTTP 401: Authentication Error, Invalid proxy server token passed. Received API Key = sk-…3456, header: Bearer sk-…3456, x-auth-token: tok…8765',
    ])
    assertNoLeak(project, ios)
    const meta = readFileSync(
      join(
        project.outputDir,
        'raw',
        readdirSync(join(project.outputDir, 'raw')).find((f) => f.endsWith('.meta.json')) ?? '',
      ),
      'utf8',
    )
    // Masked so that two keys can still be told apart: first 3 and last 4 characters.
    assert.match(meta, /"apiKey": "sk-…3456"/)
    assert.match(meta, /"X-Auth-Token": "tok…8765"/)
  })

  test('api_key_env: the key from the environment is masked the same way', async (t) => {
    const project = createTempProject({
      targets: `targets:\n  - name: proxy\n    base_url: ${server.baseUrl}\n    api_key_env: RB_HOSTILE_KEY\n`,
      models,
      workloads,
    })
    t.after(project.remove)
    const ios = await runAndReport(project, { RB_HOSTILE_KEY: KEY })
    const errors = new Set(readRecords(project.outputDir).map((record) => record.error))
    assert.deepEqual([...errors].sort(), [
      'HTTP 401: 401 Rejected Bearer sk-…3456 (token )',
      'HTTP 401: Authentication Error, Invalid proxy server token passed. Received API Key = sk-…3456, header: Bearer sk-…3456, x-auth-token:',
    ])
    assertNoLeak(project, ios)
  })

  test('keys in a LiteLLM config: `models` and `run` with that config show them masked', async (t) => {
    const project = createTempProject({
      targets: `targets:
  - name: proxy
    kind: litellm
    base_url: ${server.baseUrl}
    api_key: ${KEY}
    litellm_config: litellm.yaml
`,
      workloads,
    })
    t.after(project.remove)
    const config = join(project.configDir, 'litellm.yaml')
    writeFileSync(
      config,
      `model_list:
  - model_name: grp
    litellm_params:
      model: hosted_vllm/org/m
      api_base: http://user:${KEY}@127.0.0.1:8000/v1
      api_key: ${KEY}
general_settings:
  master_key: ${KEY}
`,
    )
    const results: Array<[number, FakeIo]> = []
    for (const argv of [
      ['models', '--config-dir', project.configDir],
      ['models', '--litellm-config', config],
      ['run', '--config-dir', project.configDir, '--output-dir', project.outputDir, '--model', 'grp'],
    ]) {
      const io = createFakeIo({ cwd: project.dir })
      results.push([await main(argv, io), io])
    }
    // The proxy refuses the key (401 echoing it): the models list skips it, the run stops before any load.
    assert.deepEqual(
      results.map(([code]) => code),
      [0, 0, 3],
    )
    const [proxyList, fileList, run] = results.map(([, io]) => io)
    assert.match(proxyList?.out() ?? '', /Target proxy: skipped, GET .*\/v1\/models: HTTP 401: .*sk-…3456/)
    assert.match(fileList?.out() ?? '', /grp +hosted_vllm\/org\/m +http:\/\/127\.0\.0\.1:8000\/v1 /)
    assert.match(run?.err() ?? '', /^Error: GET .*\/v1\/models: HTTP 401: .*sk-…3456.*\n/)
    for (const [, io] of results) {
      assert.doesNotMatch(io.out(), LEAK)
      assert.doesNotMatch(io.err(), LEAK)
    }
  })

  test('keys in a LiteLLM config (literal and os.environ/) never appear in what is read from it', (t) => {
    const project = createTempProject({ targets: 'targets: []\n', workloads: 'workloads: []\n' })
    t.after(project.remove)
    const path = join(project.dir, 'litellm.yaml')
    writeFileSync(
      path,
      `model_list:
  - model_name: literal
    litellm_params:
      model: hosted_vllm/org/m
      api_base: http://127.0.0.1:8000/v1
      api_key: ${KEY}
  - model_name: from-env
    litellm_params:
      model: openai/gpt-4o
      api_key: os.environ/RB_LITELLM_KEY
general_settings:
  master_key: ${KEY}
`,
    )
    const config = readLitellmConfig(path, { RB_LITELLM_KEY: TOKEN })
    assert.deepEqual(
      config.deployments.map((d) => [d.modelName, d.apiKeyRef]),
      [
        ['literal', 'sk-…3456'],
        ['from-env', 'os.environ/RB_LITELLM_KEY'],
      ],
    )
    assert.doesNotMatch(JSON.stringify(config), LEAK)
  })
})
