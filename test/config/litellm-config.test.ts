import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { type LitellmConfig, readLitellmConfig } from '../../src/config/litellm-config.js'
import { ConfigError } from '../../src/errors.js'

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'litellm')
const read = (file: string, env: Record<string, string | undefined> = {}) =>
  readLitellmConfig(join(FIXTURES, file), env)

/** [model group, deployment count] in order of first appearance. */
const groupsOf = (config: LitellmConfig) =>
  config.groups.map((group) => [group.modelName, group.deployments.length])

const temps: string[] = []
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true })
})

function writeTemp(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'run-bench-litellm-'))
  temps.push(dir)
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
  return dir
}

function configError(run: () => unknown): ConfigError {
  try {
    run()
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`)
    return error
  }
  assert.fail('expected a ConfigError')
}

describe('real LiteLLM configs', () => {
  test('proxy-server-config.yaml: 28 deployments in 26 groups, wildcards flagged, alias read', () => {
    const config = read('proxy-server-config.yaml')
    assert.equal(config.deployments.length, 28)
    assert.deepEqual(groupsOf(config), [
      ['gpt-3.5-turbo-end-user-test', 2],
      ['gpt-3.5-turbo', 1],
      ['gpt-3.5-turbo-large', 1],
      ['gpt-4', 1],
      ['sagemaker-completion-model', 1],
      ['text-embedding-ada-002', 1],
      ['dall-e-2', 1],
      ['openai-dall-e-3', 1],
      ['fake-openai-endpoint', 1],
      ['fake-openai-endpoint-2', 1],
      ['fake-openai-endpoint-3', 2],
      ['fake-openai-endpoint-4', 1],
      ['bad-model', 1],
      ['good-model', 1],
      ['*', 1],
      ['realtime-v1', 1],
      ['realtime-beta', 1],
      ['anthropic/*', 1],
      ['bedrock/*', 1],
      ['groq/*', 1],
      ['mistral-embed', 1],
      ['gpt-instruct', 1],
      ['fake-openai-endpoint-5', 1],
      ['badly-configured-openai-endpoint', 1],
      ['gemini-1.5-flash', 1],
      ['gpt-4o', 1],
    ])
    assert.deepEqual(
      config.groups.filter((group) => group.isWildcard).map((group) => group.modelName),
      ['*', 'anthropic/*', 'bedrock/*', 'groq/*'],
    )
    const first = config.deployments[0]
    assert.deepEqual(first?.modelInfo, { id: '1' })
    assert.equal(first?.providerModel, 'gpt-3.5-turbo')
    const fake3 = config.groups.find((group) => group.modelName === 'fake-openai-endpoint-3')
    assert.deepEqual(
      fake3?.deployments.map((d) => [d.providerModel, d.rpm, d.apiKeyRef]),
      [
        ['openai/my-fake-model', 1000, '***'],
        ['openai/my-fake-model-2', 1000, '***'],
      ],
    )
    assert.deepEqual(
      config.deployments.filter((d) => d.rpm !== null).map((d) => [d.modelName, d.rpm]),
      [
        ['gpt-3.5-turbo-large', 480],
        ['gpt-4', 480],
        ['fake-openai-endpoint-2', 1],
        ['fake-openai-endpoint-3', 1000],
        ['fake-openai-endpoint-3', 1000],
        ['bad-model', 1000],
        ['good-model', 1000],
      ],
    )
    assert.equal(
      config.deployments.find((d) => d.modelName === 'gpt-4')?.apiKeyRef,
      'os.environ/OPENAI_API_KEY',
    )
    assert.deepEqual(config.aliases, [
      { alias: 'my-special-fake-model-alias-name', modelName: 'fake-openai-endpoint-3', hidden: false },
    ])
  })

  test('proxy-server-config.yaml: every unset os.environ/ reference is a warning, not an error', () => {
    // 12 in model_list, 4 in default_team_settings (maps inside a list), 3 in finetune_settings,
    // 3 in files_settings, 3 in router_settings.
    assert.equal(read('proxy-server-config.yaml').warnings.length, 25)
    const env = {
      OPENAI_API_KEY: 'k',
      ANTHROPIC_API_KEY: 'k',
      GROQ_API_KEY: 'k',
      GOOGLE_API_KEY: 'k',
      LANGFUSE_PROJECT1_PUBLIC: 'k',
      LANGFUSE_PROJECT1_SECRET: 'k',
      LANGFUSE_PROJECT2_PUBLIC: 'k',
      LANGFUSE_PROJECT2_SECRET: 'k',
      AZURE_API_BASE: 'https://a',
      AZURE_API_KEY: 'k',
      REDIS_HOST: 'h',
      REDIS_PASSWORD: 'p',
      REDIS_PORT: '1',
    }
    assert.deepEqual(read('proxy-server-config.yaml', env).warnings, [])
  })

  test('load-balancer.yaml: tpm/rpm at the deployment top level, one group of three', () => {
    const config = read('load-balancer.yaml')
    assert.deepEqual(groupsOf(config), [
      ['gpt-3.5-turbo', 3],
      ['mistral-7b-instruct', 1],
    ])
    assert.deepEqual(
      config.deployments.map((d) => [d.providerModel, d.tpm, d.rpm, d.apiKeyRef]),
      [
        ['gpt-3.5-turbo', 20000, 3, '***'],
        ['gpt-3.5-turbo', 20000, 3, '***'],
        ['openrouter/gpt-3.5-turbo', null, null, null],
        ['mistralai/mistral-7b-instruct', null, null, null],
      ],
    )
  })

  test('azure-config.yaml: YAML 1.1 underscore ints (20_000) are numbers', () => {
    const config = read('azure-config.yaml', { AZURE_API_KEY: 'azure-secret' })
    assert.deepEqual(
      config.deployments.map((d) => [d.modelName, d.providerModel, d.tpm, d.apiBase]),
      [
        ['gpt-4-team1', 'azure/chatgpt-v-2', 20000, 'https://openai-gpt-4-test-v-1.openai.azure.com/'],
        ['gpt-4-team2', 'azure/gpt-4', 100000, 'https://openai-gpt-4-test-v-2.openai.azure.com/'],
      ],
    )
    // The reference, never the resolved secret, is kept.
    assert.equal(config.deployments[0]?.apiKeyRef, 'os.environ/AZURE_API_KEY')
    assert.deepEqual(config.warnings, [])
    assert.equal(read('azure-config.yaml').warnings.length, 2)
  })

  test('test-config-no-auth.yaml: an 11-deployment group and a 3-deployment group', () => {
    const config = read('test-config-no-auth.yaml')
    assert.equal(config.deployments.length, 21)
    assert.deepEqual(groupsOf(config), [
      ['azure-model', 3],
      ['azure-cloudflare-model', 1],
      ['test_openai_models', 11],
      ['azure-embedding-model', 1],
      ['dall-e-3', 2],
      ['dall-e-2', 1],
      ['text-embedding-ada-002', 1],
      ['amazon-embeddings', 1],
    ])
    const openai = config.groups.find((group) => group.modelName === 'test_openai_models')
    assert.equal(openai?.deployments.filter((d) => typeof d.modelInfo.id === 'string').length, 10)
    assert.equal(
      config.groups.find((group) => group.modelName === 'dall-e-2')?.deployments[0]?.providerModel,
      'azure/',
    )
    assert.deepEqual(config.deployments.find((d) => d.modelName === 'azure-embedding-model')?.modelInfo, {
      mode: 'embedding',
    })
    // Eight deployments use os.environ/ keys or bases, 12 references in all.
    assert.equal(config.warnings.length, 12)
  })

  test('config-with-env-vars.yaml: a duplicate key parses (last wins) instead of failing', () => {
    const config = read('config-with-env-vars.yaml', { AZURE_GPT_4O: 'x', FIREWORKS: 'y' })
    assert.deepEqual(groupsOf(config), [
      ['gpt-4o-mini', 1],
      ['gpt-4o', 1],
      ['fireworks-llama-v3p1-405b-instruct', 1],
      ['fireworks-llama-v3p1-70b-instruct', 1],
    ])
    assert.equal(config.deployments[0]?.apiKeyRef, 'os.environ/AZURE_GPT_4O')
    // Still unset: DEFAULT_USER_ROLE, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (in litellm_settings).
    assert.equal(config.warnings.length, 3)
  })

  test('model-config.yaml, simple-config.yaml, multi-instance-simple-config.yaml', () => {
    assert.deepEqual(
      read('model-config.yaml').deployments.map((d) => [d.modelName, d.providerModel, d.apiBase]),
      [
        ['gpt-4o', 'openai/gpt-4o', 'https://exampleopenaiendpoint-production.up.railway.app/'],
        [
          'fake-anthropic-endpoint',
          'anthropic/fake',
          'https://exampleanthropicendpoint-production.up.railway.app/',
        ],
      ],
    )
    assert.deepEqual(groupsOf(read('simple-config.yaml')), [['gpt-3.5-turbo', 1]])
    const multi = read('multi-instance-simple-config.yaml')
    assert.deepEqual(
      multi.deployments.map((d) => [d.modelName, d.providerModel, d.apiKeyRef]),
      [['fake-openai-endpoint', 'openai/my-fake-model', '***']],
    )
  })

  test('aliases-config.yaml: Ollama upstreams, trailing comment block ignored', () => {
    const config = read('aliases-config.yaml')
    assert.deepEqual(
      config.deployments.map((d) => [d.modelName, d.providerModel]),
      [
        ['text-davinci-003', 'ollama/zephyr'],
        ['gpt-4', 'ollama/llama2'],
        ['gpt-3.5-turbo', 'ollama/llama2'],
      ],
    )
    assert.deepEqual(config.warnings, [])
  })

  test('health-check-test-config.yaml: a quoted os.environ/ api_base is resolved from env', () => {
    const withEnv = read('health-check-test-config.yaml', {
      AZURE_API_BASE: 'https://example-resource.openai.azure.com',
      AZURE_API_KEY: 'k',
    })
    const deployment = withEnv.deployments[0]
    assert.equal(deployment?.apiBase, 'https://example-resource.openai.azure.com')
    assert.equal(deployment?.apiKeyRef, 'os.environ/AZURE_API_KEY')
    assert.deepEqual(deployment?.modelInfo, { mode: 'embedding', base_model: 'text-embedding-ada-002' })
    const withoutEnv = read('health-check-test-config.yaml')
    assert.equal(withoutEnv.deployments[0]?.apiBase, null)
    assert.equal(withoutEnv.warnings.length, 2)
    assert.match(
      withoutEnv.warnings[0] ?? '',
      /model_list\[0\]\.litellm_params\.api_base: environment variable AZURE_API_BASE is not set/,
    )
  })

  test('docs-configs-quick-start.yaml: a two-deployment group, rpm in litellm_params, catch-all', () => {
    const config = read('docs-configs-quick-start.yaml')
    assert.deepEqual(groupsOf(config), [
      ['gpt-4o', 2],
      ['bedrock-claude-v1', 1],
      ['anthropic-claude', 1],
      ['vllm-models', 1],
      ['*', 1],
    ])
    assert.deepEqual(
      config.deployments.map((d) => d.rpm),
      [6, null, 6, null, 1440, null],
    )
    const vllm = config.deployments[4]
    assert.equal(vllm?.apiBase, 'http://0.0.0.0:4000/v1')
    assert.equal(vllm?.apiKeyRef, '***')
    assert.deepEqual(vllm?.modelInfo, { version: 2 })
    assert.equal(config.deployments[5]?.isWildcard, true)
  })

  test('docs-vllm-provider.yaml: an indented document with hosted_vllm/', () => {
    assert.deepEqual(read('docs-vllm-provider.yaml').deployments, [
      {
        modelName: 'my-model',
        providerModel: 'hosted_vllm/facebook/opt-125m',
        apiBase: 'https://hosted-vllm-api.co',
        apiKeyRef: null,
        tpm: null,
        rpm: null,
        modelInfo: {},
        isWildcard: false,
      },
    ])
  })

  test('docs-model-discovery.yaml: an unquoted xai/* is a wildcard group', () => {
    const config = read('docs-model-discovery.yaml', { XAI_API_KEY: 'xai-key' })
    assert.deepEqual(
      config.groups.map((group) => [group.modelName, group.isWildcard]),
      [['xai/*', true]],
    )
    assert.deepEqual(config.warnings, [])
  })

  test('invalid-bare-star.yaml: a YAML error with file:line:col and how to fix it', () => {
    const error = configError(() => read('invalid-bare-star.yaml'))
    assert.ok(
      error.message.endsWith(
        'invalid-bare-star.yaml:1:17: YAML syntax error: Alias cannot be an empty string — a bare `*` starts a YAML alias: quote it, e.g. model_name: "*"',
      ),
      error.message,
    )
    assert.equal(error.hint, 'LiteLLM reads this file with PyYAML; fix the YAML at that position')
  })
})

describe('include:', () => {
  test('one include: the included model_list is used', () => {
    const config = read('include/config_with_include.yaml')
    assert.deepEqual(groupsOf(config), [['included-model', 1]])
    assert.equal(config.deployments[0]?.providerModel, 'gpt-4')
    assert.deepEqual(
      config.files.map((file) => file.slice(FIXTURES.length + 1)),
      ['include/config_with_include.yaml', 'include/included_models.yaml'],
    )
  })

  test('two includes: model lists concatenated in order', () => {
    assert.deepEqual(
      read('include/config_with_multiple_includes.yaml').deployments.map((d) => [
        d.modelName,
        d.providerModel,
      ]),
      [
        ['included-model-1', 'gpt-4'],
        ['included-model-2', 'gpt-3.5-turbo'],
      ],
    )
  })

  test('the included files alone', () => {
    assert.deepEqual(groupsOf(read('include/included_models.yaml')), [['included-model', 1]])
    assert.deepEqual(groupsOf(read('include/models_file_1.yaml')), [['included-model-1', 1]])
    assert.deepEqual(groupsOf(read('include/models_file_2.yaml')), [['included-model-2', 1]])
  })

  test('a missing include is an error naming the path', () => {
    const error = configError(() => read('include/config_with_missing_include.yaml'))
    assert.equal(
      error.message,
      `Included file not found: ${join(FIXTURES, 'include', 'non-existent-file.yaml')}`,
    )
  })

  test("parent entries come first; a nested include resolves against the top-level config's folder", () => {
    const dir = writeTemp({
      'config.yaml':
        'include: [sub/a.yaml]\nmodel_list:\n  - model_name: parent\n    litellm_params: { model: openai/p }\n',
      'sub/a.yaml':
        'include: [b.yaml]\nmodel_list:\n  - model_name: from-a\n    litellm_params: { model: openai/a }\n',
      'b.yaml': 'model_list:\n  - model_name: from-b\n    litellm_params: { model: openai/b }\n',
    })
    assert.deepEqual(
      readLitellmConfig(join(dir, 'config.yaml'), {}).deployments.map((d) => d.modelName),
      ['parent', 'from-a', 'from-b'],
    )
  })

  test('include must be a list', () => {
    const dir = writeTemp({ 'config.yaml': 'include: models.yaml\n' })
    assert.match(
      configError(() => readLitellmConfig(join(dir, 'config.yaml'), {})).message,
      /'include' must be a list of file paths/,
    )
  })
})

describe('YAML dialect and references (inline cases)', () => {
  test('duplicate keys: the last one wins, as in PyYAML', () => {
    const dir = writeTemp({
      'config.yaml':
        'model_list:\n  - model_name: first\n    model_name: second\n    litellm_params:\n      model: openai/x\n      rpm: 1\n      rpm: 2\n',
    })
    const config = readLitellmConfig(join(dir, 'config.yaml'), {})
    assert.deepEqual(
      config.deployments.map((d) => [d.modelName, d.rpm]),
      [['second', 2]],
    )
  })

  test('unquoted dates stay text; yes/on are booleans but a key named n stays "n"', () => {
    const dir = writeTemp({
      'config.yaml':
        'model_list:\n  - model_name: m\n    litellm_params: { model: azure/x, api_version: 2023-05-15 }\n    model_info: { n: 1, flag: yes, other: on }\n',
    })
    const deployment = readLitellmConfig(join(dir, 'config.yaml'), {}).deployments[0]
    assert.deepEqual(deployment?.modelInfo, { n: 1, flag: true, other: true })
  })

  test('os.environ/ values: "true" becomes a boolean, strings in plain lists stay as written, tpm may come from env', () => {
    const dir = writeTemp({
      'config.yaml':
        'model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/x\n      api_base: os.environ/BASE\n      tpm: os.environ/TPM\n    model_info:\n      flag: os.environ/FLAG\n      tags: [os.environ/TAG]\n',
    })
    const deployment = readLitellmConfig(join(dir, 'config.yaml'), {
      BASE: 'http://127.0.0.1:8000/v1',
      TPM: '5000',
      FLAG: ' True ',
      TAG: 'never-read',
    }).deployments[0]
    assert.equal(deployment?.apiBase, 'http://127.0.0.1:8000/v1')
    assert.equal(deployment?.tpm, 5000)
    assert.deepEqual(deployment?.modelInfo, { flag: true, tags: ['os.environ/TAG'] })
  })

  test('a long literal key is masked, an int model_info.id becomes text', () => {
    const dir = writeTemp({
      'config.yaml':
        'model_list:\n  - model_name: m\n    litellm_params: { model: openai/x, api_key: sk-abcdefghijklmnop1234 }\n    model_info: { id: 7 }\n',
    })
    const deployment = readLitellmConfig(join(dir, 'config.yaml'), {}).deployments[0]
    assert.equal(deployment?.apiKeyRef, 'sk-…1234')
    assert.deepEqual(deployment?.modelInfo, { id: '7' })
  })

  test('entries without model_name or litellm_params.model are skipped with a warning', () => {
    const dir = writeTemp({
      'config.yaml':
        'model_list:\n  - litellm_params: { model: openai/x }\n  - model_name: no-params\n  - model_name: ok\n    litellm_params: { model: openai/ok }\n',
    })
    const config = readLitellmConfig(join(dir, 'config.yaml'), {})
    assert.deepEqual(
      config.deployments.map((d) => d.modelName),
      ['ok'],
    )
    assert.equal(config.warnings.length, 2)
    assert.match(config.warnings[0] ?? '', /model_list\[0\] has no model_name; skipped/)
    assert.match(
      config.warnings[1] ?? '',
      /model_list\[1\] \(no-params\) has no litellm_params\.model; skipped/,
    )
  })

  test('a missing config file is a ConfigError', () => {
    assert.match(configError(() => read('nope.yaml')).message, /^LiteLLM config not found: .*nope\.yaml$/)
  })
})
