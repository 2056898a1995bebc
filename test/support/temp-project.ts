// A throwaway project folder for a test: its own configs/ (the three YAML files given as
// text) and a results/ path, so tests never touch the repository's configs or results.

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

/**
 * The config files' text. targets/workloads left undefined get a minimal valid version,
 * models an empty list; null leaves the file out.
 */
export interface ConfigFiles {
  targets?: string | null
  models?: string | null
  workloads?: string | null
}

export interface TempProject {
  dir: string
  configDir: string
  outputDir: string
  remove(): void
}

export function createTempProject(files: ConfigFiles = {}): TempProject {
  const dir = mkdtempSync(join(tmpdir(), 'run-bench-'))
  const configDir = join(dir, 'configs')
  mkdirSync(configDir)
  const contents = {
    'targets.yaml': files.targets === undefined ? MINIMAL_TARGETS : files.targets,
    'models.yaml': files.models === undefined ? 'models: []\n' : files.models,
    'workloads.yaml': files.workloads === undefined ? MINIMAL_WORKLOADS : files.workloads,
  }
  for (const [name, text] of Object.entries(contents)) {
    if (text !== null) writeFileSync(join(configDir, name), text)
  }
  return {
    dir,
    configDir,
    outputDir: join(dir, 'results'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

const created: TempProject[] = []

/**
 * Just the configs/ folder of a new temp project, for config tests that write many; call
 * removeConfigDirs in an `after` hook.
 */
export function writeConfigDir(files: ConfigFiles): string {
  const project = createTempProject(files)
  created.push(project)
  return project.configDir
}

export function removeConfigDirs(): void {
  for (const project of created.splice(0)) project.remove()
}
