// Bad input from the user, end to end through the CLI (`main(argv, io)`): every case ends in
// exit code 2 with one message naming the file / key path / line / flag, the value received
// and the fix, and nothing is sent. The message wording of each config rule is asserted in
// test/config and test/workload; here each category is checked once at the CLI level.
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { main } from '../../src/cli/main.js'
import { DEFAULT_TIMEOUTS } from '../../src/config/defaults.js'
import { findPackageRoot } from '../../src/config/package-root.js'
import { DEFAULT_SIM_OPTIONS } from '../../src/sim/options.js'
import { createFakeIo, type FakeIo } from '../support/fake-io.js'
import { type RawServer, startRawServer } from '../support/raw-server.js'
import { createTempProject, type TempProject } from '../support/temp-project.js'

const TARGETS = `targets:
  - name: sim
    kind: sim
  - name: remote
    base_url: http://127.0.0.1:9/v1
    api_key_env: RB_HOSTILE_UNSET_KEY
`
const MODELS = `models:
  - name: llama
    full_name: org/llama
  - name: qwen
    full_name: org/qwen
`
const WORKLOADS = `workloads:
  - name: tiny
    requests: 2
    concurrency: 1
    max_tokens: 4
    prompt_type: short
  - name: timed
    duration: 5
    concurrency: 1
`

interface CliResult {
  code: number
  io: FakeIo
  project: TempProject
}

const projects: TempProject[] = []
after(() => {
  for (const project of projects) project.remove()
})

/** Runs the CLI in a fresh temp project; $CFG, $OUT and $DIR in argv are its paths. */
async function cli(
  argv: string[],
  files: { targets?: string; models?: string; workloads?: string } = {},
  options: { env?: Record<string, string>; setup?: (project: TempProject) => void } = {},
): Promise<CliResult> {
  const project = createTempProject({
    targets: files.targets ?? TARGETS,
    models: files.models ?? MODELS,
    workloads: files.workloads ?? WORKLOADS,
  })
  projects.push(project)
  options.setup?.(project)
  const io = createFakeIo({ cwd: project.dir, ...(options.env === undefined ? {} : { env: options.env }) })
  const expand = (arg: string) =>
    arg.replace('$CFG', project.configDir).replace('$OUT', project.outputDir).replace('$DIR', project.dir)
  const code = await main(argv.map(expand), io)
  return { code, io, project }
}

const RUN = ['run', '--config-dir', '$CFG', '--output-dir', '$OUT']

/** A usage/config error: exit 2, nothing on stdout, no result files, the exact stderr lines. */
function assertUsageError(result: CliResult, stderrLines: string[]): void {
  assert.equal(result.code, 2, result.io.err() + result.io.out())
  assert.deepEqual(result.io.err().trimEnd().split('\n'), stderrLines)
  assert.equal(result.io.out(), '')
  assert.equal(existsSync(join(result.project.outputDir, 'raw')), false, 'no result folder before a load')
}

describe('config files', () => {
  test('a missing config folder: reported once, with what to pass instead (exit 2)', async () => {
    const result = await cli(['run', '--config-dir', '$DIR/nowhere', '--output-dir', '$OUT'])
    const dir = join(result.project.dir, 'nowhere')
    const shipped = join(findPackageRoot(), 'configs')
    assertUsageError(result, [
      `Error: Config folder ${dir} does not exist`,
      `Hint: Pass --config-dir a folder holding targets.yaml (workloads.yaml and models.yaml are optional), or leave --config-dir out to use ./configs or the bundled ${shipped}`,
    ])
  })

  test('a YAML syntax error gives file:line:col and the parser message (exit 2)', async () => {
    const result = await cli(RUN, { workloads: 'workloads:\n  - name: w\n    rps: [5\n' })
    assertUsageError(result, [
      `Error: ${result.project.configDir}/workloads.yaml:4:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]`,
      `Hint: Fix the lines above; examples of every key are in ${join(findPackageRoot(), 'configs')}`,
    ])
  })

  test('wrong types, unknown keys, rps/concurrency <= 0, duration 0: all at once, by key path (exit 2)', async () => {
    const result = await cli(RUN, {
      targets: 'targets:\n  - name: sim\n    kind: sim\n    keepalve: false\n',
      workloads: `workloads:
  - name: w
    concurency: 5
    rps: 0
    concurrency: 0
    max_tokens: "512"
    duration: 0
  - name: v
    rps: -2
`,
    })
    const file = (name: string) => `${result.project.configDir}/${name}`
    assertUsageError(result, [
      `Error: 7 problems in the config files in ${result.project.configDir}:`,
      `  ${file('targets.yaml')}: targets[sim].keepalve: unknown key — did you mean \`keepalive\`?`,
      `  ${file('workloads.yaml')}: workloads[w].rps: must be > 0 (got 0) — omit rps (or set rps: null) for a closed loop with \`concurrency\` workers`,
      `  ${file('workloads.yaml')}: workloads[w].concurrency: must be >= 1 (got 0) — use a whole number of requests in flight, e.g. 10`,
      `  ${file('workloads.yaml')}: workloads[w].max_tokens: must be a whole number (got "512") — give a whole number of output tokens, e.g. 512`,
      `  ${file('workloads.yaml')}: workloads[w].concurency: unknown key — did you mean \`concurrency\`?`,
      `  ${file('workloads.yaml')}: workloads[v].rps: must be > 0 (got -2) — omit rps (or set rps: null) for a closed loop with \`concurrency\` workers`,
      `  ${file('workloads.yaml')}: workloads[w].duration: must be > 0 when there is no requests bound (got 0) — give the run length in seconds, or add requests: N for a count-bound run`,
      `Hint: Fix the lines above; examples of every key are in ${join(findPackageRoot(), 'configs')}`,
    ])
  })

  test('duration 0 with no requests bound in workloads.yaml (exit 2)', async () => {
    const result = await cli(RUN, { workloads: 'workloads:\n  - name: w\n    duration: 0\n' })
    assertUsageError(result, [
      `Error: ${result.project.configDir}/workloads.yaml: workloads[w].duration: must be > 0 when there is no requests bound (got 0) — give the run length in seconds, or add requests: N for a count-bound run`,
      `Hint: Fix the lines above; examples of every key are in ${join(findPackageRoot(), 'configs')}`,
    ])
  })
})

describe('names', () => {
  test('an unknown target lists the valid ones and suggests the nearest (exit 2)', async () => {
    const result = await cli([...RUN, '--target', 'simm'])
    assertUsageError(result, [
      'Error: Unknown target "simm" (--target); valid targets: sim, remote — did you mean `sim`?',
      `Hint: Add it to ${result.project.configDir}/targets.yaml`,
    ])
  })

  test('an unknown model lists the valid ones (models.yaml and the server) and suggests the nearest (exit 2)', async (t) => {
    // A name models.yaml does not know is looked up on the server first: it may serve it.
    const list = '{"object":"list","data":[{"id":"org/other","object":"model"}]}'
    const server = await startRawServer((_request, socket) =>
      socket.write(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${list.length}\r\n\r\n${list}`,
      ),
    )
    t.after(() => server.close())
    const result = await cli(
      [...RUN, '--target', 'remote', '--model', 'lama'],
      { targets: TARGETS.replace('http://127.0.0.1:9/v1', server.baseUrl) },
      { env: { RB_HOSTILE_UNSET_KEY: 'sk-anything' } },
    )
    assertUsageError(result, [
      'Error: Unknown model "lama" (--model); valid models: llama, qwen, org/other — did you mean `llama`?',
      `Hint: Give a name from ${result.project.configDir}/models.yaml, or the full served name (it must contain '/' or ':', e.g. Qwen/Qwen3-4B)`,
    ])
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.path}`),
      ['GET /v1/models'],
    )
  })

  test('an unknown workload lists the valid ones and suggests the nearest (exit 2)', async () => {
    const result = await cli([...RUN, '--workload', 'tiyn'])
    assertUsageError(result, [
      'Error: Unknown workload "tiyn" (--workload); valid workloads: tiny, timed — did you mean `tiny`?',
      `Hint: Add it to ${result.project.configDir}/workloads.yaml`,
    ])
  })

  test('an unknown name from a BENCH_* variable names the variable (exit 2)', async () => {
    const result = await cli(RUN, undefined, { env: { BENCH_WORKLOAD: 'nope' } })
    assert.equal(result.code, 2)
    assert.match(
      result.io.err(),
      /^Error: Unknown workload "nope" \(BENCH_WORKLOAD\); valid workloads: tiny, timed\n/,
    )
  })

  test('api_key_env naming an unset variable: target, variable and how to set it (exit 2)', async () => {
    const result = await cli([...RUN, '--target', 'remote'])
    assertUsageError(result, [
      'Error: Target "remote" reads its API key from the environment variable RB_HOSTILE_UNSET_KEY, which is not set',
      `Hint: Set it before running (export RB_HOSTILE_UNSET_KEY=sk-...), or give api_key in ${result.project.configDir}/targets.yaml (api_key: "EMPTY" for a server without auth)`,
    ])
  })
})

describe('prompt files', () => {
  test('a missing prompt file is named with how to fix it (exit 2)', async () => {
    const result = await cli([...RUN, '--workload', 'tiny', '--prompt-file', 'missing.jsonl'])
    assertUsageError(result, [
      `Error: Prompt file not found: ${result.project.dir}/missing.jsonl`,
      'Hint: Check --prompt-file or prompt_file in workloads.yaml (relative paths there start at its folder)',
    ])
  })

  test('an empty prompt file (blank lines only) is refused (exit 2)', async () => {
    const result = await cli([...RUN, '--workload', 'tiny', '--prompt-file', 'empty.jsonl'], undefined, {
      setup: (project) => writeFileSync(join(project.dir, 'empty.jsonl'), '\n  \n'),
    })
    assertUsageError(result, [
      `Error: ${result.project.dir}/empty.jsonl: no prompts (the file is empty)`,
      'Hint: Write one JSON object per line, e.g. {"prompt": "Explain what a mutex is", "category": "general"}',
    ])
  })

  test('malformed lines are all listed with their line numbers (exit 2)', async () => {
    // From workloads.yaml: a relative prompt_file starts at the config folder.
    const result = await cli(
      [...RUN, '--workload', 'w'],
      { workloads: 'workloads:\n  - name: w\n    requests: 1\n    prompt_file: bad.jsonl\n' },
      {
        setup: (project) =>
          writeFileSync(join(project.configDir, 'bad.jsonl'), '{"prompt": "fine"}\n\n{"text": 5}\n[1]\n'),
      },
    )
    const path = `${result.project.configDir}/bad.jsonl`
    assertUsageError(result, [
      `Error: 2 problems in ${path}:`,
      `  ${path}:3: needs a non-empty "prompt" string (got {"text":5})`,
      `  ${path}:4: must be a JSON object (got [1])`,
      'Hint: Each line must be one JSON object, e.g. {"prompt": "Explain what a mutex is", "category": "general"}',
    ])
  })
})

describe('flags and BENCH_* variables', () => {
  test('--rps 0 and --concurrency 0 are both reported, with the value and the fix (exit 2)', async () => {
    const result = await cli([...RUN, '--workload', 'tiny', '--rps', '0', '--concurrency', '0'])
    assertUsageError(result, [
      'Error: 2 problems in the run settings:',
      '  --rps must be > 0 (got 0)',
      '  --concurrency must be >= 1 (got 0)',
      'Hint: --rps: requests per second above 0, e.g. 5; leave it out (with a workload without rps) for a closed loop',
      '      --concurrency: a whole number of requests in flight >= 1, e.g. 10',
      '      Flags override BENCH_* environment variables, which override the YAML files',
    ])
  })

  test('bad BENCH_* values are reported with the flags, naming the variable (exit 2)', async () => {
    const result = await cli([...RUN, '--workload', 'tiny', '--rps', '-1'], undefined, {
      env: { BENCH_CONCURRENCY: 'many', BENCH_TIMEOUT: '0' },
    })
    assertUsageError(result, [
      'Error: 3 problems in the run settings:',
      '  --rps must be > 0 (got -1)',
      '  BENCH_CONCURRENCY must be a number (got "many")',
      '  BENCH_TIMEOUT must be > 0 (got 0)',
      'Hint: --rps: requests per second above 0, e.g. 5; leave it out (with a workload without rps) for a closed loop',
      '      BENCH_CONCURRENCY: a whole number of requests in flight >= 1, e.g. 10',
      '      BENCH_TIMEOUT: the whole-request timeout in seconds above 0, e.g. 600',
      '      Flags override BENCH_* environment variables, which override the YAML files',
    ])
  })

  test('--duration 0 without a requests bound (exit 2)', async () => {
    const result = await cli([...RUN, '--workload', 'timed', '--duration', '0'])
    assertUsageError(result, [
      'Error: --duration must be > 0 when there is no requests bound (got 0)',
      'Hint: Give the run length in seconds, or add --requests N for a count-bound run',
    ])
  })

  test('a flag value that is not a number names the flag and the value (exit 2)', async () => {
    const result = await cli([...RUN, '--rps', 'fast'])
    assertUsageError(result, [
      "error: option '--rps <n>' argument 'fast' is invalid. Not a number.",
      '(run with --help for usage)',
    ])
  })

  test('a fraction where a whole number is needed (exit 2)', async () => {
    const result = await cli([...RUN, '--requests', '2.5'])
    assertUsageError(result, [
      "error: option '--requests <n>' argument '2.5' is invalid. Not a whole number.",
      '(run with --help for usage)',
    ])
  })

  test('an unknown flag suggests the nearest one (exit 2)', async () => {
    const result = await cli([...RUN, '--rsp', '5'])
    assertUsageError(result, [
      "error: unknown option '--rsp'",
      '(Did you mean --rps?)',
      '(run with --help for usage)',
    ])
  })

  test('a value outside a flag’s choices lists them (exit 2)', async () => {
    const result = await cli([...RUN, '--arrival', 'posson'])
    assertUsageError(result, [
      "error: option '--arrival <kind>' argument 'posson' is invalid. Allowed choices are constant, poisson.",
      '(run with --help for usage)',
    ])
  })

  test('an unknown command (exit 2)', async () => {
    const result = await cli(['rn'])
    assert.equal(result.code, 2)
    assert.match(result.io.err(), /unknown command 'rn'/)
  })
})

describe('--help of every command shows defaults and examples', () => {
  async function help(command: string[]): Promise<string> {
    const result = await cli([...command, '--help'])
    assert.equal(result.code, 0, result.io.err())
    assert.equal(result.io.err(), '')
    return result.io.out()
  }

  test('run: the timeout defaults (connect, first byte, idle, total), the workload defaults, examples', async () => {
    const text = await help(['run'])
    const sec = (ms: number) => `${ms / 1000}`
    assert.match(text, new RegExp(`whole-request timeout \\(default ${sec(DEFAULT_TIMEOUTS.totalMs)} s;`))
    const flat = text.replace(/\s+/g, ' ')
    assert.ok(flat.includes(`connect ${sec(DEFAULT_TIMEOUTS.connectMs)} s`), flat)
    assert.ok(flat.includes(`first byte ${sec(DEFAULT_TIMEOUTS.firstByteMs)} s`), flat)
    assert.ok(flat.includes(`idle between chunks ${sec(DEFAULT_TIMEOUTS.idleMs)} s`), flat)
    assert.match(
      text,
      /Defaults: target "sim", its first model, workload high-load-5min \(300 s, 20 rps, 50 in flight,/,
    )
    assert.match(text, /seed for arrivals and prompt choice \(default 42\)/)
    assert.match(text, /\nExamples:\n {2}run-bench run --target sim --workload smoke\n/)
  })

  test('the top level lists every command and examples', async () => {
    const text = await help([])
    for (const command of ['run', 'interactive', 'models', 'sim', 'summarize', 'report']) {
      assert.match(text, new RegExp(`\\n {2}${command} `), command)
    }
    assert.match(text, /\nExamples:\n/)
  })

  for (const command of ['sim', 'summarize', 'report', 'interactive', 'models']) {
    test(`${command}: an example`, async () => {
      const text = await help([command])
      assert.match(text, /\nExamples?:\n {2}run-bench/)
    })
  }

  test('sim, report, interactive, models: defaults of the options that have one', async () => {
    assert.match(await help(['sim']), /--port <n> +port to listen on \(default: 8000\)/)
    assert.match(
      await help(['report']),
      /--format <list> +comma list of md,html,png,pdf \(default: "md,html"\)/,
    )
    assert.match(
      await help(['interactive']),
      /--output-dir <dir> +where raw\/, summary\/ and reports\/ go \(default: "results"\)/,
    )
    assert.match(await help(['models']), /--target <name> +only this target \(default: every target;/)
  })

  test('sim: the simulator defaults (batch size, step times, error rate, seed) are stated', async () => {
    const text = (await help(['sim'])).replace(/\s+/g, ' ')
    assert.ok(text.includes(`(default: ${DEFAULT_SIM_OPTIONS.maxBatchSize})`), 'max batch size')
    assert.ok(text.includes(`(default: ${DEFAULT_SIM_OPTIONS.decodeBaseMs})`), 'decode base ms')
    assert.ok(text.includes(`(default: ${DEFAULT_SIM_OPTIONS.errorRate})`), 'error rate')
    assert.ok(text.includes(`(default: ${DEFAULT_SIM_OPTIONS.seed})`), 'seed')
  })
})

describe('output folder and target', () => {
  let server: RawServer
  before(async () => {
    server = await startRawServer((_request, socket) => socket.destroy())
  })
  after(async () => {
    await server.close()
  })

  const openaiTarget = (baseUrl: string) => `targets:
  - name: local
    base_url: ${baseUrl}
    api_key: EMPTY
`

  test('an output folder that cannot be written is reported before any request is sent (exit 2)', async () => {
    const result = await cli(
      [
        'run',
        '--config-dir',
        '$CFG',
        '--output-dir',
        '$DIR/blocker/results',
        '--workload',
        'tiny',
        '--model',
        'org/m',
      ],
      { targets: openaiTarget(server.baseUrl) },
      { setup: (project) => writeFileSync(join(project.dir, 'blocker'), 'a file, not a folder') },
    )
    assert.equal(result.code, 2)
    assert.deepEqual(result.io.err().trimEnd().split('\n'), [
      `Error: Cannot write results to ${result.project.dir}/blocker/results/raw (ENOTDIR)`,
      'Hint: choose a writable folder with --output-dir, or fix its permissions',
    ])
    assert.equal(result.io.out(), '')
    assert.equal(
      server.requests.filter((r) => r.method === 'POST').length,
      0,
      'the server saw no completion request',
    )
  })

  test('a results folder that is a file is reported the same way (exit 2)', async () => {
    const result = await cli(
      [
        'run',
        '--config-dir',
        '$CFG',
        '--output-dir',
        '$DIR/results',
        '--workload',
        'tiny',
        '--model',
        'org/m',
      ],
      { targets: openaiTarget(server.baseUrl) },
      {
        setup: (project) => {
          mkdirSync(join(project.dir, 'results'))
          writeFileSync(join(project.dir, 'results', 'raw'), '')
        },
      },
    )
    assert.equal(result.code, 2)
    assert.match(result.io.err(), /^Error: Cannot write results to .*\/results\/raw \((EEXIST|ENOTDIR)\)\n/)
    assert.equal(server.requests.filter((r) => r.method === 'POST').length, 0)
  })

  test('an unreachable target is reported before the load and before any result file, exit 3', async () => {
    const result = await cli([...RUN, '--workload', 'tiny', '--model', 'org/m'], {
      targets: openaiTarget('http://127.0.0.1:9/v1'),
    })
    assert.equal(result.code, 3, result.io.err() + result.io.out())
    assert.deepEqual(result.io.err().trimEnd().split('\n'), [
      'Error: GET http://127.0.0.1:9/v1/models: connection refused (ECONNREFUSED)',
      'Hint: Check that the server of target "local" is running and that base_url http://127.0.0.1:9/v1 is right',
    ])
    assert.deepEqual(readdirSync(join(result.project.outputDir, 'raw')), [])
  })
})
