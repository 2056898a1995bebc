// Bundles the CLI into DIST/cli/bundle/ and makes DIST/cli/bin.js a two-line launcher of it
// (`node scripts/bundle-cli.mjs [DIST]`, after tsc has written DIST; default dist).
//
// Why: a cold `run-bench run` spent ~100 ms of CPU before its first request resolving,
// reading and compiling ~200 small ES modules, one file each (bench: `cold-start`). One
// file per lazily loaded feature (esbuild's code splitting) keeps what a run does not use
// unloaded, as the unbundled build does. tsc's per-file output stays: the library entry
// (dist/index.js) and its declarations are tsc's.
//
// Bundled: the packages every run loads (CLI parsing, config, YAML, SSE, CSV). External:
// native and WebAssembly packages, those that locate their own files, and the rest (loaded
// only by the commands that use them, from node_modules as before).
import { chmodSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'

const BUNDLED_PACKAGES = new Set([
  'commander',
  '@commander-js/extra-typings',
  'zod',
  'yaml',
  'eventsource-parser',
  'csv-stringify',
  'parse-prometheus-text-format',
])

/** "zod/v4/core" → "zod"; "@scope/name/x" → "@scope/name"; a relative path → null. */
function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return null
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

const dist = process.argv[2] ?? 'dist'
const outdir = join(dist, 'cli', 'bundle')
rmSync(outdir, { recursive: true, force: true })

await build({
  // The worker's entry sits beside the chunks, where worker-pool.ts looks for
  // `./load-worker.js` relative to its own (bundled) file.
  entryPoints: { 'run-bench': 'src/cli/bin.ts', 'load-worker': 'src/run/load-worker.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: '[name]-[hash]',
  logLevel: 'warning',
  // Bundled CommonJS packages call require() for Node's built-ins; an ES module has none.
  banner: {
    js: "import { createRequire as __runBenchRequire } from 'node:module'; const require = __runBenchRequire(import.meta.url);",
  },
  plugins: [
    {
      name: 'external-packages',
      setup(builder) {
        builder.onResolve({ filter: /.*/ }, (args) => {
          const name = packageOf(args.path)
          if (name === null || BUNDLED_PACKAGES.has(name)) return undefined
          return { path: args.path, external: true }
        })
      },
    },
  ],
})

const launcher = join(dist, 'cli', 'bin.js')
writeFileSync(
  launcher,
  "#!/usr/bin/env node\n// The CLI, bundled by scripts/bundle-cli.mjs.\nimport './bundle/run-bench.js'\n",
)
chmodSync(launcher, 0o755)
