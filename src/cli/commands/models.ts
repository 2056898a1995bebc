import { basename, relative, resolve } from 'node:path'
import { keyedTarget } from '../../config/api-key.js'
import { type LoadedConfig, loadConfig } from '../../config/load-config.js'
import { unknownTarget } from '../../config/resolve-run.js'
import { type CatalogEntry, gatherModelCatalog, type ModelCatalog } from '../../discovery/model-catalog.js'
import { TargetError } from '../../errors.js'
import { targetSecrets } from '../../http/credentials.js'
import { maskUrl } from '../../http/mask.js'
import { displayWidth } from '../../report/text-table.js'
import type { Target } from '../../types.js'
import { printConfigNotices } from '../config-notices.js'
import { EXIT_OK, type ExitCode } from '../exit-codes.js'
import type { Io } from '../io.js'
import { resolveConfigDir } from './run.js'

export interface ModelsFlags {
  target?: string
  configDir?: string
  litellmConfig?: string
}

/**
 * `run-bench models`: what each target serves, one table per target. Every target when none
 * is named (an unreachable one is skipped with a note); a named target that cannot be asked
 * is a TargetError. `--litellm-config` alone lists that file without any config dir.
 */
export async function modelsCommand(flags: ModelsFlags, io: Io): Promise<ExitCode> {
  const out = (line = '') => io.stdout.write(`${line}\n`)
  const litellmConfig = flags.litellmConfig === undefined ? undefined : resolve(io.cwd, flags.litellmConfig)
  if (litellmConfig !== undefined && flags.target === undefined) {
    const catalog = await gatherModelCatalog(fileOnlyTarget(litellmConfig), {
      config: null,
      env: io.env,
      litellmConfig,
      skipServer: true,
    })
    printCatalog(catalog, 'LiteLLM config file, read on its own (no server asked)', io, false)
    return EXIT_OK
  }
  const config = loadConfig({ configDir: resolveConfigDir(io, flags.configDir), env: io.env })
  printConfigNotices(config, io)
  const named = flags.target !== undefined
  const targets = named ? [findTarget(config, flags.target ?? '')] : config.targets
  let first = true
  for (const target of targets) {
    if (!first) out()
    first = false
    const keyed = keyedTarget(target, io.env)
    let catalog: ModelCatalog
    try {
      catalog = await gatherModelCatalog(keyed.target, {
        config,
        env: io.env,
        ...(named && litellmConfig !== undefined ? { litellmConfig } : {}),
      })
    } catch (error) {
      if (named || !(error instanceof TargetError)) throw error
      out(`Target ${target.name}: skipped, ${firstLine(error.message)}`)
      continue
    }
    if (keyed.missingKeyEnv !== null) {
      catalog.notes.unshift(`$${keyed.missingKeyEnv} is not set: asked without an API key`)
    }
    printCatalog(catalog, targetHeader(target), io, true)
  }
  return EXIT_OK
}

/** A stand-in target for a config file read on its own (nothing is asked of any server). */
function fileOnlyTarget(path: string): Target {
  return {
    name: basename(path),
    description: '',
    kind: 'litellm',
    baseUrl: '',
    headers: {},
    keepalive: true,
    litellmConfig: path,
  }
}

function findTarget(config: LoadedConfig, name: string): Target {
  const target = config.targets.find((candidate) => candidate.name === name)
  if (target !== undefined) return target
  throw unknownTarget(config, name)
}

function targetHeader(target: Target): string {
  const where = target.kind === 'sim' ? 'built-in simulator' : maskUrl(target.baseUrl, targetSecrets(target))
  return `Target ${target.name} (${target.kind}): ${where}`
}

function printCatalog(catalog: ModelCatalog, header: string, io: Io, runHint: boolean): void {
  const out = (line = '') => io.stdout.write(`${line}\n`)
  out(header)
  if (catalog.asked !== null) out(`Asked: ${catalog.asked}`)
  if (catalog.configFile !== null) out(`Config file: ${shownPath(io.cwd, catalog.configFile)}`)
  for (const note of catalog.notes) out(`Note: ${note}`)
  for (const warning of catalog.warnings) io.stderr.write(`Warning: ${warning}\n`)
  if (catalog.entries.length === 0) {
    out('  (no models)')
    return
  }
  for (const line of modelTable(catalog.entries)) out(`  ${line}`)
  const count = `${catalog.entries.length} model${catalog.entries.length === 1 ? '' : 's'}`
  out(
    runHint
      ? `${count}. Benchmark one: run-bench run --target ${catalog.target.name} --model <MODEL>; every one: --model all`
      : `${count}.`,
  )
}

/** A plain-text table, columns padded to their widest cell; SERVED AS only when an alias differs. */
export function modelTable(entries: readonly CatalogEntry[]): string[] {
  const aliased = entries.some((entry) => entry.name !== entry.fullName)
  const list = (values: readonly string[]) => (values.length === 0 ? '-' : values.join(', '))
  const header = [
    'MODEL',
    ...(aliased ? ['SERVED AS'] : []),
    'PROVIDER MODEL',
    'API BASE',
    'DEPLOYMENTS',
    'SOURCE',
  ]
  const rows = entries.map((entry) => [
    entry.name,
    ...(aliased ? [entry.fullName === entry.name ? '-' : entry.fullName] : []),
    list(entry.providerModels),
    list(entry.apiBases),
    entry.deploymentCount > 0 ? String(entry.deploymentCount) : '-',
    entry.source,
  ])
  const countColumn = header.indexOf('DEPLOYMENTS')
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => displayWidth(row[i] ?? ''))))
  return [header, ...rows].map((row) =>
    row
      .map((cell, i) => {
        const fill = ' '.repeat((widths[i] ?? 0) - displayWidth(cell))
        return i === countColumn ? fill + cell : cell + fill
      })
      .join('  ')
      .trimEnd(),
  )
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? ''
}

function shownPath(cwd: string, path: string): string {
  const rel = relative(cwd, path)
  return rel === '' || rel.startsWith('..') ? path : rel
}
