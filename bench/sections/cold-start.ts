// 0. Cold start: the CLI as a user runs it, whole process, cold. `run-bench --version`, and a
// short run (a few requests against a canned server) whose CPU is read when its first
// measured request reaches the server and when the process exits; each beside a reference
// started the same way in the same run (`node -e 0`, a bare node:http client), as ratios.
// CPU comes from the kernel: bash's `times` (rusage of the waited-for child, all threads)
// for the whole process, /proc/<pid>/task/*/schedstat at the first request.
import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BenchContext, SectionResult } from '../bench-context.js'
import { fixed, type GoalResult, type Row } from '../report-table.js'
import { cannedStream, SSE_HEADERS } from '../servers/sse-chunks.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
/** The issue's goal for what a run costs before its load, whatever the load. */
const FIXED_GOAL_MS = 500
/** The short run: closed loop, this many requests, this many in flight, tokens each. */
const RUN_REQUESTS = 20
const RUN_CONCURRENCY = 4
/** The measured requests' max_tokens: the probe asks for 8 and the warm-up for 4, never 16. */
const RUN_MAX_TOKENS = 16
/**
 * The third-party code every run loads (CLI parsing, config validation, YAML, and the
 * undici client files the product loads: src/client/undici.ts): importing it unbundled,
 * doing nothing, was the floor of the fixed cost before the CLI was bundled
 * (scripts/bundle-cli.mjs); the bundle is measured against it.
 */
const RUN_DEPENDENCIES = ['@commander-js/extra-typings', 'zod', 'yaml', 'undici/lib/dispatcher/client.js']

interface CpuReading {
  /** Every thread alive at the reading. */
  allMs: number
  mainMs: number
}

interface ColdRun {
  /** Whole process, all threads, from the kernel at exit. */
  exitCpuMs: number
  exitCode: number
  /** At the first request the server saw with RUN_MAX_TOKENS (null: none arrived). */
  atFirstMeasured: CpuReading | null
  /** At the first request of any kind (a probe, a model list). */
  atFirstRequest: CpuReading | null
  stderr: string
}

export async function coldStartSection(bench: BenchContext): Promise<SectionResult> {
  const reps = bench.quick ? 1 : 3
  const cli = cliCommand(bench)
  const dir = join(bench.tmpDir, 'cold-start')
  mkdirSync(dir, { recursive: true })
  const server = await startCannedServer()
  const configDir = writeConfigs(join(dir, 'configs'), server.baseUrl)
  const rows: Row[] = []
  const goals: GoalResult[] = []
  const notes: string[] = []
  try {
    // Alternate product and reference so that a busy moment of the machine hits both.
    const version: ColdRun[] = []
    const nodeOnly: ColdRun[] = []
    const runs: ColdRun[] = []
    const refs: ColdRun[] = []
    const deps: ColdRun[] = []
    for (let i = 0; i < reps; i++) {
      version.push(await coldRun([...cli, '--version'], server))
      nodeOnly.push(await coldRun([process.execPath, '-e', '0'], server))
      const importAll = `await Promise.all(${JSON.stringify(RUN_DEPENDENCIES)}.map((m) => import(m)))`
      deps.push(await coldRun([process.execPath, '--input-type=module', '-e', importAll], server))
      const runArgs = [
        ...cli,
        'run',
        ...['--config-dir', configDir, '--target', 'cold', '--model', 'bench', '--workload', 'cold'],
        ...['--output-dir', join(dir, `results-${i}`)],
      ]
      runs.push(await coldRun(runArgs, server))
      refs.push(
        await coldRun(
          [
            process.execPath,
            join(root, 'bench', 'cold-http-client.mjs'),
            server.baseUrl,
            String(RUN_REQUESTS),
            String(RUN_CONCURRENCY),
            String(RUN_MAX_TOKENS),
          ],
          server,
        ),
      )
    }
    const failed = [...runs, ...refs, ...version, ...deps].find((run) => run.exitCode !== 0)
    if (failed !== undefined)
      notes.push(`a cold run exited ${failed.exitCode}: ${failed.stderr.trim().slice(0, 300)}`)

    const versionMs = median(version.map((r) => r.exitCpuMs))
    const nodeMs = median(nodeOnly.map((r) => r.exitCpuMs))
    const depsMs = median(deps.map((r) => r.exitCpuMs))
    const firstAll = medianOf(runs, (r) => r.atFirstMeasured?.allMs)
    const firstMain = medianOf(runs, (r) => r.atFirstMeasured?.mainMs)
    const firstAny = medianOf(runs, (r) => r.atFirstRequest?.allMs)
    const refFirstAll = medianOf(refs, (r) => r.atFirstMeasured?.allMs)
    const refFirstMain = medianOf(refs, (r) => r.atFirstMeasured?.mainMs)
    const runMs = median(runs.map((r) => r.exitCpuMs))
    const refMs = median(refs.map((r) => r.exitCpuMs))
    const ratio = (a: number | null, b: number | null) =>
      a === null || b === null || b === 0 ? '' : ` (${fixed(a / b, 1)}x)`
    const ms = (value: number | null) => (value === null ? 'n/a' : `${fixed(value, 0)} ms`)
    const shortRun = `short run (${RUN_REQUESTS} requests, c=${RUN_CONCURRENCY}, ${RUN_MAX_TOKENS} tokens)`
    rows.push(
      {
        figure: '`run-bench --version`: CPU, whole process',
        measured: `${ms(versionMs)}${ratio(versionMs, nodeMs)}`,
        reference: `${ms(nodeMs)} node -e 0`,
        goal: `<= ${FIXED_GOAL_MS} ms`,
        met: versionMs <= FIXED_GOAL_MS,
      },
      {
        figure: `floor: node + importing ${RUN_DEPENDENCIES.join(', ')} (no work)`,
        measured: ms(depsMs),
        reference: `${ms(nodeMs)} node -e 0`,
        goal: 'printed',
        met: null,
      },
      {
        figure: `${shortRun}: CPU at its first request (probe, model list)`,
        measured: ms(firstAny),
        reference: '-',
        goal: 'printed',
        met: null,
      },
      {
        figure: '  CPU at the first measured request, all threads',
        measured: `${ms(firstAll)}${ratio(firstAll, refFirstAll)}`,
        reference: `${ms(refFirstAll)} bare node:http client`,
        goal: `<= ${FIXED_GOAL_MS} ms`,
        met: firstAll !== null && firstAll <= FIXED_GOAL_MS,
      },
      {
        figure: '  CPU at the first measured request, main thread',
        measured: `${ms(firstMain)}${ratio(firstMain, refFirstMain)}`,
        reference: `${ms(refFirstMain)} bare node:http client`,
        goal: 'printed',
        met: null,
      },
      {
        figure: '  CPU of the whole run, whole process (fixed cost + 20 requests)',
        measured: `${ms(runMs)}${ratio(runMs, refMs)}`,
        reference: `${ms(refMs)} bare node:http client`,
        goal: `<= ${FIXED_GOAL_MS} ms`,
        met: runMs <= FIXED_GOAL_MS,
      },
    )
    goals.push(
      {
        section: 'Cold start',
        figure: '`run-bench --version` CPU, whole process',
        measured: `${ms(versionMs)} (node -e 0: ${ms(nodeMs)})`,
        goal: `<= ${FIXED_GOAL_MS} ms`,
        met: versionMs <= FIXED_GOAL_MS,
        reason: 'modules loaded at startup that --version does not need',
      },
      {
        section: 'Cold start',
        figure: `${shortRun}: fixed CPU before the first measured request`,
        measured: `${ms(firstAll)} all threads, ${ms(firstMain)} main (bare node:http: ${ms(refFirstAll)})`,
        goal: `<= ${FIXED_GOAL_MS} ms`,
        met: firstAll !== null && firstAll <= FIXED_GOAL_MS,
        reason:
          firstAll === null
            ? 'no measured request reached the server'
            : `importing the run's dependencies alone costs ${ms(depsMs)} (floor row); the rest is the ` +
              "product's own modules, config, probe and warm-up",
      },
      {
        section: 'Cold start',
        figure: `${shortRun}: CPU of the whole process`,
        measured: `${ms(runMs)} (bare node:http: ${ms(refMs)})`,
        goal: `<= ${FIXED_GOAL_MS} ms`,
        met: runMs <= FIXED_GOAL_MS,
        reason: 'fixed costs before and after the load (summary, files, report)',
      },
    )
    notes.push(
      `cold: each process started fresh, ${reps === 1 ? 'one run' : `median of ${reps}`} each; the product is ` +
        `${cli.join(' ').replace(root, '')}; the server is a canned SSE server in the bench process (usage ` +
        'in every stream, so no tokenizer is needed); "first measured request" is the first one with ' +
        `max_tokens ${RUN_MAX_TOKENS} (after the probe and the warm-up); CPU at a request is read from ` +
        '/proc (threads alive at that moment), CPU of a whole process from its rusage',
    )
  } finally {
    await server.close()
  }
  return { title: '0. Cold start: the CLI as a user runs it, whole process', rows, goals, notes }
}

/** The CLI as `npm i -g` would run it: the built bin.js, or src/ through tsx with --source. */
function cliCommand(bench: BenchContext): string[] {
  if (bench.product.origin.includes('--source'))
    return [process.execPath, '--import', 'tsx', join(root, 'src', 'cli', 'bin.ts')]
  return [process.execPath, join(root, '.cache', 'bench-dist', 'cli', 'bin.js')]
}

function writeConfigs(dir: string, baseUrl: string): string {
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, 'targets.yaml'),
    `targets:\n  - name: cold\n    base_url: ${baseUrl}\n    api_key: "EMPTY"\n`,
  )
  writeFileSync(
    join(dir, 'models.yaml'),
    'models:\n  - name: bench\n    full_name: bench\n    targets: [cold]\n',
  )
  writeFileSync(
    join(dir, 'workloads.yaml'),
    [
      'defaults:',
      '  default_workload: cold',
      'workloads:',
      '  - name: cold',
      `    requests: ${RUN_REQUESTS}`,
      `    concurrency: ${RUN_CONCURRENCY}`,
      `    max_tokens: ${RUN_MAX_TOKENS}`,
      '    temperature: 0',
      '    prompt_type: short',
      '',
    ].join('\n'),
  )
  return dir
}

interface CannedServer {
  baseUrl: string
  /** The process whose CPU the next requests are read against (bash's child: the product). */
  watch(pid: number): void
  firstMeasured(): CpuReading | null
  firstRequest(): CpuReading | null
  close(): Promise<void>
}

/** A canned SSE server (usage in every stream) that reads its client's CPU at first requests. */
async function startCannedServer(): Promise<CannedServer> {
  const stream = Buffer.from(cannedStream(RUN_MAX_TOKENS))
  const models = JSON.stringify({
    object: 'list',
    data: [{ id: 'bench', object: 'model', owned_by: 'bench' }],
  })
  let watched = 0
  let firstMeasured: CpuReading | null = null
  let firstRequest: CpuReading | null = null
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    // Read before the body: the client's CPU when its request arrived.
    const reading = watched === 0 ? null : readClientCpu(watched)
    firstRequest ??= reading
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(models)
        return
      }
      let maxTokens: unknown = null
      try {
        maxTokens = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { max_tokens?: unknown })
          .max_tokens
      } catch {
        // Not JSON: answered all the same.
      }
      if (maxTokens === RUN_MAX_TOKENS) firstMeasured ??= reading
      res.writeHead(200, { ...SSE_HEADERS, 'content-length': String(stream.length) })
      res.end(stream)
    })
  }
  const server: Server = createServer({ keepAliveTimeout: 60_000 }, onRequest)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    watch(pid) {
      watched = pid
      firstMeasured = null
      firstRequest = null
    },
    firstMeasured: () => firstMeasured,
    firstRequest: () => firstRequest,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * One cold process under bash, whose `times` prints the rusage of its waited-for children
 * (user and system CPU of every thread) once the command has exited.
 */
async function coldRun(command: string[], server: CannedServer): Promise<ColdRun> {
  const script = '"$@" >/dev/null; code=$?; times >&3; exit $code'
  const child = spawn('bash', ['-c', script, 'bash', ...command], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', LANG: 'C' },
  })
  let stderr = ''
  let times = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8')
  })
  ;(child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
    times += chunk.toString('utf8')
  })
  // bash forks the command at once; watch its child (the product) as soon as it exists.
  const bashPid = child.pid ?? 0
  const watcher = setInterval(() => {
    const pid = childOf(bashPid)
    if (pid !== null) {
      server.watch(pid)
      clearInterval(watcher)
    }
  }, 1)
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)))
  clearInterval(watcher)
  const run: ColdRun = {
    exitCpuMs: childrenCpuMs(times),
    exitCode,
    atFirstMeasured: server.firstMeasured(),
    atFirstRequest: server.firstRequest(),
    stderr,
  }
  server.watch(0)
  return run
}

/** bash's `times`: line 2 is its children's user and system time, e.g. "0m0.170s 0m0.052s". */
function childrenCpuMs(times: string): number {
  const line = times.trim().split('\n')[1] ?? ''
  const match = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(line)
  if (match === null) throw new Error(`cold start: cannot read bash times output: ${JSON.stringify(times)}`)
  const [, um, us, sm, ss] = match
  return (Number(um) * 60 + Number(us) + Number(sm) * 60 + Number(ss)) * 1000
}

function childOf(pid: number): number | null {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim()
    const first = Number(children.split(' ')[0])
    return children === '' || !Number.isInteger(first) ? null : first
  } catch {
    return null
  }
}

/** CPU of a live process from /proc: every thread's schedstat run time (ns), and the main one's. */
function readClientCpu(pid: number): CpuReading | null {
  try {
    let allNs = 0
    let mainNs = 0
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const runNs = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0])
      allNs += runNs
      if (tid === String(pid)) mainNs = runNs
    }
    return { allMs: allNs / 1e6, mainMs: mainNs / 1e6 }
  } catch {
    return null
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)] as number
}

function medianOf(runs: ColdRun[], pick: (run: ColdRun) => number | undefined): number | null {
  const values = runs.flatMap((run) => {
    const value = pick(run)
    return value === undefined ? [] : [value]
  })
  return values.length === 0 ? null : median(values)
}
