// Reads configs/targets.yaml, models.yaml and workloads.yaml, validates all three and
// converts them to the camelCase types of types.ts. Every problem of every file is
// collected first, then one ConfigError lists them all.

import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type * as z from 'zod'
import { ConfigError } from '../errors.js'
import type { Model, SimOptions, Target, Workload } from '../types.js'
import { checkModels, checkTargets, checkWorkloads, type RawFile, rawItems } from './config-checks.js'
import { DEFAULT_DURATION_SEC, DEFAULT_WORKLOAD_NAME, WORKLOAD_FIELD_DEFAULTS } from './defaults.js'
import { findPackageRoot } from './package-root.js'
import { displayPath, formatProblems, type Problem } from './problems.js'
import {
  type ModelEntry,
  type ModelsFile,
  modelsFileSchema,
  type TargetEntry,
  type TargetsFile,
  targetsFileSchema,
  type WorkloadEntry,
  type WorkloadsFile,
  workloadsFileSchema,
} from './schemas.js'
import { workloadSourcesOf } from './workload-sources-schema.js'
import { parseYamlText } from './yaml-text.js'
import { issuesToProblems } from './zod-problems.js'

/** A models.yaml entry: a Model plus the targets it is meant for (absent = every target). */
export interface ConfigModel extends Model {
  targets?: string[]
}

export interface LoadedConfig {
  configDir: string
  targets: Target[]
  models: ConfigModel[]
  workloads: Workload[]
  /** defaults.default_workload, else high-load-5min when present, else the first workload. */
  defaultWorkload: string
  /** Absolute paths of the files that were read (models.yaml only when it exists). */
  files: string[]
  /** What the loader chose for the user, e.g. the bundled workloads.yaml; cli/ prints them. */
  notes?: string[]
  /** Problems that do not stop a command (a model meant for a removed target). */
  warnings?: string[]
}

export const CONFIG_FILES = {
  targets: 'targets.yaml',
  models: 'models.yaml',
  workloads: 'workloads.yaml',
} as const

function readRawFile(configDir: string, fileName: string, required: boolean, problems: Problem[]): RawFile {
  const path = resolve(configDir, fileName)
  const display = displayPath(path)
  if (!existsSync(path)) {
    if (required) {
      problems.push({
        subject: `${display}:`,
        message: 'file not found',
        fix: `copy it from the package's configs/ folder (${join(findPackageRoot(), 'configs', fileName)}) or pass --config-dir`,
      })
    }
    return { path, display, value: undefined, read: false, empty: false }
  }
  const parsed = parseYamlText(readFileSync(path, 'utf8'), display)
  if (!parsed.ok) {
    problems.push(parsed.problem)
    return { path, display, value: undefined, read: true, empty: false }
  }
  return { path, display, value: parsed.value, read: true, empty: parsed.value == null }
}

function validate<T>(schema: z.ZodType<T>, file: RawFile, problems: Problem[]): T | undefined {
  const result = schema.safeParse(file.value)
  if (result.success) return result.data
  problems.push(...issuesToProblems(result.error.issues, schema, file.value, file.display))
  return undefined
}

function toSimOptions(sim: NonNullable<TargetEntry['sim']>): Partial<SimOptions> {
  const options: Partial<SimOptions> = {}
  if (sim.models !== undefined) options.models = sim.models
  if (sim.max_batch_size !== undefined) options.maxBatchSize = sim.max_batch_size
  if (sim.prefill_base_ms !== undefined) options.prefillBaseMs = sim.prefill_base_ms
  if (sim.prefill_per_token_ms !== undefined) options.prefillPerTokenMs = sim.prefill_per_token_ms
  if (sim.decode_base_ms !== undefined) options.decodeBaseMs = sim.decode_base_ms
  if (sim.decode_per_seq_ms !== undefined) options.decodePerSeqMs = sim.decode_per_seq_ms
  if (sim.default_output_tokens !== undefined) options.defaultOutputTokens = sim.default_output_tokens
  if (sim.min_output_tokens !== undefined) options.minOutputTokens = sim.min_output_tokens
  if (sim.error_rate !== undefined) options.errorRate = sim.error_rate
  if (sim.faults !== undefined) options.faults = sim.faults
  if (sim.stall_ms !== undefined) options.stallMs = sim.stall_ms
  if (sim.seed !== undefined) options.seed = sim.seed
  if (sim.max_queue !== undefined) options.maxQueue = sim.max_queue
  if (sim.prefix_cache_tokens !== undefined) options.prefixCacheTokens = sim.prefix_cache_tokens
  if (sim.prefix_cache_block_tokens !== undefined)
    options.prefixCacheBlockTokens = sim.prefix_cache_block_tokens
  if (sim.idle_watts !== undefined) options.idleWatts = sim.idle_watts
  if (sim.watts_per_sequence !== undefined) options.wattsPerSequence = sim.watts_per_sequence
  return options
}

function toTarget(entry: TargetEntry, configDir: string): Target {
  const kind = entry.kind ?? 'openai'
  const target: Target = {
    name: entry.name,
    description: entry.description ?? '',
    kind,
    baseUrl: kind === 'sim' ? '' : (entry.base_url ?? '').replace(/\/+$/, ''),
    headers: entry.headers ?? {},
    keepalive: entry.keepalive ?? true,
  }
  if (entry.api_key !== undefined) target.apiKey = entry.api_key
  if (entry.api_key_env !== undefined) target.apiKeyEnv = entry.api_key_env
  if (entry.litellm_config !== undefined) target.litellmConfig = resolve(configDir, entry.litellm_config)
  if (entry.sim !== undefined) target.sim = toSimOptions(entry.sim)
  if (entry.metrics_urls !== undefined) target.metricsUrls = entry.metrics_urls
  if (entry.gpu !== undefined) target.gpu = entry.gpu
  if (entry.gpus !== undefined) target.gpus = entry.gpus
  return target
}

function toModel(entry: ModelEntry): ConfigModel {
  const model: ConfigModel = {
    name: entry.name,
    fullName: entry.full_name ?? entry.name,
    description: entry.description ?? '',
    source: 'models.yaml',
  }
  if (entry.targets !== undefined) model.targets = entry.targets
  return model
}

function toWorkload(entry: WorkloadEntry, configDir: string): Workload {
  const defaults = WORKLOAD_FIELD_DEFAULTS
  const workload: Workload = {
    name: entry.name,
    description: entry.description ?? defaults.description,
    arrival: entry.arrival ?? defaults.arrival,
    concurrency: entry.concurrency ?? defaults.concurrency,
    maxTokens: entry.max_tokens ?? defaults.maxTokens,
    temperature: entry.temperature ?? defaults.temperature,
    promptType: entry.prompt_type ?? defaults.promptType,
    api: entry.api ?? defaults.api,
    ignoreEos: entry.ignore_eos ?? defaults.ignoreEos,
  }
  // duration 0 next to a requests bound means "no time bound"; no bound at all means the default length.
  if (entry.duration !== undefined && entry.duration > 0) workload.durationSec = entry.duration
  else if (entry.duration === undefined && entry.requests === undefined)
    workload.durationSec = DEFAULT_DURATION_SEC
  if (entry.requests !== undefined) workload.requests = entry.requests
  if (entry.rps !== undefined && entry.rps !== null) workload.rps = entry.rps
  if (entry.prompt_file !== undefined) workload.promptFile = resolve(configDir, entry.prompt_file)
  if (entry.slo !== undefined) workload.slo = typeof entry.slo === 'string' ? [entry.slo] : entry.slo
  const sources = workloadSourcesOf(entry, configDir)
  if (sources !== undefined) workload.sources = sources
  return workload
}

function pickDefaultWorkload(file: WorkloadsFile, workloads: Workload[]): string {
  const chosen = file.defaults?.default_workload
  if (chosen !== undefined) return chosen
  if (workloads.some((workload) => workload.name === DEFAULT_WORKLOAD_NAME)) return DEFAULT_WORKLOAD_NAME
  return workloads[0]?.name ?? DEFAULT_WORKLOAD_NAME
}

/**
 * Loads and validates the three config files of `configDir`. models.yaml may be absent or
 * empty (models can be given by their full served name). `env` is not read here: a
 * target's api_key_env is looked up only when the target is used (resolveRun).
 * Relative paths in the files (litellm_config, prompt_file) are resolved against configDir.
 */
export function loadConfig(opts: {
  configDir: string
  env: Record<string, string | undefined>
}): LoadedConfig {
  const configDir = resolve(opts.configDir)
  if (!existsSync(configDir)) {
    // One clear line, rather than one "file not found" per file of a folder that is not there.
    throw new ConfigError(`Config folder ${displayPath(configDir)} does not exist`, {
      hint: `Pass --config-dir a folder holding targets.yaml (workloads.yaml and models.yaml are optional), or leave --config-dir out to use ./configs or the bundled ${join(findPackageRoot(), 'configs')}`,
    })
  }
  const problems: Problem[] = []
  const notes: string[] = []
  const warnings: string[] = []
  const targetsFile = readRawFile(configDir, CONFIG_FILES.targets, true, problems)
  const modelsFile = readRawFile(configDir, CONFIG_FILES.models, false, problems)
  const workloadsDir = workloadsFolder(configDir, notes)
  const workloadsFile = readRawFile(workloadsDir, CONFIG_FILES.workloads, true, problems)

  if (targetsFile.empty) {
    problems.push({
      subject: `${targetsFile.display}:`,
      message: 'is empty',
      fix: 'it needs a `targets:` list',
    })
  }
  const targets: TargetsFile | undefined =
    targetsFile.value == null ? undefined : validate(targetsFileSchema, targetsFile, problems)
  checkTargets(targetsFile, problems)

  const models: ModelsFile | undefined =
    modelsFile.value == null ? { models: [] } : validate(modelsFileSchema, modelsFile, problems)
  const targetNames = rawItems(targetsFile, 'targets').flatMap(({ item }) =>
    typeof item.name === 'string' ? [item.name] : [],
  )
  checkModels(modelsFile, targetNames, problems, warnings)

  if (workloadsFile.empty) {
    problems.push({
      subject: `${workloadsFile.display}:`,
      message: 'is empty',
      fix: 'it needs a `workloads:` list',
    })
  }
  const workloads: WorkloadsFile | undefined =
    workloadsFile.value == null ? undefined : validate(workloadsFileSchema, workloadsFile, problems)
  checkWorkloads(workloadsFile, problems)

  if (problems.length > 0 || targets === undefined || models === undefined || workloads === undefined) {
    throw new ConfigError(formatProblems(problems, `the config files in ${displayPath(configDir)}`), {
      hint: `Fix the lines above; examples of every key are in ${join(findPackageRoot(), 'configs')}`,
    })
  }

  // prompt_file of a bundled workload is relative to the bundled folder.
  const loadedWorkloads = workloads.workloads.map((entry) => toWorkload(entry, workloadsDir))
  return {
    configDir,
    targets: targets.targets.map((entry) => toTarget(entry, configDir)),
    models: (models.models ?? []).map(toModel),
    workloads: loadedWorkloads,
    defaultWorkload: pickDefaultWorkload(workloads, loadedWorkloads),
    files: [targetsFile, modelsFile, workloadsFile].filter((file) => file.read).map((file) => file.path),
    notes,
    warnings,
  }
}

/**
 * Where workloads.yaml comes from: the config folder, or, when a folder holding targets.yaml
 * has none (a user who only wrote their servers down), the bundled one, said in a note.
 */
function workloadsFolder(configDir: string, notes: string[]): string {
  const bundled = join(findPackageRoot(), 'configs')
  if (existsSync(join(configDir, CONFIG_FILES.workloads))) return configDir
  if (!existsSync(join(configDir, CONFIG_FILES.targets)) || resolve(bundled) === configDir) return configDir
  if (!existsSync(join(bundled, CONFIG_FILES.workloads))) return configDir
  notes.push(
    `${displayPath(configDir)} has no ${CONFIG_FILES.workloads}: using the bundled ${join(bundled, CONFIG_FILES.workloads)}`,
  )
  return bundled
}

/** The models of models.yaml meant for `targetName` (entries without `targets:` fit every target). */
export function modelsForTarget(config: LoadedConfig, targetName: string): ConfigModel[] {
  return config.models.filter((model) => model.targets === undefined || model.targets.includes(targetName))
}
