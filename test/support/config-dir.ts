import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TempProject {
  dir: string
  configDir: string
  outputDir: string
  remove(): void
}

/**
 * A throwaway folder with its own configs/ (the three YAML files given as text) and a
 * results/ path, so CLI tests never touch the repository's configs or results.
 */
export function createTempProject(files: {
  targets: string
  models?: string
  workloads: string
}): TempProject {
  const dir = mkdtempSync(join(tmpdir(), 'run-bench-'))
  const configDir = join(dir, 'configs')
  mkdirSync(configDir)
  writeFileSync(join(configDir, 'targets.yaml'), files.targets)
  writeFileSync(join(configDir, 'models.yaml'), files.models ?? 'models: []\n')
  writeFileSync(join(configDir, 'workloads.yaml'), files.workloads)
  return {
    dir,
    configDir,
    outputDir: join(dir, 'results'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}
