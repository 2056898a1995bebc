import assert from 'node:assert/strict'
import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'

// The offline package end to end: build_package.sh builds it once, every case works on an
// unpacked copy, and everything that runs from the copy runs with the network cut off
// (its own network namespace with only loopback when `unshare` allows it, and always with
// proxies pointing at a closed port and npm told to stay offline).

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BUILD_DATE = '20260102'
// An earlier build of the same day (004) and one of another day: the next one is 005.
const EXPECTED_NAME = `run-bench-${BUILD_DATE}-005`

function works(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0
}

const missing = [
  ['bash', ['--version']],
  ['tar', ['--version']],
  ['gzip', ['--version']],
  ['npm', ['--version']],
].filter(([command, args]) => !works(command as string, args as string[]))
const prerequisites =
  missing.length > 0
    ? `needs ${missing.map(([command]) => command).join(', ')} on PATH`
    : existsSync(join(ROOT, 'node_modules', '.bin', 'tsc'))
      ? false
      : 'needs node_modules (run npm ci)'
// Loopback up inside a fresh network namespace; no other interface exists there.
const NETNS_PREFIX = ['sh', '-c', 'ip link set lo up 2>/dev/null; exec "$@"', 'sh']
const unshareArgs = works('unshare', ['-n', 'true'])
  ? ['-n']
  : works('unshare', ['-rn', 'true'])
    ? ['-rn']
    : null
const OFFLINE_ENV = {
  npm_config_offline: 'true',
  HTTP_PROXY: 'http://127.0.0.1:9',
  HTTPS_PROXY: 'http://127.0.0.1:9',
  http_proxy: 'http://127.0.0.1:9',
  https_proxy: 'http://127.0.0.1:9',
  LANG: 'C.UTF-8',
  LC_ALL: '',
}

/** Runs a command with the network cut off (see the top of the file). */
function offline(
  cwd: string,
  command: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): SpawnSyncReturns<string> {
  const [file, argv] =
    unshareArgs === null ? [command, args] : ['unshare', [...unshareArgs, ...NETNS_PREFIX, command, ...args]]
  return spawnSync(file, argv, {
    cwd,
    env: { ...process.env, ...OFFLINE_ENV, ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 32 * 1024 * 1024,
  })
}

function assertOk(result: SpawnSyncReturns<string>, what: string): void {
  assert.equal(result.status, 0, `${what} exited ${result.status}\n${result.stdout}\n${result.stderr}`)
}

/**
 * Every path under dir with its type, mode, size and mtime, plus a hash of the contents
 * outside node_modules: equal snapshots mean nothing was created, removed or rewritten.
 */
function snapshot(dir: string): string[] {
  const lines: string[] = []
  const walk = (rel: string) => {
    const path = join(dir, rel)
    const stat = lstatSync(path)
    const kind = stat.isDirectory() ? 'd' : stat.isSymbolicLink() ? 'l' : 'f'
    const hash =
      kind === 'f' && !rel.startsWith('node_modules')
        ? createHash('sha256').update(readFileSync(path)).digest('hex')
        : ''
    lines.push(`${rel} ${kind} ${stat.mode.toString(8)} ${stat.size} ${stat.mtimeMs} ${hash}`)
    if (kind === 'd') for (const name of readdirSync(path).sort()) walk(rel === '' ? name : join(rel, name))
  }
  walk('')
  return lines
}

function unpack(tarball: string, into: string): string {
  mkdirSync(into, { recursive: true })
  assertOk(spawnSync('tar', ['-xzf', tarball, '-C', into], { encoding: 'utf8' }), 'tar -xzf')
  return join(into, EXPECTED_NAME)
}

function onlyRawFile(pkg: string): string {
  const raw = readdirSync(join(pkg, 'results', 'raw')).filter(
    (name) => name.endsWith('.jsonl') && !name.endsWith('.server-metrics.jsonl'),
  )
  assert.equal(raw.length, 1, raw.join(', '))
  return join(pkg, 'results', 'raw', raw[0] ?? '')
}

describe('offline package (build_package.sh, install.sh, run_bench.sh)', { skip: prerequisites }, () => {
  let work = ''
  let tarball = ''
  let pkg = ''
  /** The npm package (.tgz) the npm pack case made. */
  let npmTarball = ''

  before(
    () => {
      work = mkdtempSync(join(tmpdir(), 'run-bench-package-'))
      const out = join(work, 'out')
      mkdirSync(out)
      writeFileSync(join(out, `run-bench-${BUILD_DATE}-004.tar.gz`), '')
      writeFileSync(join(out, 'run-bench-20260101-009.tar.gz'), '')
      const build = spawnSync('bash', [join(ROOT, 'build_package.sh'), '--out-dir', out], {
        cwd: ROOT,
        env: { ...process.env, RUN_BENCH_BUILD_DATE: BUILD_DATE },
        encoding: 'utf8',
        timeout: 150_000,
      })
      assertOk(build, 'build_package.sh')
      tarball = join(out, `${EXPECTED_NAME}.tar.gz`)
      pkg = unpack(tarball, join(work, 'unpacked'))
    },
    { timeout: 160_000 },
  )
  after(() => rmSync(work, { recursive: true, force: true }))

  test('names the package with the date and the next build number of that day', (t) => {
    const sizeMb = statSync(tarball).size / 1024 / 1024
    t.diagnostic(`${EXPECTED_NAME}.tar.gz: ${sizeMb.toFixed(1)} MiB`)
    assert.ok(sizeMb > 1, `${sizeMb} MiB is too small to hold node_modules`)
    assert.deepEqual(readdirSync(join(work, 'unpacked')), [EXPECTED_NAME])
  })

  test('holds the launcher, scripts, config templates and production dependencies only', () => {
    for (const script of ['bin/run-bench', 'install.sh', 'run_bench.sh', 'scripts/run_bench.sh']) {
      assert.ok(statSync(join(pkg, script)).mode & 0o100, `${script} is not executable`)
    }
    assert.match(readFileSync(join(pkg, 'dist/cli/bin.js'), 'utf8'), /^#!\/usr\/bin\/env node\n/)
    for (const file of ['targets.yaml', 'models.yaml', 'workloads.yaml']) {
      assert.ok(existsSync(join(pkg, 'configs.template', file)), file)
    }
    assert.equal(existsSync(join(pkg, 'configs')), false, 'configs/ comes from install.sh, not the tarball')
    for (const dep of ['undici', 'yaml', 'zod', 'echarts', '@inquirer/prompts', '@resvg/resvg-js']) {
      assert.ok(existsSync(join(pkg, 'node_modules', dep, 'package.json')), dep)
    }
    for (const devDep of ['typescript', 'tsx', '@biomejs', '@types']) {
      assert.equal(existsSync(join(pkg, 'node_modules', devDep)), false, `${devDep} is a dev dependency`)
    }
    assert.match(readFileSync(join(pkg, 'PACKAGE_INFO.txt'), 'utf8'), /^PNG charts: (available|UNAVAILABLE)/m)
  })

  test('install.sh without network prepares results/ and configs/; a second run changes nothing', () => {
    const first = offline(pkg, './install.sh', [])
    assertOk(first, 'install.sh')
    for (const dir of ['results/raw', 'results/summary', 'results/reports']) {
      assert.ok(statSync(join(pkg, dir)).isDirectory(), dir)
    }
    for (const file of ['targets.yaml', 'models.yaml', 'workloads.yaml']) {
      assert.equal(
        readFileSync(join(pkg, 'configs', file), 'utf8'),
        readFileSync(join(pkg, 'configs.template', file), 'utf8'),
      )
    }
    assert.match(first.stdout, /\.\/run_bench\.sh/)
    assert.match(first.stdout, /bin\/run-bench run --target sim --workload smoke/)
    if (process.platform === 'linux' && process.arch === 'x64')
      assert.match(first.stdout, /PNG charts available/)

    // An edited config survives, and the second run leaves every file and folder as it was.
    writeFileSync(join(pkg, 'configs', 'models.yaml'), '# mine\nmodels: []\n')
    const before = snapshot(pkg)
    const second = offline(pkg, './install.sh', [])
    assertOk(second, 'install.sh (second run)')
    assert.deepEqual(snapshot(pkg), before)
    assert.match(second.stdout, /Kept your configs\/models\.yaml/)
    assert.match(second.stdout, /results\/raw, results\/summary, results\/reports already exist/)
    writeFileSync(
      join(pkg, 'configs', 'models.yaml'),
      readFileSync(join(pkg, 'configs.template', 'models.yaml')),
    )
  })

  test('install.sh refuses a Node.js older than 20, says how to get one, and changes nothing', () => {
    const fresh = unpack(tarball, join(work, 'old-node'))
    const fakeBin = join(work, 'fake-node-bin')
    mkdirSync(fakeBin, { recursive: true })
    writeFileSync(join(fakeBin, 'node'), '#!/bin/sh\necho v18.19.0\n', { mode: 0o755 })
    const before = snapshot(fresh)
    const result = offline(fresh, './install.sh', [], { PATH: `${fakeBin}:${process.env.PATH ?? ''}` })
    assert.equal(result.status, 1, result.stdout + result.stderr)
    assert.match(
      result.stderr,
      /Node\.js v18\.19\.0 at .*fake-node-bin\/node is too old: run-bench needs Node\.js 20 or newer/,
    )
    assert.match(result.stderr, /https:\/\/nodejs\.org\/en\/download/)
    assert.match(result.stderr, /Then run \.\/install\.sh again\./)
    assert.deepEqual(snapshot(fresh), before)
  })

  test('a benchmark against the built-in simulator runs offline from the unpacked copy', () => {
    // 5 requests per second for 2 s on a constant schedule: 10 requests.
    const args = ['run', '--target', 'sim', '--duration', '2', '--rps', '5', '--concurrency', '4']
    const result = offline(pkg, 'bin/run-bench', [...args, '--max-tokens', '16', '--prompt-type', 'short'])
    assertOk(result, 'bin/run-bench run')
    // The launcher is on no PATH: the next-step hints name it as it was typed (issue 12).
    assert.match(
      result.stdout,
      /\n {2}bin\/run-bench summarize results\/raw\/.*\.jsonl\n {2}bin\/run-bench report /,
    )
    const records = readFileSync(onlyRawFile(pkg), 'utf8').trim().split('\n')
    assert.equal(records.length, 10)
    for (const line of records) assert.equal((JSON.parse(line) as { success: unknown }).success, true)
    assert.ok(readdirSync(join(pkg, 'results', 'summary')).some((name) => name.endsWith('.csv')))
    assert.ok(existsSync(join(pkg, 'results', 'reports', 'benchmark_report.md')))
  })

  test('the bundled CLI starts its load worker threads from the unpacked copy', () => {
    // dist/cli/bin.js launches the esbuild bundle; each worker thread loads the bundle's
    // load-worker.js, found beside the chunk that starts it (scripts/bundle-cli.mjs).
    assert.match(readFileSync(join(pkg, 'dist/cli/bin.js'), 'utf8'), /import '\.\/bundle\/run-bench\.js'/)
    assert.ok(existsSync(join(pkg, 'dist/cli/bundle/load-worker.js')))
    const outputDir = join(pkg, 'results-workers')
    const args = ['run', '--target', 'sim', '--requests', '8', '--concurrency', '4', '--workers', '2']
    const result = offline(pkg, 'bin/run-bench', [...args, '--max-tokens', '8', '--output-dir', outputDir])
    assertOk(result, 'bin/run-bench run --workers 2')
    assert.match(result.stdout, /2 worker threads/)
    const raw = readdirSync(join(outputDir, 'raw')).filter(
      (name) => name.endsWith('.jsonl') && !name.endsWith('.server-metrics.jsonl'),
    )
    assert.equal(raw.length, 1)
    const records = readFileSync(join(outputDir, 'raw', raw[0] as string), 'utf8')
      .trim()
      .split('\n')
    assert.equal(records.length, 8)
    for (const line of records) assert.equal((JSON.parse(line) as { success: unknown }).success, true)
  })

  test('the shipped trace and dataset workloads find their files in the unpacked copy', () => {
    // configs/workloads.yaml points at ../traces and ../datasets: the package must carry them.
    assert.ok(existsSync(join(pkg, 'traces', 'sample-azure.csv')))
    assert.ok(existsSync(join(pkg, 'datasets', 'sharegpt-sample.json')))
    const outputDir = join(pkg, 'results-trace')
    // The first 8 s of trace time at the workload's 4× speed-up: about 2 s.
    const args = ['run', '--target', 'sim', '--workload', 'trace-replay', '--trace-window', '0:8']
    const result = offline(pkg, 'bin/run-bench', [...args, '--output-dir', outputDir])
    assertOk(result, 'bin/run-bench run --workload trace-replay')
    const raws = readdirSync(join(outputDir, 'raw')).filter(
      (name) => name.endsWith('.jsonl') && !name.endsWith('.server-metrics.jsonl'),
    )
    assert.equal(raws.length, 1)
  })

  test('scripts/run_bench.sh runs, summarizes and reports in one go', () => {
    rmSync(join(pkg, 'results'), { recursive: true })
    const result = offline(pkg, './scripts/run_bench.sh', [
      'sim',
      '-',
      'smoke',
      '--duration',
      '2',
      '--max-tokens',
      '16',
    ])
    assertOk(result, 'scripts/run_bench.sh')
    const raw = onlyRawFile(pkg)
    const name = raw.slice(raw.lastIndexOf('/') + 1, -'.jsonl'.length)
    assert.match(name, /^bench_sim_[^_]+_smoke_\d{8}_\d{6}$/)
    assert.match(result.stdout, /==> 2\/3 bin\/run-bench summarize results\/raw\//)
    assert.match(result.stdout, /==> 3\/3 bin\/run-bench report --output-dir results/)
    assert.ok(result.stdout.includes(`summary: results/summary/${name}.csv`), result.stdout)
    assert.ok(existsSync(join(pkg, 'results', 'summary', `${name}.csv`)))
    assert.ok(existsSync(join(pkg, 'results', 'reports', 'benchmark_report.md')))
  })

  test('run_bench.sh reaches the interactive dialog and a run with custom values completes', {
    skip: works('script', ['--version']) ? false : 'needs `script` (util-linux) for a terminal',
  }, async () => {
    rmSync(join(pkg, 'results'), { recursive: true })
    // `script` gives the dialog a pseudo-terminal; the answers are typed as each question shows.
    const steps: [RegExp, string][] = [
      [/Choose the target server/, '\r'],
      [/Choose the model/, '\r'],
      [/Workload/, '3\r'],
      [/Duration \(seconds\)/, '2\r'],
      [/Requests per second/, '5\r'],
      [/Concurrency/, '4\r'],
      [/Max tokens/, '16\r'],
      [/Temperature/, '\r'],
      [/Prompt type/, '\r'],
      [/Start\?/, '\r'],
    ]
    const [file, argv] =
      unshareArgs === null
        ? ['script', ['-qfec', './run_bench.sh', '/dev/null']]
        : ['unshare', [...unshareArgs, ...NETNS_PREFIX, 'script', '-qfec', './run_bench.sh', '/dev/null']]
    const child = spawn(file, argv, { cwd: pkg, env: { ...process.env, ...OFFLINE_ENV, TERM: 'xterm' } })
    let screen = ''
    let seen = 0
    let step = 0
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      screen += text
      for (
        let match = steps[step]?.[0].exec(screen.slice(seen));
        match;
        match = steps[step]?.[0].exec(screen.slice(seen))
      ) {
        seen += match.index + match[0].length
        child.stdin.write(steps[step]?.[1] ?? '')
        step += 1
      }
    })
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      screen += text
    })
    const timer = setTimeout(() => child.kill(), 45_000)
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    clearTimeout(timer)
    const plain = stripVTControlCharacters(screen)
    assert.equal(step, steps.length, `stopped before answer ${step + 1}:\n${plain}`)
    assert.equal(code, 0, plain)
    assert.match(plain, /Done: 10 requests, 10 succeeded/)
    assert.equal(readFileSync(onlyRawFile(pkg), 'utf8').trim().split('\n').length, 10)
  })

  test('npm pack gives a package whose npx run-bench --help works in an empty folder', (t) => {
    // Packs the repository's manifest with the build from the package (so no second compile).
    const source = join(work, 'pack-source')
    mkdirSync(source)
    for (const entry of [
      'package.json',
      'README.md',
      'configs',
      'prompts',
      'assets',
      'docs',
      'datasets',
      'traces',
      'deploy',
      'examples',
    ]) {
      if (existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(source, entry), { recursive: true })
    }
    cpSync(join(pkg, 'dist'), join(source, 'dist'), { recursive: true })
    const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work, '--json'], {
      cwd: source,
      env: { ...process.env, ...OFFLINE_ENV },
      encoding: 'utf8',
    })
    assertOk(packed, 'npm pack')
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[]
    assert.ok(info !== undefined)
    npmTarball = join(work, info.filename)
    const paths = info.files.map((f) => f.path)
    for (const path of [
      'dist/cli/bin.js',
      'dist/index.js',
      'dist/index.d.ts',
      'configs/targets.yaml',
      'prompts/short.jsonl',
      'assets/fonts/NanumBarunGothic.ttf',
      'package.json',
    ]) {
      assert.ok(paths.includes(path), `${path} is not in the npm package`)
    }

    const empty = join(work, 'npm-empty')
    mkdirSync(empty)
    const install = offline(empty, 'npm', [
      'install',
      '--offline',
      '--no-audit',
      '--no-fund',
      join(work, info.filename),
    ])
    if (install.status !== 0 && /ENOTCACHED/.test(install.stderr)) {
      t.skip('the npm cache lacks some dependency: installing the .tgz needs the network once')
      return
    }
    assertOk(install, 'npm install <tgz>')
    assert.ok(
      statSync(join(empty, 'node_modules/run-bench/dist/cli/bin.js')).mode & 0o100,
      'bin.js not executable',
    )
    const help = offline(empty, 'npx', ['--offline', 'run-bench', '--help'])
    assertOk(help, 'npx run-bench --help')
    assert.match(help.stdout, /^Usage: run-bench /)
  })

  test('the packed package imports as run-bench from a program and runs a benchmark, offline', () => {
    assert.notEqual(npmTarball, '', 'the npm pack case runs first')
    // Installed by hand, as npm lays it out (npm itself needs its cache for the dependencies):
    // the tarball's package/ is node_modules/run-bench, its dependencies those of the
    // offline package.
    const consumer = join(work, 'consumer')
    const installed = join(consumer, 'node_modules', 'run-bench')
    mkdirSync(installed, { recursive: true })
    assertOk(
      spawnSync('tar', ['-xzf', npmTarball, '-C', installed, '--strip-components=1'], { encoding: 'utf8' }),
      'tar -xzf <tgz>',
    )
    symlinkSync(join(pkg, 'node_modules'), join(installed, 'node_modules'))
    // The public entry as a user's program imports it: 10 requests (constant 10 req/s for
    // 1 s) against the simulator of the bundled configs, then the raw file summarized again.
    writeFileSync(
      join(consumer, 'use.mjs'),
      `import { renderReport, runBench, summarize } from 'run-bench'
const events = []
const result = await runBench({ target: 'sim', workload: 'smoke', durationSec: 1, rps: 10, maxTokens: 8,
  outputDir: 'out', workers: 1, tokenizer: false, onEvent: (e) => events.push(e.kind) })
const again = await summarize(result.paths.raw)
console.log(JSON.stringify({ total: result.summary.requests.total, ok: result.summary.requests.ok,
  again: again.summary.requests.total, first: events[0], last: events.at(-1),
  csvSame: renderReport([again.summary], { format: 'csv' }) === renderReport([result.summary], { format: 'csv' }),
  report: result.reportPath }))
`,
    )
    const used = offline(consumer, process.execPath, ['use.mjs'])
    assertOk(used, 'node use.mjs (import from run-bench)')
    const outcome = JSON.parse(used.stdout.trim().split('\n').at(-1) ?? '{}')
    assert.deepEqual(outcome, {
      total: 10,
      ok: 10,
      again: 10,
      first: 'started',
      last: 'loaded',
      csvSame: true,
      report: join(consumer, 'out', 'reports', 'benchmark_report.md'),
    })
    const types = readFileSync(join(consumer, 'node_modules/run-bench/dist/index.d.ts'), 'utf8')
    assert.match(
      types,
      /export declare function runBench\(options\?: RunBenchOptions\): Promise<RunBenchResult>/,
    )
  })
})
