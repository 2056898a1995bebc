import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { test } from 'node:test'

// ARCHITECTURE.md: a folder imports only from folders above it in this list.
// sim/ imports only types (checked below), so any folder may start it: run/ does, for
// `--target sim`.
const ORDER = [
  'types',
  'sim',
  'errors',
  'config',
  'http',
  'workload',
  'client',
  'discovery',
  'telemetry',
  'stats',
  'results',
  'run',
  'report',
  'cluster',
  'cli',
  // src/index.ts, the public entry: composes everything above, imported by nothing.
  'index',
]
const SRC = join(import.meta.dirname, '..', '..', 'src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : []
  })
}

function layerOf(file: string): string {
  const first = relative(SRC, file).split('/')[0] ?? ''
  return first.replace(/\.(ts|js)$/, '')
}

test('every src import points up the layer list (sim imports only types)', () => {
  const violations: string[] = []
  const files = sourceFiles(SRC)
  assert.ok(files.length > 10)
  for (const file of files) {
    const from = layerOf(file)
    const text = readFileSync(file, 'utf8')
    for (const match of text.matchAll(/from '(\.[^']+)'/g)) {
      const target = layerOf(join(file, '..', match[1] ?? ''))
      if (target === from) continue
      const allowed =
        from === 'sim'
          ? target === 'types'
          : ORDER.indexOf(target) < ORDER.indexOf(from) || target === 'types'
      if (!allowed) violations.push(`${relative(SRC, file)} imports ${target}`)
    }
  }
  assert.deepEqual(violations, [])
})
