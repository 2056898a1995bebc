// Runs every test/**/*.test.ts through node:test + tsx with an explicit file list: on Node 20
// a directory argument finds zero .ts files and passes silently, so we list them and fail
// when there are none. Arguments are substrings of test paths (e.g. test/stats).
//
// Two parts, so that a busy machine does not fail tests for nothing:
// - unit: pure tests (no server, no process, no wall clock), in parallel, one per core;
// - end-to-end: tests that start servers or processes or read the real clock, one file at a
//   time, so they do not compete with each other for the CPU they measure.
// A file is end-to-end when its text uses one of END_TO_END_MARKERS (so a new test is
// classified without a list to keep up to date), or says `// test-part: end-to-end`.
// `--list` prints the classification. Each part prints its wall time; the exit code is
// non-zero when either part fails.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'

const END_TO_END_MARKERS = [
  /node:(child_process|http|https|net|worker_threads)/,
  /\bstart\w*Server\b|\bcreateServer\(/, // real servers on 127.0.0.1
  /\/support\/|raw-server|route-server|sim-client/, // helpers that start servers or the CLI
  /\bmain\(/, // the whole CLI
  /performance\.now|setTimeout|setImmediate/, // the real clock
  /\/\/ test-part: end-to-end/,
]

function listTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return listTests(path)
    return entry.name.endsWith('.test.ts') ? [path] : []
  })
}

function isEndToEnd(file) {
  const text = readFileSync(file, 'utf8')
  return END_TO_END_MARKERS.some((marker) => marker.test(text))
}

function runPart(name, files, concurrency) {
  if (files.length === 0) return { name, files: 0, seconds: 0, ok: true }
  console.log(`\n=== ${name}: ${files.length} files, ${concurrency} at a time ===`)
  const startMs = performance.now()
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=180000', ...files],
    { stdio: 'inherit' },
  )
  const seconds = (performance.now() - startMs) / 1000
  return { name, files: files.length, seconds, ok: result.status === 0 }
}

const args = process.argv.slice(2)
const listOnly = args.includes('--list')
const filter = args.filter((arg) => arg !== '--list')
const files = listTests('test')
  .filter((file) => filter.length === 0 || filter.some((f) => file.includes(f)))
  .sort()
if (files.length === 0) {
  console.error(`No test files found under test/ (filter: ${filter.join(' ') || 'none'})`)
  process.exitCode = 1
} else {
  const endToEnd = files.filter(isEndToEnd)
  const unit = files.filter((file) => !endToEnd.includes(file))
  if (listOnly) {
    for (const file of unit) console.log(`unit        ${file}`)
    for (const file of endToEnd) console.log(`end-to-end  ${file}`)
  } else {
    console.log(`Running ${files.length} test files: ${unit.length} unit, ${endToEnd.length} end-to-end`)
    const parts = [
      runPart('unit (parallel)', unit, Math.max(1, availableParallelism())),
      runPart('end-to-end (serial)', endToEnd, 1),
    ]
    console.log('')
    for (const part of parts.filter((p) => p.files > 0)) {
      console.log(
        `${part.name}: ${part.files} files in ${part.seconds.toFixed(1)} s wall, ${part.ok ? 'passed' : 'FAILED'}`,
      )
    }
    process.exitCode = parts.every((part) => part.ok) ? 0 : 1
  }
}
