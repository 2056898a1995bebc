// The package root is the folder holding package.json, found by walking up from this
// module: src/config/ under tsx and dist/config/ after the build both sit two levels below
// it, but walking keeps that an implementation detail.

import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

let cachedRoot: string | undefined

/** Absolute path of the installed package (where package.json, configs/ and prompts/ live). */
export function findPackageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      cachedRoot = dir
      return dir
    }
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`No package.json above ${fileURLToPath(import.meta.url)}`)
    dir = parent
  }
}

/** The `version` of the package's package.json (e.g. "0.1.0"). */
export function readToolVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(join(findPackageRoot(), 'package.json'), 'utf8'))
  const version = (manifest as { version?: unknown }).version
  if (typeof version !== 'string') throw new Error('package.json has no version')
  return version
}
