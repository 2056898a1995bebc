import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { loadConfig } from '../../src/config/load-config.js'
import { resolveRun } from '../../src/config/resolve-run.js'
import { ConfigError, UsageError } from '../../src/errors.js'
import { removeConfigDirs, writeConfigDir } from '../support/temp-project.js'

after(removeConfigDirs)

const shipped = loadConfig({ configDir: join(import.meta.dirname, '..', '..', 'configs'), env: {} })

/** A config whose every layer can be told apart: YAML values differ from defaults, env and flags. */
const layered = loadConfig({
  configDir: writeConfigDir({
    targets: `targets:
  - name: first
    base_url: http://127.0.0.1:8001/v1
  - name: second
    base_url: http://127.0.0.1:8002/v1
  - name: fake
    kind: sim
    sim: { models: [tiny-sim, other-sim] }
`,
    models: `models:
  - name: alpha
    full_name: org/alpha-7b
  - name: beta
    full_name: org/beta-1b
    targets: [second]
`,
    workloads: `workloads:
  - name: base
    duration: 60
    rps: 5
    concurrency: 8
    temperature: 0.2
    prompt_file: my-prompts.jsonl
  - name: other
    requests: 30
`,
  }),
  env: {},
})

function usageError(run: () => unknown): UsageError {
  try {
    run()
  } catch (error) {
    assert.ok(error instanceof UsageError, `expected UsageError, got ${String(error)}`)
    return error
  }
  assert.fail('expected a UsageError')
}

describe('defaults', () => {
  test('no choice and no env: sim, its first model, high-load-5min, seed 42, default timeouts', () => {
    const run = resolveRun(shipped, {}, {})
    assert.equal(run.target.name, 'sim')
    assert.deepEqual(run.model, {
      name: 'sim-llama-8b',
      fullName: 'sim-llama-8b',
      description: 'Simulated 8B model served by the built-in simulator',
      source: 'models.yaml',
    })
    assert.equal(run.workload.name, 'high-load-5min')
    assert.equal(run.workload.durationSec, 300)
    assert.equal(run.workload.rps, 20)
    assert.equal(run.workload.concurrency, 50)
    assert.equal(run.workload.maxTokens, 1024)
    assert.equal(run.seed, 42)
    assert.deepEqual(run.timeouts, {
      connectMs: 10_000,
      firstByteMs: 120_000,
      idleMs: 60_000,
      totalMs: 600_000,
    })
    assert.equal(run.outputDir, 'results')
    assert.equal(run.graceMs, 10_000)
  })

  test('a non-sim target defaults to the first model meant for it', () => {
    assert.equal(
      resolveRun(shipped, { target: 'vllm-local' }, {}).model.fullName,
      'Qwen/Qwen3-Coder-30B-A3B-Instruct',
    )
  })

  test('a sim target with its own model list defaults to the first of them', () => {
    assert.deepEqual(resolveRun(layered, { target: 'fake' }, {}).model, {
      name: 'tiny-sim',
      fullName: 'tiny-sim',
      description: '',
      source: 'server',
    })
  })
})

describe('precedence: defaults < YAML < BENCH_* env < flags', () => {
  test('each field comes from the highest layer that sets it', () => {
    const run = resolveRun(
      layered,
      { workload: 'base', rps: 9, temperature: 1.5 },
      { BENCH_WORKLOAD: 'other', BENCH_RPS: '7', BENCH_CONCURRENCY: '12', BENCH_TEMPERATURE: '0.9' },
    )
    assert.equal(run.workload.name, 'base') // flag over env
    assert.equal(run.workload.rps, 9) // flag 9 over env 7 over YAML 5
    assert.equal(run.workload.concurrency, 12) // env 12 over YAML 8
    assert.equal(run.workload.temperature, 1.5) // flag 1.5 over env 0.9 over YAML 0.2
    assert.equal(run.workload.durationSec, 60) // YAML
    assert.equal(run.workload.maxTokens, 512) // built-in default
  })

  test('env picks target, model, workload, seed, timeout and output folder when no flag does', () => {
    const env = {
      BENCH_TARGET: 'second',
      BENCH_MODEL: 'beta',
      BENCH_WORKLOAD: 'other',
      BENCH_SEED: '7',
      BENCH_TIMEOUT: '30',
      BENCH_OUTPUT_DIR: 'out',
      BENCH_MAX_TOKENS: '64',
      BENCH_PROMPT_TYPE: 'long',
      BENCH_DURATION: '20',
      BENCH_REQUESTS: '15',
    }
    const run = resolveRun(layered, {}, env)
    assert.equal(run.target.name, 'second')
    assert.equal(run.model.fullName, 'org/beta-1b')
    assert.equal(run.workload.name, 'other')
    assert.equal(run.workload.maxTokens, 64)
    assert.equal(run.workload.promptType, 'long')
    assert.equal(run.workload.durationSec, 20)
    assert.equal(run.workload.requests, 15)
    assert.equal(run.seed, 7)
    assert.equal(run.timeouts.totalMs, 30_000)
    assert.equal(run.timeouts.firstByteMs, 120_000)
    assert.equal(run.outputDir, 'out')

    const flagged = resolveRun(
      layered,
      { target: 'first', model: 'alpha', seed: 3, timeoutSec: 5, outputDir: 'x' },
      env,
    )
    assert.equal(flagged.target.name, 'first')
    assert.equal(flagged.model.name, 'alpha')
    assert.equal(flagged.seed, 3)
    assert.equal(flagged.timeouts.totalMs, 5000)
    assert.equal(flagged.outputDir, 'x')
  })

  test('an empty BENCH_* variable counts as unset', () => {
    assert.equal(
      resolveRun(layered, { workload: 'base' }, { BENCH_RPS: '', BENCH_TARGET: ' ' }).workload.rps,
      5,
    )
  })

  test('a prompt type above the YAML replaces its prompt file; a prompt file flag wins over both', () => {
    const yaml = resolveRun(layered, { workload: 'base' }, {})
    assert.equal(yaml.workload.promptFile, join(layered.configDir, 'my-prompts.jsonl'))
    const typed = resolveRun(layered, { workload: 'base', promptType: 'short' }, {})
    assert.equal(typed.workload.promptType, 'short')
    assert.equal(typed.workload.promptFile, undefined)
    const both = resolveRun(layered, { workload: 'base', promptType: 'short', promptFile: '/p.jsonl' }, {})
    assert.equal(both.workload.promptFile, '/p.jsonl')
  })

  test('--duration 0 next to a requests bound drops the time bound', () => {
    const run = resolveRun(layered, { workload: 'base', durationSec: 0, requests: 25 }, {})
    assert.equal(run.workload.durationSec, undefined)
    assert.equal(run.workload.requests, 25)
    const error = usageError(() => resolveRun(layered, { workload: 'base', durationSec: 0 }, {}))
    assert.equal(error.message, '--duration must be > 0 when there is no requests bound (got 0)')
  })
})

describe('models by alias or full served name', () => {
  test('alias and full name find the same models.yaml entry', () => {
    const byAlias = resolveRun(shipped, { target: 'vllm-local', model: 'qwen3-4b' }, {}).model
    const byFullName = resolveRun(shipped, { target: 'vllm-local', model: 'Qwen/Qwen3-4B' }, {}).model
    assert.deepEqual(byAlias, {
      name: 'qwen3-4b',
      fullName: 'Qwen/Qwen3-4B',
      description: 'Qwen3 4B (small model)',
      source: 'models.yaml',
    })
    assert.deepEqual(byFullName, byAlias)
  })

  test("an unlisted served name is accepted when it contains '/' or ':'", () => {
    assert.deepEqual(resolveRun(shipped, { target: 'vllm-local', model: 'mistralai/Mistral-7B' }, {}).model, {
      name: 'mistralai/Mistral-7B',
      fullName: 'mistralai/Mistral-7B',
      description: '',
      source: 'server',
    })
    assert.equal(
      resolveRun(shipped, { target: 'ollama-local', model: 'llama3.1:8b' }, {}).model.fullName,
      'llama3.1:8b',
    )
  })

  test('a sim target serves any name', () => {
    assert.equal(resolveRun(shipped, { model: 'anything' }, {}).model.fullName, 'anything')
  })

  test('an unknown plain name is refused with the valid names and a suggestion', () => {
    const error = usageError(() => resolveRun(shipped, { target: 'vllm-local', model: 'qwen3-4' }, {}))
    assert.equal(
      error.message,
      'Unknown model "qwen3-4" (--model); valid models: qwen3-coder-30b, qwen3-4b, llama-3.1-70b-fp8, llama-3.1-8b-instruct — did you mean `qwen3-4b`?',
    )
    assert.match(error.hint ?? '', /full served name \(it must contain '\/' or ':'/)
  })

  test('a model meant for other targets is refused', () => {
    const error = usageError(() => resolveRun(layered, { target: 'first', model: 'beta' }, {}))
    assert.equal(error.message, 'Model "beta" (--model) is meant for target second, not "first"')
    assert.match(error.hint ?? '', /Models for first: alpha/)
  })
})

describe('unknown names and bad override values', () => {
  test('unknown target and workload list the valid names', () => {
    const target = usageError(() => resolveRun(shipped, { target: 'vllm-locl' }, {}))
    assert.equal(
      target.message,
      'Unknown target "vllm-locl" (--target); valid targets: sim, vllm-local, litellm-local, ollama-local, sim-prefix-cache — did you mean `vllm-local`?',
    )
    const workload = usageError(() => resolveRun(shipped, {}, { BENCH_WORKLOAD: 'nope' }))
    assert.equal(
      workload.message,
      'Unknown workload "nope" (BENCH_WORKLOAD); valid workloads: high-load-5min, low-load, medium-load, high-load, stress-test, smoke, random-1k-in-128-out, chat-multiturn, rag-long-prefix, trace-replay',
    )
  })

  test('flag values get the same rules as YAML', () => {
    assert.equal(usageError(() => resolveRun(shipped, { rps: -1 }, {})).message, '--rps must be > 0 (got -1)')
    assert.equal(usageError(() => resolveRun(shipped, { rps: 0 }, {})).message, '--rps must be > 0 (got 0)')
    assert.equal(
      usageError(() => resolveRun(shipped, { concurrency: 2.5 }, {})).message,
      '--concurrency must be a whole number (got 2.5)',
    )
    assert.equal(
      usageError(() => resolveRun(shipped, { temperature: 3 }, {})).message,
      '--temperature must be within 0..2 (got 3)',
    )
  })

  test('all bad values of env and flags are reported together', () => {
    const error = usageError(() =>
      resolveRun(shipped, { maxTokens: 0, timeoutSec: -5 }, { BENCH_RPS: 'fast', BENCH_PROMPT_TYPE: 'huge' }),
    )
    assert.deepEqual(error.message.split('\n'), [
      '4 problems in the run settings:',
      '  BENCH_RPS must be a number (got "fast")',
      '  --max-tokens must be >= 1 (got 0)',
      '  BENCH_PROMPT_TYPE must be one of short, medium, long (got "huge")',
      '  --timeout must be > 0 (got -5)',
    ])
  })
})

describe('api_key_env', () => {
  test('is read when the target is used, and names the variable when unset', () => {
    assert.throws(
      () => resolveRun(shipped, { target: 'litellm-local', model: 'org/x' }, {}),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message ===
          'Target "litellm-local" reads its API key from the environment variable LITELLM_MASTER_KEY, which is not set' &&
        /export LITELLM_MASTER_KEY=/.test(error.hint ?? ''),
    )
    const run = resolveRun(
      shipped,
      { target: 'litellm-local', model: 'org/x' },
      { LITELLM_MASTER_KEY: 'sk-1234' },
    )
    assert.equal(run.target.apiKey, 'sk-1234')
    assert.equal(run.target.apiKeyEnv, 'LITELLM_MASTER_KEY')
  })

  test('an unset variable of another target does not matter', () => {
    assert.equal(resolveRun(shipped, { target: 'vllm-local' }, {}).target.apiKey, 'EMPTY')
  })
})
