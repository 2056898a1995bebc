// Writes a throwaway configs/ folder for a test. Files left undefined get a minimal valid
// version; null leaves the file out.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const MINIMAL_TARGETS = `targets:
  - name: local
    base_url: http://127.0.0.1:8000/v1
`
export const MINIMAL_WORKLOADS = `workloads:
  - name: quick
    duration: 5
    rps: 2
    concurrency: 2
`

export interface ConfigFiles {
  targets?: string | null
  models?: string | null
  workloads?: string | null
}

const created: string[] = []

/** A new <tmp>/run-bench-XXXX/configs folder holding the given files. */
export function writeConfigDir(files: ConfigFiles): string {
  const root = mkdtempSync(join(tmpdir(), 'run-bench-config-'))
  created.push(root)
  const dir = join(root, 'configs')
  mkdirSync(dir)
  const contents = {
    'targets.yaml': files.targets === undefined ? MINIMAL_TARGETS : files.targets,
    'models.yaml': files.models,
    'workloads.yaml': files.workloads === undefined ? MINIMAL_WORKLOADS : files.workloads,
  }
  for (const [name, text] of Object.entries(contents)) {
    if (typeof text === 'string') writeFileSync(join(dir, name), text)
  }
  return dir
}

export function removeConfigDirs(): void {
  for (const root of created.splice(0)) rmSync(root, { recursive: true, force: true })
}
