// The bench measures the product as users run it: the JavaScript the build emits (tsc's
// files, and the CLI bundle dist/cli/bin.js launches: scripts/bundle-cli.mjs), not the TypeScript sources through tsx, whose transform adds its
// own cost on every call (measured: about a third more client CPU per request). The build
// goes to .cache/bench-dist (git-ignored), so dist/ and other users of it are left alone,
// and is reused while it is newer than every source file. `--source` measures src/ via tsx.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type * as SendRequestModule from '../src/client/send-request.js'
import type * as PublicEntry from '../src/index.js'
import type * as RawSinkModule from '../src/results/raw-sink.js'
import type * as RunBenchmarkModule from '../src/run/run-benchmark.js'
import type * as WorkerPoolModule from '../src/run/worker-pool.js'
import type * as SummarizeModule from '../src/stats/summarize.js'

export interface Product {
  origin: string
  runBenchmark: typeof RunBenchmarkModule.runBenchmark
  sendRequest: typeof SendRequestModule.sendRequest
  createWorkerSend: typeof WorkerPoolModule.createWorkerSend
  defaultWorkerCount: typeof WorkerPoolModule.defaultWorkerCount
  openRawSink: typeof RawSinkModule.openRawSink
  createSummaryAccumulator: typeof SummarizeModule.createSummaryAccumulator
  /** The public entry (what `import ... from 'run-bench'` gives), used where it suffices. */
  summarize: typeof PublicEntry.summarize
  renderReport: typeof PublicEntry.renderReport
}

const root = fileURLToPath(new URL('..', import.meta.url))

function newestMtimeMs(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestMtimeMs(path))
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs)
  }
  return newest
}

/** Builds src/ into .cache/bench-dist unless that build is newer than every source. */
function buildProduct(log: (line: string) => void): string {
  const outDir = join(root, '.cache', 'bench-dist')
  const stamp = join(outDir, '.built')
  const bundleScript = join(root, 'scripts', 'bundle-cli.mjs')
  const newestSourceMs = Math.max(newestMtimeMs(join(root, 'src')), statSync(bundleScript).mtimeMs)
  if (existsSync(stamp) && statSync(stamp).mtimeMs > newestSourceMs) return outDir
  log('Building the product (tsc -p tsconfig.build.json, then the CLI bundle) into .cache/bench-dist ...')
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], {
    cwd: root,
    encoding: 'utf8',
  })
  // tsc still emits when some file has a type error; the bench can run on that output.
  if (!existsSync(join(outDir, 'run', 'run-benchmark.js'))) {
    throw new Error(`Building the product failed:\n${result.stdout}${result.stderr}`)
  }
  if (result.status !== 0) log('  (tsc reported type errors; measuring the JavaScript it emitted anyway)')
  const bundle = spawnSync(process.execPath, [bundleScript, outDir], {
    cwd: root,
    encoding: 'utf8',
  })
  if (bundle.status !== 0) throw new Error(`Bundling the CLI failed:\n${bundle.stdout}${bundle.stderr}`)
  writeFileSync(stamp, new Date().toISOString())
  return outDir
}

export async function loadProduct(fromSource: boolean, log: (line: string) => void): Promise<Product> {
  const base = fromSource ? join(root, 'src') : buildProduct(log)
  const ext = fromSource ? 'ts' : 'js'
  const load = (path: string) => import(pathToFileURL(join(base, `${path}.${ext}`)).href)
  const [run, client, workers, sink, stats, entry] = await Promise.all([
    load('run/run-benchmark') as Promise<typeof RunBenchmarkModule>,
    load('client/send-request') as Promise<typeof SendRequestModule>,
    load('run/worker-pool') as Promise<typeof WorkerPoolModule>,
    load('results/raw-sink') as Promise<typeof RawSinkModule>,
    load('stats/summarize') as Promise<typeof SummarizeModule>,
    load('index') as Promise<typeof PublicEntry>,
  ])
  return {
    origin: fromSource
      ? 'src/ through tsx (--source)'
      : 'built JavaScript (tsc output and the CLI bundle, as dist/ runs)',
    runBenchmark: run.runBenchmark,
    sendRequest: client.sendRequest,
    createWorkerSend: workers.createWorkerSend,
    defaultWorkerCount: workers.defaultWorkerCount,
    openRawSink: sink.openRawSink,
    createSummaryAccumulator: stats.createSummaryAccumulator,
    summarize: entry.summarize,
    renderReport: entry.renderReport,
  }
}
