import assert from 'node:assert/strict'
import { dirname, join } from 'node:path'
import { after, describe, test } from 'node:test'
import { DEFAULT_TIMEOUTS, describeTimeoutDefaults } from '../../src/config/defaults.js'
import { type LoadedConfig, loadConfig, modelsForTarget } from '../../src/config/load-config.js'
import { findPackageRoot, readToolVersion } from '../../src/config/package-root.js'
import { ConfigError } from '../../src/errors.js'
import { MINIMAL_TARGETS, removeConfigDirs, writeConfigDir } from '../support/temp-project.js'

after(removeConfigDirs)

const SHIPPED = join(import.meta.dirname, '..', '..', 'configs')

/** Loads an invalid config and returns the problem lines, with the temp folder cut off the paths. */
function problemLines(files: Parameters<typeof writeConfigDir>[0]): string[] {
  const error = loadError(files)
  const lines = error.message.split('\n')
  return (lines.length === 1 ? lines : lines.slice(1)).map((line) => line.trim())
}

function loadError(files: Parameters<typeof writeConfigDir>[0]): ConfigError {
  const configDir = writeConfigDir(files)
  try {
    loadConfig({ configDir, env: {} })
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`)
    // Paths show as configs/<file> relative to the temp root, as they would from a project folder.
    error.message = error.message.replaceAll(`${dirname(configDir)}/`, '')
    return error
  }
  assert.fail('loadConfig accepted an invalid config')
}

describe('shipped configs', () => {
  const config: LoadedConfig = loadConfig({ configDir: SHIPPED, env: {} })

  test('targets: sim first, then the three local servers, then the simulator with a prefix cache', () => {
    assert.deepEqual(
      config.targets.map((target) => [target.name, target.kind, target.baseUrl]),
      [
        ['sim', 'sim', ''],
        ['vllm-local', 'openai', 'http://localhost:8000/v1'],
        ['litellm-local', 'litellm', 'http://localhost:4000'],
        ['ollama-local', 'openai', 'http://localhost:11434/v1'],
        ['sim-prefix-cache', 'sim', ''],
      ],
    )
    assert.equal(config.targets[0]?.description, 'Built-in simulated LLM server (no GPU needed)')
    assert.equal(config.targets[1]?.apiKey, 'EMPTY')
    assert.equal(config.targets[2]?.apiKeyEnv, 'LITELLM_MASTER_KEY')
    assert.equal(config.targets[2]?.apiKey, undefined)
    assert.equal(config.targets[1]?.keepalive, true)
  })

  test('models: two simulated ones for sim, then the original examples for every target', () => {
    assert.deepEqual(
      config.models.map((model) => [model.name, model.fullName]),
      [
        ['sim-llama-8b', 'sim-llama-8b'],
        ['sim-qwen3-4b', 'sim-qwen3-4b'],
        ['qwen3-coder-30b', 'Qwen/Qwen3-Coder-30B-A3B-Instruct'],
        ['qwen3-4b', 'Qwen/Qwen3-4B'],
        ['llama-3.1-70b-fp8', 'meta-llama/Llama-3.1-70B-Instruct-FP8'],
        ['llama-3.1-8b-instruct', 'meta-llama/Meta-Llama-3.1-8B-Instruct'],
      ],
    )
    assert.deepEqual(
      modelsForTarget(config, 'vllm-local').map((model) => model.name),
      ['qwen3-coder-30b', 'qwen3-4b', 'llama-3.1-70b-fp8', 'llama-3.1-8b-instruct'],
    )
    assert.equal(modelsForTarget(config, 'sim').length, 6)
  })

  test('workloads: the original scenarios plus smoke, high-load-5min is the default', () => {
    assert.equal(config.defaultWorkload, 'high-load-5min')
    const table = config.workloads.map((w) => [
      w.name,
      w.durationSec,
      w.rps,
      w.concurrency,
      w.maxTokens,
      w.promptType,
    ])
    assert.deepEqual(table, [
      ['high-load-5min', 300, 20, 50, 1024, 'medium'],
      ['low-load', 300, 1, 2, 512, 'medium'],
      ['medium-load', 300, 5, 10, 512, 'medium'],
      ['high-load', 300, 20, 50, 512, 'medium'],
      ['stress-test', 600, 50, 100, 512, 'medium'],
      ['smoke', 10, 5, 4, 32, 'short'],
      ['random-1k-in-128-out', 15, 4, 16, 512, 'medium'],
      ['chat-multiturn', undefined, 1, 8, 512, 'medium'],
      ['rag-long-prefix', 15, 4, 16, 512, 'medium'],
      ['trace-replay', 300, undefined, 32, 512, 'medium'],
    ])
    const main = config.workloads[0]
    assert.equal(main?.temperature, 0.7)
    assert.equal(main?.arrival, 'constant')
    assert.equal(main?.api, 'chat')
    assert.equal(main?.ignoreEos, false)
    assert.equal(main?.description, '5분 고부하 성능 테스트 / 5-minute high-load test')
    assert.match(config.workloads[4]?.description ?? '', /10-minute stress test/)
  })

  test('files lists the three files read', () => {
    assert.deepEqual(
      config.files.map((file) => file.slice(SHIPPED.length + 1)),
      ['targets.yaml', 'models.yaml', 'workloads.yaml'],
    )
  })
})

describe('defaults and conversion', () => {
  test('a workload without optional keys gets the built-in defaults', () => {
    const config = loadConfig({
      configDir: writeConfigDir({ workloads: 'workloads:\n  - name: bare\n' }),
      env: {},
    })
    assert.deepEqual(config.workloads[0], {
      name: 'bare',
      description: '',
      arrival: 'constant',
      concurrency: 10,
      maxTokens: 512,
      temperature: 0.7,
      promptType: 'medium',
      api: 'chat',
      ignoreEos: false,
      durationSec: 300,
    })
    assert.equal(config.defaultWorkload, 'bare')
  })

  test('rps: null is a closed loop; duration 0 next to requests means no time bound', () => {
    const config = loadConfig({
      configDir: writeConfigDir({
        workloads: 'workloads:\n  - name: closed\n    rps: null\n    duration: 0\n    requests: 40\n',
      }),
      env: {},
    })
    const workload = config.workloads[0]
    assert.equal(workload?.rps, undefined)
    assert.equal(workload?.durationSec, undefined)
    assert.equal(workload?.requests, 40)
    assert.ok(!('rps' in (workload ?? {})))
  })

  test('snake_case target keys become camelCase; relative paths start at the config folder', () => {
    const configDir = writeConfigDir({
      targets: `targets:
  - name: proxy
    kind: litellm
    base_url: http://127.0.0.1:4000/
    api_key_env: PROXY_KEY
    headers: { X-Team: bench }
    keepalive: false
    litellm_config: ../litellm/config.yaml
  - name: fake
    kind: sim
    sim: { max_batch_size: 4, decode_base_ms: 2, faults: [http_429], error_rate: 0.1, models: [tiny] }
`,
      workloads: 'workloads:\n  - name: mine\n    prompt_file: prompts/mine.jsonl\n',
    })
    const config = loadConfig({ configDir, env: {} })
    assert.deepEqual(config.targets[0], {
      name: 'proxy',
      description: '',
      kind: 'litellm',
      baseUrl: 'http://127.0.0.1:4000',
      headers: { 'X-Team': 'bench' },
      keepalive: false,
      apiKeyEnv: 'PROXY_KEY',
      litellmConfig: join(configDir, '..', 'litellm', 'config.yaml'),
    })
    assert.deepEqual(config.targets[1]?.sim, {
      models: ['tiny'],
      maxBatchSize: 4,
      decodeBaseMs: 2,
      errorRate: 0.1,
      faults: ['http_429'],
    })
    assert.equal(config.workloads[0]?.promptFile, join(configDir, 'prompts', 'mine.jsonl'))
  })

  test('models.yaml may be missing or empty', () => {
    assert.deepEqual(loadConfig({ configDir: writeConfigDir({ models: null }), env: {} }).models, [])
    assert.deepEqual(loadConfig({ configDir: writeConfigDir({ models: '' }), env: {} }).models, [])
    assert.deepEqual(loadConfig({ configDir: writeConfigDir({ models: 'models:\n' }), env: {} }).models, [])
  })

  test('full_name defaults to the name', () => {
    const config = loadConfig({
      configDir: writeConfigDir({ models: 'models:\n  - name: llama3.1:8b\n' }),
      env: {},
    })
    assert.deepEqual(config.models[0], {
      name: 'llama3.1:8b',
      fullName: 'llama3.1:8b',
      description: '',
      source: 'models.yaml',
    })
  })

  test('api_key_env naming an unset variable is not an error at load time', () => {
    const configDir = writeConfigDir({
      targets:
        'targets:\n  - name: p\n    base_url: http://127.0.0.1:4000\n    api_key_env: SURELY_UNSET_VAR\n',
    })
    assert.equal(loadConfig({ configDir, env: {} }).targets[0]?.apiKeyEnv, 'SURELY_UNSET_VAR')
  })
})

describe('validation errors', () => {
  test('workloads.yaml: every bad value of every workload is listed, by workload name', () => {
    const lines = problemLines({
      workloads: `workloads:
  - name: high-load
    rps: -1
    concurrency: 0
    temperature: 2.5
  - name: second
    max_tokens: 0
    requests: 0
    concurrency: 1.5
  - name: third
    duration: -3
`,
    })
    assert.deepEqual(lines, [
      'configs/workloads.yaml: workloads[high-load].rps: must be > 0 (got -1) — omit rps (or set rps: null) for a closed loop with `concurrency` workers',
      'configs/workloads.yaml: workloads[high-load].concurrency: must be >= 1 (got 0) — use a whole number of requests in flight, e.g. 10',
      'configs/workloads.yaml: workloads[high-load].temperature: must be within 0..2 (got 2.5) — use a value from 0 to 2, e.g. 0.7',
      'configs/workloads.yaml: workloads[second].requests: must be >= 1 (got 0) — give a whole number of requests, e.g. 100',
      'configs/workloads.yaml: workloads[second].concurrency: must be a whole number (got 1.5) — use a whole number of requests in flight, e.g. 10',
      'configs/workloads.yaml: workloads[second].max_tokens: must be >= 1 (got 0) — give a whole number of output tokens, e.g. 512',
      'configs/workloads.yaml: workloads[third].duration: must be > 0 (got -3) — give the run length in seconds, e.g. 300',
    ])
  })

  test('a file with 3 errors gives one error with a count line and 3 problem lines', () => {
    const error = loadError({
      workloads: 'workloads:\n  - name: a\n    rps: 0\n    concurrency: -2\n    max_tokens: 1.5\n',
    })
    const [header, ...rest] = error.message.split('\n')
    assert.equal(header, '3 problems in the config files in configs:')
    assert.equal(rest.length, 3)
    assert.ok(rest.every((line) => line.startsWith('  configs/workloads.yaml: workloads[a].')))
    assert.match(error.hint ?? '', /examples of every key are in .*configs/)
  })

  test('problems of all three files are reported together', () => {
    const lines = problemLines({
      targets: 'targets:\n  - name: t\n    base_url: localhost:8000\n',
      models: 'models:\n  - name: m\n    fullname: x/y\n',
      workloads: 'workloads:\n  - name: w\n    rps: -1\n',
    })
    assert.deepEqual(lines, [
      'configs/targets.yaml: targets[t].base_url: must be an http:// or https:// URL (got "localhost:8000") — include the scheme and the /v1 prefix, e.g. http://localhost:8000/v1',
      'configs/models.yaml: models[m].fullname: unknown key — did you mean `full_name`?',
      'configs/workloads.yaml: workloads[w].rps: must be > 0 (got -1) — omit rps (or set rps: null) for a closed loop with `concurrency` workers',
    ])
  })

  test('unknown keys suggest the closest known key, or list the known keys', () => {
    const lines = problemLines({
      workloads: 'workloads:\n  - name: w\n    concurency: 5\n    zzzzzzzz: 1\n',
    })
    assert.deepEqual(lines, [
      'configs/workloads.yaml: workloads[w].concurency: unknown key — did you mean `concurrency`?',
      'configs/workloads.yaml: workloads[w].zzzzzzzz: unknown key — known keys: name, description, duration, requests, rps, arrival, concurrency, max_tokens, temperature, prompt_type, prompt_file, api, ignore_eos, slo, input_tokens, output_tokens, on_bad_prompt, dataset, sessions, prefix, trace',
    ])
    assert.deepEqual(problemLines({ workloads: 'workload:\n  - name: w\n' }), [
      'configs/workloads.yaml: workloads: is required',
      'configs/workloads.yaml: workload: unknown key — did you mean `workloads`?',
    ])
  })

  test('wrong types and bad enum values, with a suggestion for a near miss', () => {
    const lines = problemLines({
      workloads: `workloads:
  - name: w
    max_tokens: "512"
    arrival: posson
    prompt_type: huge
    ignore_eos: "yes"
  - 5
`,
    })
    assert.deepEqual(lines, [
      'configs/workloads.yaml: workloads[w].arrival: must be one of constant, poisson (got "posson") — did you mean `poisson`?',
      'configs/workloads.yaml: workloads[w].max_tokens: must be a whole number (got "512") — give a whole number of output tokens, e.g. 512',
      'configs/workloads.yaml: workloads[w].prompt_type: must be one of short, medium, long (got "huge")',
      'configs/workloads.yaml: workloads[w].ignore_eos: must be true or false (got "yes")',
      'configs/workloads.yaml: workloads[1]: must be a map (got 5)',
    ])
  })

  test('duration 0 without a requests bound, duplicate names, unknown default workload', () => {
    const lines = problemLines({
      workloads: `defaults:
  default_workload: hgih-load
workloads:
  - name: high-load
    duration: 0
  - name: high-load
    duration: 10
`,
    })
    assert.deepEqual(lines, [
      'configs/workloads.yaml: workloads[1].name: duplicate name, already used by workloads[0] (got "high-load") — give every entry its own name',
      'configs/workloads.yaml: workloads[0].duration: must be > 0 when there is no requests bound (got 0) — give the run length in seconds, or add requests: N for a count-bound run',
      'configs/workloads.yaml: defaults.default_workload: names no workload in this file (got "hgih-load") — did you mean `high-load`?',
    ])
  })

  test('targets.yaml: kind rules, api_key with api_key_env, simulator options', () => {
    const lines = problemLines({
      targets: `targets:
  - name: a
    api_key: secret
    api_key_env: KEY
  - name: b
    kind: sim
    base_url: http://127.0.0.1:9/v1
    sim: { max_batch_size: 0, error_rate: 2, faults: [http_503] }
  - name: c
    kind: openia
    base_url: http://x/v1
    keepalve: false
`,
    })
    assert.deepEqual(lines, [
      'configs/targets.yaml: targets[b].sim.max_batch_size: must be >= 1 (got 0)',
      'configs/targets.yaml: targets[b].sim.error_rate: must be within 0..1 (got 2) — use a fraction, e.g. 0.05 for 5 %',
      'configs/targets.yaml: targets[b].sim.faults[0]: must be one of http_429, http_500, error_event, stall, drop (got "http_503") — did you mean `http_500`?',
      'configs/targets.yaml: targets[c].kind: must be one of openai, litellm, sim (got "openia") — did you mean `openai`?',
      'configs/targets.yaml: targets[c].keepalve: unknown key — did you mean `keepalive`?',
      'configs/targets.yaml: targets[a].api_key_env: cannot be set together with api_key — keep api_key_env (the key stays out of the file) and remove api_key',
      'configs/targets.yaml: targets[a].base_url: is required for kind openai — include the scheme and the /v1 prefix, e.g. http://localhost:8000/v1',
      'configs/targets.yaml: targets[b].base_url: is not used by kind sim (the simulator runs inside run-bench) (got "http://127.0.0.1:9/v1") — remove base_url, or use kind: openai to point at a server started with `run-bench sim`',
    ])
  })

  test('simulator decode times cannot both be 0', () => {
    assert.deepEqual(
      problemLines({
        targets:
          'targets:\n  - name: s\n    kind: sim\n    sim: { decode_base_ms: 0, decode_per_seq_ms: 0 }\n',
      }),
      [
        'configs/targets.yaml: targets[s].sim: decode_base_ms and decode_per_seq_ms cannot both be 0 (a decode step cannot take no time) — set one of them above 0, e.g. decode_base_ms: 5',
      ],
    )
  })

  test('models.yaml: targets naming an unknown target, duplicate names', () => {
    const lines = problemLines({
      models: 'models:\n  - name: m\n    targets: [locl]\n  - name: m\n    full_name: org/m\n',
    })
    assert.deepEqual(lines, [
      'configs/models.yaml: models[1].name: duplicate name, already used by models[0] (got "m") — give every entry its own name',
      'configs/models.yaml: models[0].targets[0]: names no target in targets.yaml (got "locl") — did you mean `local`?',
    ])
  })

  test('a missing file names the file and where to copy it from', () => {
    const error = loadError({ targets: null })
    assert.equal(
      error.message,
      `configs/targets.yaml: file not found — copy it from the package's configs/ folder (${join(findPackageRoot(), 'configs', 'targets.yaml')}) or pass --config-dir`,
    )
  })

  test('an empty targets.yaml or workloads.yaml says what it needs', () => {
    assert.deepEqual(problemLines({ targets: '', workloads: '# nothing yet\n' }), [
      'configs/targets.yaml: is empty — it needs a `targets:` list',
      'configs/workloads.yaml: is empty — it needs a `workloads:` list',
    ])
    assert.deepEqual(problemLines({ targets: 'targets: []\n' }), [
      'configs/targets.yaml: targets: must list at least one target (got [])',
    ])
  })

  test('a YAML syntax error gives file:line:col and the parser message', () => {
    assert.deepEqual(problemLines({ workloads: 'workloads:\n  - name: w\n    rps: [5\n' }), [
      'configs/workloads.yaml:4:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ])
    assert.deepEqual(problemLines({ targets: `${MINIMAL_TARGETS}    base_url: http://other/v1\n` }), [
      'configs/targets.yaml:4:5: YAML syntax error: Map keys must be unique — remove or rename one of the two keys',
    ])
  })
})

describe('package root', () => {
  test('is the folder with package.json, configs/ and prompts/', () => {
    assert.equal(findPackageRoot(), join(import.meta.dirname, '..', '..'))
    assert.match(readToolVersion(), /^\d+\.\d+\.\d+/)
  })

  test('timeout defaults are described for --help', () => {
    assert.deepEqual(DEFAULT_TIMEOUTS, {
      connectMs: 10_000,
      firstByteMs: 120_000,
      idleMs: 60_000,
      totalMs: 600_000,
    })
    assert.equal(describeTimeoutDefaults(), 'connect 10 s, first byte 120 s, idle 60 s, total 600 s')
  })
})
