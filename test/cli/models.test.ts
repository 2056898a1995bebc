import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { main } from '../../src/cli/main.js'
import { createCatalogDiscovery } from '../../src/discovery/model-catalog.js'
import { TargetError } from '../../src/errors.js'
import type { Target } from '../../src/types.js'
import { createFakeIo, type FakeIo } from '../support/fake-io.js'
import { createTempProject, type TempProject } from '../support/temp-project.js'

const FIXTURES = join(import.meta.dirname, '..', 'fixtures')
const fixture = (name: string) => readFileSync(join(FIXTURES, 'litellm-responses', name), 'utf8')
const KEY = 'sk-test-0123456789abcdWXYZ'
const WORKLOADS = 'workloads:\n  - name: quick\n    requests: 2\n    concurrency: 1\n    max_tokens: 4\n'

interface Route {
  status: number
  body: string
}

/** A LiteLLM-shaped server on 127.0.0.1:0: fixed bodies per path, 404 elsewhere, every request kept. */
async function startProxy(routes: Record<string, Route>) {
  const seen: Array<{ path: string; headers: IncomingHttpHeaders }> = []
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers })
    const route = routes[req.url ?? ''] ?? {
      status: 404,
      body: JSON.stringify({ error: { message: 'Not Found', type: 'not_found', param: null, code: '404' } }),
    }
    res.writeHead(route.status, { 'content-type': 'application/json' })
    res.end(route.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    origin,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

const projects: TempProject[] = []
after(() => {
  for (const project of projects) project.remove()
})

function project(targets: string, models?: string): TempProject {
  const created = createTempProject({
    targets,
    workloads: WORKLOADS,
    ...(models === undefined ? {} : { models }),
  })
  projects.push(created)
  return created
}

async function models(args: string[], cwd: string, env: Record<string, string> = {}) {
  const io: FakeIo = createFakeIo({ cwd, env })
  const code = await main(['models', ...args], io)
  return { code, out: io.out(), err: io.err() }
}

/** The printed table's cells, cut at the header's column starts (columns are padded). */
function tableRows(stdout: string): string[][] {
  const lines = stdout.split('\n')
  const headerAt = lines.findIndex((line) => line.startsWith('  MODEL'))
  assert.ok(headerAt >= 0, `no table in:\n${stdout}`)
  const header = lines[headerAt] ?? ''
  const starts = [...header.matchAll(/\S+(?: \S+)*/g)].map((match) => match.index)
  const rows: string[][] = []
  for (const line of lines.slice(headerAt)) {
    if (!line.startsWith('  ')) break
    rows.push(starts.map((start, i) => line.slice(start, starts[i + 1]).trim()))
  }
  return rows
}

function proxyTargets(origin: string, extra = ''): string {
  return `targets:\n  - name: proxy\n    kind: litellm\n    base_url: ${origin}/v1\n    api_key_env: LITELLM_KEY\n${extra}`
}

describe('run-bench models against a LiteLLM-shaped server', () => {
  test('lists /v1/model/info groups with upstream, api_base, deployments and source', async (t) => {
    const proxy = await startProxy({
      '/v1/model/info': { status: 200, body: fixture('model-info-client-test-mock.json') },
    })
    t.after(proxy.close)
    const dir = project(proxyTargets(proxy.origin))
    const result = await models(['--config-dir', dir.configDir], dir.dir, { LITELLM_KEY: KEY })
    assert.equal(result.code, 0, result.err)
    assert.equal(
      result.out,
      [
        `Target proxy (litellm): ${proxy.origin}/v1`,
        `Asked: GET ${proxy.origin}/v1/model/info`,
        '  MODEL          PROVIDER MODEL        API BASE                   DEPLOYMENTS  SOURCE',
        '  gpt-4          openai/gpt-4          https://api.openai.com/v1            1  proxy API',
        '  gpt-3.5-turbo  openai/gpt-3.5-turbo  -                                    1  proxy API',
        '2 models. Benchmark one: run-bench run --target proxy --model <MODEL>; every one: --model all',
        '',
      ].join('\n'),
    )
    assert.equal(result.err, '')
    assert.deepEqual(
      proxy.seen.map((request) => [request.path, request.headers.authorization]),
      [['/v1/model/info', `Bearer ${KEY}`]],
    )
  })

  test('401 on /v1/model/info: lists /v1/models, drops the wildcard, says why', async (t) => {
    const listed = JSON.parse(fixture('v1-models-xai-wildcard.json')) as { data: unknown[] }
    listed.data.push({ id: 'xai/*', object: 'model', created: 1677610602, owned_by: 'openai' })
    const proxy = await startProxy({
      '/v1/model/info': { status: 401, body: fixture('error-401-invalid-key.json') },
      '/v1/models': { status: 200, body: JSON.stringify(listed) },
    })
    t.after(proxy.close)
    const dir = project(proxyTargets(proxy.origin))
    const result = await models(['--config-dir', dir.configDir, '--target', 'proxy'], dir.dir, {
      LITELLM_KEY: KEY,
    })
    assert.equal(result.code, 0, result.err)
    const row = (name: string) => `  ${name.padEnd(25)}  -               -                   -  proxy API`
    assert.equal(
      result.out,
      [
        `Target proxy (litellm): ${proxy.origin}/v1`,
        `Asked: GET ${proxy.origin}/v1/models`,
        `Note: GET ${proxy.origin}/v1/model/info: HTTP 401: Invalid API Key. Please check your LiteLLM API key.; listed models from /v1/models (no deployment detail)`,
        'Note: Skipped wildcard route "xai/*": send a concrete model name instead (e.g. openai/<model>)',
        '  MODEL                      PROVIDER MODEL  API BASE  DEPLOYMENTS  SOURCE',
        row('xai/grok-2-1212'),
        row('xai/grok-2-vision-1212'),
        row('xai/grok-3-beta'),
        row('xai/grok-3-fast-beta'),
        row('xai/grok-3-mini-beta'),
        row('xai/grok-3-mini-fast-beta'),
        row('xai/grok-beta'),
        row('xai/grok-vision-beta'),
        row('xai/grok-2-image-1212'),
        '9 models. Benchmark one: run-bench run --target proxy --model <MODEL>; every one: --model all',
        '',
      ].join('\n'),
    )
  })

  test('models.yaml aliases stand for the group they name; other entries follow', async (t) => {
    const proxy = await startProxy({
      '/v1/model/info': { status: 200, body: fixture('model-info-docstring.json') },
    })
    t.after(proxy.close)
    const dir = project(
      proxyTargets(proxy.origin),
      'models:\n  - name: fake\n    full_name: fake-openai-endpoint\n  - name: qwen3-4b\n    full_name: Qwen/Qwen3-4B\n',
    )
    const result = await models(['--config-dir', dir.configDir], dir.dir, { LITELLM_KEY: KEY })
    assert.equal(result.code, 0, result.err)
    assert.deepEqual(tableRows(result.out), [
      ['MODEL', 'SERVED AS', 'PROVIDER MODEL', 'API BASE', 'DEPLOYMENTS', 'SOURCE'],
      [
        'fake',
        'fake-openai-endpoint',
        'openai/fake',
        'https://exampleopenaiendpoint-production.up.railway.app/',
        '1',
        'models.yaml',
      ],
      ['qwen3-4b', 'Qwen/Qwen3-4B', '-', '-', '-', 'models.yaml'],
    ])
  })

  test('/v1/models without detail borrows provider and api_base from the target litellm_config', async (t) => {
    const proxy = await startProxy({
      '/v1/model/info': { status: 403, body: fixture('error-403-route-not-allowed.json') },
      '/v1/models': {
        status: 200,
        body: JSON.stringify({ data: [{ id: 'gpt-4o' }, { id: 'fake-anthropic-endpoint' }] }),
      },
    })
    t.after(proxy.close)
    const config = join(FIXTURES, 'litellm', 'model-config.yaml')
    const dir = project(proxyTargets(proxy.origin, `    litellm_config: ${config}\n`))
    const result = await models(['--config-dir', dir.configDir, '--target', 'proxy'], dir.dir, {
      LITELLM_KEY: KEY,
    })
    assert.equal(result.code, 0, result.err)
    assert.ok(result.out.includes(`Config file: ${config}\n`), result.out)
    assert.deepEqual(tableRows(result.out).slice(1), [
      [
        'gpt-4o',
        'openai/gpt-4o',
        'https://exampleopenaiendpoint-production.up.railway.app/',
        '1',
        'proxy API',
      ],
      [
        'fake-anthropic-endpoint',
        'anthropic/fake',
        'https://exampleanthropicendpoint-production.up.railway.app/',
        '1',
        'proxy API',
      ],
    ])
  })

  test('every target: an unreachable one is skipped with one line; named, it is exit 3', async (t) => {
    const proxy = await startProxy({
      '/v1/model/info': { status: 200, body: fixture('model-info-docstring.json') },
    })
    t.after(proxy.close)
    const port = await closedPort()
    const dir = project(
      `${proxyTargets(proxy.origin)}  - name: down\n    base_url: http://127.0.0.1:${port}/v1\n    api_key: EMPTY\n`,
    )
    const all = await models(['--config-dir', dir.configDir], dir.dir, { LITELLM_KEY: KEY })
    assert.equal(all.code, 0, all.err)
    assert.ok(all.out.includes('fake-openai-endpoint'), all.out)
    assert.ok(
      all.out.endsWith(
        `\n\nTarget down: skipped, GET http://127.0.0.1:${port}/v1/models: connection refused (ECONNREFUSED)\n`,
      ),
      all.out,
    )
    const named = await models(['--config-dir', dir.configDir, '--target', 'down'], dir.dir)
    assert.equal(named.code, 3)
    assert.equal(named.out, '')
    assert.match(
      named.err,
      new RegExp(`^Error: GET http://127\\.0\\.0\\.1:${port}/v1/models: connection refused`),
    )
  })

  test('a key missing from the environment: asked without one, and said so', async (t) => {
    const proxy = await startProxy({
      '/v1/model/info': { status: 200, body: fixture('model-info-docstring.json') },
    })
    t.after(proxy.close)
    const dir = project(proxyTargets(proxy.origin))
    const result = await models(['--config-dir', dir.configDir], dir.dir)
    assert.equal(result.code, 0, result.err)
    assert.ok(result.out.includes('Note: $LITELLM_KEY is not set: asked without an API key\n'), result.out)
    assert.equal(proxy.seen[0]?.headers.authorization, undefined)
  })
})

/** [MODEL, PROVIDER MODEL, DEPLOYMENTS] of each row, written from the YAML files by hand. */
const CONFIG_EXPECTATIONS: Record<string, { rows: string[][]; notes: string[]; warnings: number }> = {
  'proxy-server-config.yaml': {
    rows: [
      ['gpt-3.5-turbo-end-user-test', 'gpt-3.5-turbo, openai/gpt-4.1-mini', '2'],
      ['gpt-3.5-turbo', 'openai/gpt-4.1-mini', '1'],
      ['gpt-3.5-turbo-large', 'gpt-3.5-turbo-1106', '1'],
      ['gpt-4', 'openai/gpt-4.1-mini', '1'],
      ['sagemaker-completion-model', 'sagemaker/berri-benchmarking-Llama-2-70b-chat-hf-4', '1'],
      ['dall-e-2', 'openai/dall-e-3', '1'],
      ['openai-dall-e-3', 'dall-e-3', '1'],
      ['fake-openai-endpoint', 'openai/gpt-3.5-turbo-0301', '1'],
      ['fake-openai-endpoint-2', 'openai/my-fake-model', '1'],
      ['fake-openai-endpoint-3', 'openai/my-fake-model, openai/my-fake-model-2', '2'],
      ['fake-openai-endpoint-4', 'openai/my-fake-model', '1'],
      ['bad-model', 'openai/bad-model', '1'],
      ['good-model', 'openai/bad-model', '1'],
      ['realtime-v1', 'azure/gpt-realtime-20250828-standard', '1'],
      ['realtime-beta', 'azure/gpt-realtime-20250828-standard', '1'],
      ['mistral-embed', 'mistral/mistral-embed', '1'],
      ['gpt-instruct', 'text-completion-openai/gpt-3.5-turbo-instruct', '1'],
      ['fake-openai-endpoint-5', 'openai/my-fake-model', '1'],
      ['badly-configured-openai-endpoint', 'openai/my-fake-model', '1'],
      ['gemini-1.5-flash', 'gemini/gemini-1.5-flash', '1'],
      ['gpt-4o', 'gpt-4o', '1'],
    ],
    notes: [
      'Skipped wildcard routes "*", "anthropic/*", "bedrock/*", "groq/*": send a concrete model name instead (e.g. openai/<model>)',
      'Skipped models that do not generate text: text-embedding-ada-002 (embedding)',
      'Alias "my-special-fake-model-alias-name" serves group "fake-openai-endpoint-3" (router_settings.model_group_alias)',
    ],
    warnings: 25,
  },
  'load-balancer.yaml': {
    rows: [
      ['gpt-3.5-turbo', 'gpt-3.5-turbo, openrouter/gpt-3.5-turbo', '3'],
      ['mistral-7b-instruct', 'mistralai/mistral-7b-instruct', '1'],
    ],
    notes: [],
    warnings: 0,
  },
  'azure-config.yaml': {
    rows: [
      ['gpt-4-team1', 'azure/chatgpt-v-2', '1'],
      ['gpt-4-team2', 'azure/gpt-4', '1'],
    ],
    notes: [],
    warnings: 2,
  },
  'test-config-no-auth.yaml': {
    rows: [
      ['azure-model', 'azure/gpt-35-turbo, azure/gpt-turbo', '3'],
      ['azure-cloudflare-model', 'azure/gpt-4.1-mini', '1'],
      ['test_openai_models', 'gpt-3.5-turbo', '11'],
      ['amazon-embeddings', 'amazon.titan-embed-text-v1', '1'],
    ],
    notes: [
      'Skipped models that do not generate text: azure-embedding-model (embedding), dall-e-3 (image_generation), dall-e-2 (image_generation), text-embedding-ada-002 (embedding)',
    ],
    warnings: 12,
  },
  'config-with-env-vars.yaml': {
    rows: [
      ['gpt-4o-mini', 'azure/gpt-4o-mini', '1'],
      ['gpt-4o', 'azure/gpt-4o', '1'],
      [
        'fireworks-llama-v3p1-405b-instruct',
        'fireworks_ai/accounts/fireworks/models/llama-v3p1-405b-instruct',
        '1',
      ],
      [
        'fireworks-llama-v3p1-70b-instruct',
        'fireworks_ai/accounts/fireworks/models/llama-v3p1-70b-instruct',
        '1',
      ],
    ],
    notes: [],
    warnings: 7,
  },
  'model-config.yaml': {
    rows: [
      ['gpt-4o', 'openai/gpt-4o', '1'],
      ['fake-anthropic-endpoint', 'anthropic/fake', '1'],
    ],
    notes: [],
    warnings: 0,
  },
  'simple-config.yaml': { rows: [['gpt-3.5-turbo', 'gpt-3.5-turbo', '1']], notes: [], warnings: 0 },
  'multi-instance-simple-config.yaml': {
    rows: [['fake-openai-endpoint', 'openai/my-fake-model', '1']],
    notes: [],
    warnings: 0,
  },
  'aliases-config.yaml': {
    rows: [
      ['text-davinci-003', 'ollama/zephyr', '1'],
      ['gpt-4', 'ollama/llama2', '1'],
      ['gpt-3.5-turbo', 'ollama/llama2', '1'],
    ],
    notes: [],
    warnings: 0,
  },
  'health-check-test-config.yaml': {
    rows: [],
    notes: ['Skipped models that do not generate text: text-embedding-ada-002 (embedding)'],
    warnings: 2,
  },
  'docs-configs-quick-start.yaml': {
    rows: [
      ['gpt-4o', 'azure/gpt-4o-eu, azure/gpt-4o-ca', '2'],
      ['bedrock-claude-v1', 'bedrock/anthropic.claude-instant-v1', '1'],
      ['anthropic-claude', 'bedrock/anthropic.claude-instant-v1', '1'],
      ['vllm-models', 'openai/facebook/opt-125m', '1'],
    ],
    notes: ['Skipped wildcard route "*": send a concrete model name instead (e.g. openai/<model>)'],
    warnings: 2,
  },
  'docs-vllm-provider.yaml': {
    rows: [['my-model', 'hosted_vllm/facebook/opt-125m', '1']],
    notes: [],
    warnings: 0,
  },
  'docs-model-discovery.yaml': {
    rows: [],
    notes: ['Skipped wildcard route "xai/*": send a concrete model name instead (e.g. openai/<model>)'],
    warnings: 1,
  },
  'include/config_with_include.yaml': { rows: [['included-model', 'gpt-4', '1']], notes: [], warnings: 0 },
  'include/config_with_multiple_includes.yaml': {
    rows: [
      ['included-model-1', 'gpt-4', '1'],
      ['included-model-2', 'gpt-3.5-turbo', '1'],
    ],
    notes: [],
    warnings: 0,
  },
  'include/included_models.yaml': { rows: [['included-model', 'gpt-4', '1']], notes: [], warnings: 0 },
  'include/models_file_1.yaml': { rows: [['included-model-1', 'gpt-4', '1']], notes: [], warnings: 0 },
  'include/models_file_2.yaml': {
    rows: [['included-model-2', 'gpt-3.5-turbo', '1']],
    notes: [],
    warnings: 0,
  },
}

describe('run-bench models --litellm-config (every fixture config)', () => {
  const cwd = join(FIXTURES, 'litellm')
  for (const [file, expected] of Object.entries(CONFIG_EXPECTATIONS)) {
    test(`${file}: ${expected.rows.length} group(s)`, async () => {
      const path = join(FIXTURES, 'litellm', file)
      const result = await models(['--litellm-config', path], cwd)
      assert.equal(result.code, 0, result.err)
      const lines = result.out.split('\n')
      assert.deepEqual(lines.slice(0, 2), [
        'LiteLLM config file, read on its own (no server asked)',
        `Config file: ${file}`,
      ])
      assert.deepEqual(
        lines.filter((line) => line.startsWith('Note: ')),
        expected.notes.map((note) => `Note: ${note}`),
      )
      const warnings = result.err.split('\n').filter((line) => line.startsWith('Warning: '))
      assert.equal(warnings.length, expected.warnings, result.err)
      if (expected.rows.length === 0) {
        assert.ok(result.out.endsWith('  (no models)\n'), result.out)
        return
      }
      const rows = tableRows(result.out)
      assert.deepEqual(rows[0], ['MODEL', 'PROVIDER MODEL', 'API BASE', 'DEPLOYMENTS', 'SOURCE'])
      assert.deepEqual(
        rows.slice(1).map((row) => [row[0], row[1], row[3]]),
        expected.rows,
      )
      assert.ok(rows.slice(1).every((row) => row[4] === 'config file'))
      assert.ok(
        result.out.endsWith(`\n${expected.rows.length} model${expected.rows.length === 1 ? '' : 's'}.\n`),
      )
    })
  }

  test('the whole table of load-balancer.yaml', async () => {
    const result = await models(['--litellm-config', 'load-balancer.yaml'], cwd)
    assert.equal(
      result.out,
      [
        'LiteLLM config file, read on its own (no server asked)',
        'Config file: load-balancer.yaml',
        '  MODEL                PROVIDER MODEL                           API BASE  DEPLOYMENTS  SOURCE',
        '  gpt-3.5-turbo        gpt-3.5-turbo, openrouter/gpt-3.5-turbo  -                   3  config file',
        '  mistral-7b-instruct  mistralai/mistral-7b-instruct            -                   1  config file',
        '2 models.',
        '',
      ].join('\n'),
    )
  })

  test('api_base values come through, several per group in order', async () => {
    const result = await models(['--litellm-config', 'test-config-no-auth.yaml'], cwd)
    const azure = tableRows(result.out)[1]
    assert.equal(
      azure?.[2],
      'https://my-endpoint-europe-berri-992.openai.azure.com/, https://my-endpoint-canada-berri992.openai.azure.com, https://openai-france-1234.openai.azure.com',
    )
  })

  test('the invalid config is a config error with its line; a missing include names the file', async () => {
    const invalid = await models(['--litellm-config', 'invalid-bare-star.yaml'], cwd)
    assert.equal(invalid.code, 2)
    assert.match(
      invalid.err,
      /invalid-bare-star\.yaml:1:17: YAML syntax error: Alias cannot be an empty string/,
    )
    assert.match(invalid.err, /\nHint: LiteLLM reads this file with PyYAML; fix the YAML at that position\n$/)
    const missing = await models(['--litellm-config', 'include/config_with_missing_include.yaml'], cwd)
    assert.equal(missing.code, 2)
    assert.equal(
      missing.err.split('\n')[0],
      `Error: Included file not found: ${join(cwd, 'include', 'non-existent-file.yaml')}`,
    )
  })
})

describe('secrets in api_base are masked', () => {
  const secretBase = 'http://admin:hunter2@gpu1:8000/v1?api_key=sk-abcdefghijklmnop1234'

  test('from a LiteLLM config file', async () => {
    const dir = project('targets:\n  - name: sim\n    kind: sim\n')
    const path = join(dir.dir, 'litellm.yaml')
    writeFileSync(
      path,
      `model_list:\n  - model_name: qwen\n    litellm_params:\n      model: hosted_vllm/Qwen/Qwen3-8B\n      api_base: ${secretBase}\n      api_key: sk-abcdefghijklmnop1234\n`,
    )
    const result = await models(['--litellm-config', path], dir.dir)
    assert.equal(result.code, 0, result.err)
    assert.deepEqual(tableRows(result.out)[1], [
      'qwen',
      'hosted_vllm/Qwen/Qwen3-8B',
      'http://gpu1:8000/v1?api_key=***',
      '1',
      'config file',
    ])
    for (const secret of ['hunter2', 'abcdefghijklmnop']) {
      assert.ok(!result.out.includes(secret) && !result.err.includes(secret), result.out)
    }
  })

  test('from /v1/model/info; the key sent is never shown', async (t) => {
    const proxy = await startProxy({
      '/v1/model/info': {
        status: 200,
        body: JSON.stringify({
          data: [
            {
              model_name: 'qwen',
              litellm_params: { model: 'hosted_vllm/Qwen/Qwen3-8B', api_base: secretBase },
              model_info: { id: 'd1' },
            },
          ],
        }),
      },
    })
    t.after(proxy.close)
    const dir = project(proxyTargets(proxy.origin))
    const result = await models(['--config-dir', dir.configDir], dir.dir, { LITELLM_KEY: KEY })
    assert.equal(result.code, 0, result.err)
    assert.equal(proxy.seen[0]?.headers.authorization, `Bearer ${KEY}`)
    assert.deepEqual(tableRows(result.out)[1], [
      'qwen',
      'hosted_vllm/Qwen/Qwen3-8B',
      'http://gpu1:8000/v1?api_key=***',
      '1',
      'proxy API',
    ])
    for (const secret of ['hunter2', 'abcdefghijklmnop', KEY]) {
      assert.ok(!result.out.includes(secret) && !result.err.includes(secret), `${secret} in\n${result.out}`)
    }
  })
})

describe('createCatalogDiscovery (the dialog’s discoverModels)', () => {
  const target = (baseUrl: string, litellmConfig?: string): Target => ({
    name: 'proxy',
    description: '',
    kind: 'litellm',
    baseUrl,
    apiKeyEnv: 'LITELLM_KEY',
    headers: {},
    keepalive: true,
    ...(litellmConfig === undefined ? {} : { litellmConfig }),
  })

  test('lists what the proxy serves, with the key from api_key_env', async (t) => {
    const proxy = await startProxy({
      '/v1/model/info': { status: 200, body: fixture('model-info-client-test-mock.json') },
    })
    t.after(proxy.close)
    const discover = createCatalogDiscovery({ LITELLM_KEY: KEY }, 2000)
    assert.deepEqual(await discover(target(`${proxy.origin}/v1`)), [
      { name: 'gpt-4', fullName: 'gpt-4', description: 'openai/gpt-4 (1 deployment)', source: 'proxy API' },
      {
        name: 'gpt-3.5-turbo',
        fullName: 'gpt-3.5-turbo',
        description: 'openai/gpt-3.5-turbo (1 deployment)',
        source: 'proxy API',
      },
    ])
    assert.equal(proxy.seen[0]?.headers.authorization, `Bearer ${KEY}`)
  })

  test('an unreachable proxy: its config file still answers; without one it rejects', async () => {
    const port = await closedPort()
    const discover = createCatalogDiscovery({}, 2000)
    assert.deepEqual(
      await discover(target(`http://127.0.0.1:${port}/v1`, join(FIXTURES, 'litellm', 'simple-config.yaml'))),
      [
        {
          name: 'gpt-3.5-turbo',
          fullName: 'gpt-3.5-turbo',
          description: 'gpt-3.5-turbo (1 deployment)',
          source: 'config file',
        },
      ],
    )
    await assert.rejects(discover(target(`http://127.0.0.1:${port}/v1`)), TargetError)
  })
})
