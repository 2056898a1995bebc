// Runs every test/**/*.test.ts through node:test + tsx with an explicit file list: on Node 20
// a directory argument finds zero .ts files and passes silently, so we list them and fail
// when there are none. Extra arguments are passed to node --test (e.g. a file filter).
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

function listTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return listTests(path)
    return entry.name.endsWith('.test.ts') ? [path] : []
  })
}

const filter = process.argv.slice(2)
const files = listTests('test')
  .filter((file) => filter.length === 0 || filter.some((f) => file.includes(f)))
  .sort()
if (files.length === 0) {
  console.error(`No test files found under test/ (filter: ${filter.join(' ') || 'none'})`)
  process.exitCode = 1
} else {
  console.log(`Running ${files.length} test files`)
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=180000', ...files],
    { stdio: 'inherit' },
  )
  process.exitCode = result.status ?? 1
}
