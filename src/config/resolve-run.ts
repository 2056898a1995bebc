// Picks target, model and workload and applies the precedence
// built-in defaults < YAML < BENCH_* env < flags / interactive answers.

import { join } from 'node:path'
import { UsageError } from '../errors.js'
import type { Model, Target, Timeouts, Workload } from '../types.js'
import { requireKeyedTarget } from './api-key.js'
import {
  DEFAULT_GRACE_MS,
  DEFAULT_OUTPUT_DIR,
  DEFAULT_SEED,
  DEFAULT_SIM_MODEL,
  DEFAULT_TIMEOUTS,
} from './defaults.js'
import { didYouMeanFix } from './did-you-mean.js'
import { CONFIG_FILES, type ConfigModel, type LoadedConfig, modelsForTarget } from './load-config.js'
import { displayPath } from './problems.js'
import { type ChoiceSources, type RunChoice, type SettledChoice, settleChoice } from './run-overrides.js'
import { withUrlTarget } from './url-target.js'

export type { RunChoice } from './run-overrides.js'

export interface ResolvedRun {
  target: Target
  model: Model
  workload: Workload
  seed: number
  timeouts: Timeouts
  outputDir: string
  graceMs: number
}

function unknownName(
  kind: string,
  name: string,
  source: string,
  known: readonly string[],
  hint: string,
): UsageError {
  const suggestion = didYouMeanFix(name, known)
  const mean = suggestion === undefined ? '' : ` — ${suggestion}`
  return new UsageError(`Unknown ${kind} "${name}" (${source}); valid ${kind}s: ${known.join(', ')}${mean}`, {
    hint,
  })
}

function configFile(config: LoadedConfig, file: keyof typeof CONFIG_FILES): string {
  return displayPath(join(config.configDir, CONFIG_FILES[file]))
}

/** The one "unknown target" error: run, models and the dialog all name targets the same way. */
export function unknownTarget(config: LoadedConfig, name: string, source = '--target'): UsageError {
  const names = config.targets.map((candidate) => candidate.name)
  return unknownName('target', name, source, names, `Add it to ${configFile(config, 'targets')}`)
}

function pickTarget(config: LoadedConfig, name: string | undefined, sources: ChoiceSources): Target {
  const first = config.targets[0]
  if (name === undefined) {
    if (first === undefined) throw new Error('LoadedConfig has no targets')
    return first
  }
  const target = config.targets.find((candidate) => candidate.name === name)
  if (target !== undefined) return target
  throw unknownTarget(config, name, sources.target)
}

function asModel(model: ConfigModel): Model {
  return { name: model.name, fullName: model.fullName, description: model.description, source: model.source }
}

/**
 * A served name that models.yaml does not list. It is sent as-is; 'server' is the closest
 * source value types.ts offers for a name the user typed.
 */
function adHocModel(fullName: string): Model {
  return { name: fullName, fullName, description: '', source: 'server' }
}

/**
 * `requested` may be an alias (models.yaml name) or a full served name. A name models.yaml
 * does not know is accepted as a served name when it contains '/' or ':' (Qwen/Qwen3-4B,
 * llama3.1:8b), and any name is accepted for a sim target (the simulator serves every name);
 * anything else is most likely a typo of an alias and is refused.
 */
function pickModel(
  config: LoadedConfig,
  target: Target,
  requested: string | undefined,
  sources: ChoiceSources,
): Model {
  const fitting = modelsForTarget(config, target.name)
  if (requested === undefined) {
    if (target.kind === 'sim') {
      const served = target.sim?.models?.[0] ?? DEFAULT_SIM_MODEL
      const listed =
        fitting.find((model) => model.fullName === served) ?? fitting.find((model) => model.name === served)
      return listed === undefined ? adHocModel(served) : asModel(listed)
    }
    const first = fitting[0]
    if (first === undefined) {
      throw new UsageError(
        `No model in ${configFile(config, 'models')} is meant for target "${target.name}"`,
        {
          hint: `Pass --model <served name> (e.g. --model Qwen/Qwen3-4B), or add a model to ${configFile(config, 'models')}`,
        },
      )
    }
    return asModel(first)
  }
  const byAlias = config.models.find((model) => model.name === requested)
  if (byAlias !== undefined) {
    if (byAlias.targets !== undefined && !byAlias.targets.includes(target.name)) {
      // The same name as a served model of this target (a URL target's --model) is not the alias.
      const served = fitting.find((model) => model.fullName === requested)
      if (served !== undefined) return asModel(served)
      throw new UsageError(
        `Model "${requested}" (${sources.model ?? '--model'}) is meant for target${byAlias.targets.length === 1 ? '' : 's'} ${byAlias.targets.join(', ')}, not "${target.name}"`,
        {
          hint: `Models for ${target.name}: ${fitting.map((model) => model.name).join(', ') || 'none listed'}; or edit targets: of "${requested}" in ${configFile(config, 'models')}`,
        },
      )
    }
    return asModel(byAlias)
  }
  const byFullName =
    fitting.find((model) => model.fullName === requested) ??
    config.models.find((model) => model.fullName === requested)
  if (byFullName !== undefined) return asModel(byFullName)
  if (target.kind === 'sim' || /[/:]/.test(requested)) return adHocModel(requested)
  const names = fitting.map((model) => model.name)
  throw unknownName(
    'model',
    requested,
    sources.model ?? '--model',
    names,
    `Give a name from ${configFile(config, 'models')}, or the full served name (it must contain '/' or ':', e.g. Qwen/Qwen3-4B)`,
  )
}

function pickWorkload(config: LoadedConfig, name: string | undefined, sources: ChoiceSources): Workload {
  const wanted = name ?? config.defaultWorkload
  const workload = config.workloads.find((candidate) => candidate.name === wanted)
  if (workload !== undefined) return workload
  const names = config.workloads.map((candidate) => candidate.name)
  throw unknownName(
    'workload',
    wanted,
    sources.workload ?? `defaults.default_workload in ${configFile(config, 'workloads')}`,
    names,
    `Add it to ${configFile(config, 'workloads')}`,
  )
}

function applyOverrides(base: Workload, choice: RunChoice, sources: ChoiceSources): Workload {
  const workload: Workload = { ...base }
  if (choice.durationSec !== undefined) workload.durationSec = choice.durationSec
  if (choice.requests !== undefined) workload.requests = choice.requests
  if (choice.rps !== undefined) workload.rps = choice.rps
  if (choice.arrival !== undefined) workload.arrival = choice.arrival
  if (choice.concurrency !== undefined) workload.concurrency = choice.concurrency
  if (choice.maxTokens !== undefined) workload.maxTokens = choice.maxTokens
  if (choice.temperature !== undefined) workload.temperature = choice.temperature
  if (choice.api !== undefined) workload.api = choice.api
  if (choice.ignoreEos !== undefined) workload.ignoreEos = choice.ignoreEos
  if (choice.promptType !== undefined) {
    workload.promptType = choice.promptType
    // A prompt type chosen above the YAML replaces the YAML's prompt file; a prompt file
    // chosen at the same time still wins (it is the more specific of the two).
    delete workload.promptFile
  }
  if (choice.promptFile !== undefined) workload.promptFile = choice.promptFile
  if (choice.closedLoop === true) {
    if (choice.rps !== undefined) {
      throw new UsageError(`--closed-loop cannot be combined with ${sources.rps ?? '--rps'}`, {
        hint: 'A closed loop has no rate: drop --rps, or drop --closed-loop for an open loop',
      })
    }
    delete workload.rps
  }
  // --duration 0 means "no time bound", which needs a request bound instead.
  if (workload.durationSec === 0) {
    if (workload.requests === undefined) {
      throw new UsageError(
        `${sources.durationSec ?? '--duration'} must be > 0 when there is no requests bound (got 0)`,
        { hint: 'Give the run length in seconds, or add --requests N for a count-bound run' },
      )
    }
    delete workload.durationSec
  }
  return workload
}

/**
 * Resolves what to run. `choice` holds flags / interactive answers; `env` supplies the
 * BENCH_* variables and the targets' api_key_env keys. Defaults: the first target, the first
 * model meant for it (a sim target: the simulator's first model), config.defaultWorkload,
 * seed 42, DEFAULT_TIMEOUTS (--timeout sets totalMs), results/, 10 s grace.
 */
export function resolveRun(
  config: LoadedConfig,
  choice: RunChoice,
  env: Record<string, string | undefined>,
): ResolvedRun {
  return resolveSettled(config, settleChoice(choice, env), env)
}

/** resolveRun for a choice already merged with BENCH_* (settleChoice), so it merges once. */
export function resolveSettled(
  loaded: LoadedConfig,
  settledChoice: SettledChoice,
  env: Record<string, string | undefined>,
): ResolvedRun {
  // --target URL / --base-url / --api-key: an ad-hoc target or a changed one (no-op when applied already).
  const { config, settled } = withUrlTarget(loaded, settledChoice)
  const { sources } = settled
  const settings = settled.choice
  const target = requireKeyedTarget(
    pickTarget(config, settings.target, sources),
    env,
    configFile(config, 'targets'),
  )
  const model = pickModel(config, target, settings.model, sources)
  const workload = applyOverrides(pickWorkload(config, settings.workload, sources), settings, sources)
  const timeouts: Timeouts = { ...DEFAULT_TIMEOUTS }
  if (settings.timeoutSec !== undefined) timeouts.totalMs = settings.timeoutSec * 1000
  return {
    target,
    model,
    workload,
    seed: settings.seed ?? DEFAULT_SEED,
    timeouts,
    outputDir: settings.outputDir ?? DEFAULT_OUTPUT_DIR,
    graceMs: DEFAULT_GRACE_MS,
  }
}
