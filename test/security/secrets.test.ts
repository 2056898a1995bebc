// The credential leak of issue 11: every kind of secret a target can hold (api_key,
// api_key_env, Authorization / Cookie / X-Api-Key headers, a key in base_url's userinfo or
// query string, LiteLLM config keys literal and `os.environ/`) must never appear unmasked in
// any file or output stream of a `run`, a `models` call and a `report`.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { main } from '../../src/cli/main.js'
import { type SimServer, startSimServer } from '../../src/sim/server.js'
import { createFakeIo, type FakeIo } from '../support/fake-io.js'
import { type LitellmProxy, startLitellmProxy } from '../support/litellm-proxy.js'
import { createTempProject } from '../support/temp-project.js'

/** Each secret is ≥ 16 characters; its hidden middle (all but the first 3 and last 4) must never be seen. */
const SECRETS = {
  apiKey: 'sk-apikey-HIDDEN-MIDDLE-0001',
  apiKeyEnv: 'sk-keyenv-HIDDEN-MIDDLE-0002',
  authorization: 'authhdr-HIDDEN-MIDDLE-0003',
  cookie: 'cookie-HIDDEN-MIDDLE-0004',
  xApiKey: 'xapikey-HIDDEN-MIDDLE-0005',
  userinfo: 'userinfo-HIDDEN-MIDDLE-0006',
  query: 'querykey-HIDDEN-MIDDLE-0007',
  litellmLiteral: 'sk-litlit-HIDDEN-MIDDLE-0008',
  litellmEnv: 'sk-litenv-HIDDEN-MIDDLE-0009',
  apiKeyFlag: 'sk-keyflag-HIDDEN-MIDDLE-0010',
} as const

function hiddenPart(value: string): string {
  return value.slice(3, -4)
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

/** Every leak as "secret-name in where", so a failure lists them all at once. */
function findLeaks(texts: Array<[string, string]>): string[] {
  const leaks: string[] = []
  for (const [where, text] of texts) {
    for (const [name, value] of Object.entries(SECRETS)) {
      if (text.includes(hiddenPart(value))) leaks.push(`${name} in ${where}`)
    }
  }
  return leaks
}

let sim: SimServer
let proxy: LitellmProxy
before(async () => {
  sim = await startSimServer({ prefillBaseMs: 2, prefillPerTokenMs: 0, decodeBaseMs: 1, decodePerSeqMs: 0 })
  proxy = await startLitellmProxy({
    upstreamUrl: sim.url,
    masterKey: SECRETS.apiKey,
    groups: [{ name: 'grp', upstreamModel: 'sim-llama-8b', id: 'deployment-1' }],
  })
})
after(async () => {
  await proxy.close()
  await sim.close()
})

describe('every kind of secret stays masked in every file and stream', () => {
  test('run (proxy and direct targets), models and report write no secret', async (t) => {
    const simUrl = new URL(sim.url)
    const project = createTempProject({
      targets: `targets:
  - name: proxy
    kind: litellm
    base_url: ${proxy.origin}/v1
    api_key: ${SECRETS.apiKey}
    litellm_config: litellm.yaml
    headers:
      Cookie: session=${SECRETS.cookie}
      X-Api-Key: ${SECRETS.xApiKey}
  - name: direct
    base_url: http://bench:${SECRETS.userinfo}@${simUrl.host}${simUrl.pathname}?api_key=${SECRETS.query}
    api_key_env: RB_SECRET_KEY
    headers:
      Authorization: Bearer ${SECRETS.authorization}
`,
      models: 'models:\n  - name: sim-llama-8b\n    full_name: sim-llama-8b\n',
      workloads:
        'workloads:\n  - name: w\n    requests: 3\n    concurrency: 1\n    max_tokens: 4\n    prompt_type: short\n',
    })
    t.after(project.remove)
    writeFileSync(
      join(project.configDir, 'litellm.yaml'),
      `model_list:
  - model_name: grp
    litellm_params:
      model: openai/sim-llama-8b
      api_base: http://user:${SECRETS.litellmLiteral}@127.0.0.1:8000/v1
      api_key: ${SECRETS.litellmLiteral}
  - model_name: env-grp
    litellm_params:
      model: openai/other
      api_key: os.environ/RB_LITELLM_KEY
general_settings:
  master_key: os.environ/RB_LITELLM_KEY
`,
    )
    const env = { RB_SECRET_KEY: SECRETS.apiKeyEnv, RB_LITELLM_KEY: SECRETS.litellmEnv }
    const calls: Array<[string, string[]]> = [
      ['run proxy', ['run', '--target', 'proxy', '--model', 'grp']],
      ['run direct', ['run', '--target', 'direct', '--model', 'sim-llama-8b']],
      [
        'run url --api-key',
        ['run', '--target', sim.url, '--api-key', SECRETS.apiKeyFlag, '--model', 'sim-llama-8b'],
      ],
      ['models', ['models']],
      ['models --litellm-config', ['models', '--litellm-config', join(project.configDir, 'litellm.yaml')]],
      ['report', ['report', '--format', 'md,html']],
    ]
    const texts: Array<[string, string]> = []
    const codes: number[] = []
    for (const [name, argv] of calls) {
      const io: FakeIo = createFakeIo({ cwd: project.dir, env })
      const full =
        name === 'report'
          ? [...argv, '--output-dir', project.outputDir]
          : name.startsWith('run')
            ? [...argv, '--config-dir', project.configDir, '--output-dir', project.outputDir]
            : name === 'models'
              ? [...argv, '--config-dir', project.configDir]
              : argv
      codes.push(await main(full, io))
      texts.push([`${name} stdout`, io.out()], [`${name} stderr`, io.err()])
    }
    // Both runs reached the simulator and succeeded: the secrets went where they had to.
    assert.deepEqual(codes, [0, 0, 0, 0, 0, 0], texts.map(([w, x]) => `${w}: ${x}`).join('\n'))
    const files = filesUnder(project.outputDir)
    // Three runs (their server-metrics samples are scanned too, but are not runs).
    const raws = files.filter((file) => file.endsWith('.jsonl') && !file.endsWith('.server-metrics.jsonl'))
    assert.ok(raws.length === 3, files.join('\n'))
    for (const file of files) texts.push([file, readFileSync(file).toString('latin1')])
    assert.deepEqual(findLeaks(texts), [])
  })
})
