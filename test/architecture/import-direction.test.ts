import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, test } from 'node:test'

// ARCHITECTURE.md's target house: a folder imports only from folders above it in this list.
// Folders that do not exist yet are listed so that code moving into them is already held to
// its place. seeded-random.ts sits next to types.ts as shared vocabulary (sim/ uses it too).
const ORDER = [
  'types',
  'seeded-random',
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
/** What sim/ may import: it is a separate server and shares only the vocabulary. */
const SIM_ALLOWED = ['types', 'seeded-random']
/** Top-level files that are entry points rather than layers (public API, `src/index.ts`). */
const ENTRY_POINTS = ['index']
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

/**
 * Every relative module a file names: `import … from`, `export … from`, a side-effect
 * `import '…'`, a dynamic `import('…')` and a type-position `typeof import('…')`.
 */
function relativeImports(text: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.[^'"]+)\1/g
  return [...text.matchAll(pattern)].map((match) => match[2] ?? '')
}

describe('import direction', () => {
  test('finds static, re-exported, side-effect and dynamic imports', () => {
    const text = [
      "import { a } from './a.js'",
      "import type { B } from '../b/b.js'",
      "export { c } from '../c/c.js'",
      'export * from "../d/d.js"',
      "import '../e/e.js'",
      "const f = await import('../f/f.js')",
      "type G = typeof import( '../g/g.js' )",
      "import { h } from 'node:fs'",
    ].join('\n')
    assert.deepEqual(relativeImports(text), [
      './a.js',
      '../b/b.js',
      '../c/c.js',
      '../d/d.js',
      '../e/e.js',
      '../f/f.js',
      '../g/g.js',
    ])
  })

  test('every folder of src/ is in the target house', () => {
    const layers = new Set(sourceFiles(SRC).map(layerOf))
    const unknown = [...layers].filter((layer) => !ORDER.includes(layer) && !ENTRY_POINTS.includes(layer))
    assert.deepEqual(unknown, [])
  })

  test('every src import points up the layer list (sim imports only the shared vocabulary)', () => {
    const violations: string[] = []
    const files = sourceFiles(SRC)
    assert.ok(files.length > 10)
    for (const file of files) {
      const from = layerOf(file)
      if (ENTRY_POINTS.includes(from)) continue
      for (const specifier of relativeImports(readFileSync(file, 'utf8'))) {
        const target = layerOf(join(file, '..', specifier))
        if (target === from) continue
        const allowed =
          from === 'sim'
            ? SIM_ALLOWED.includes(target)
            : ORDER.includes(target) && ORDER.indexOf(target) < ORDER.indexOf(from)
        if (!allowed) violations.push(`${relative(SRC, file)} imports ${target} (${specifier})`)
      }
    }
    assert.deepEqual(violations, [])
  })
})
