// The interactive dialog of the original tool: target → model → workload → confirm. Only
// questions live here: prompts come in as functions (the real @inquirer ones, or ones a test
// drives key by key), the run itself is the caller's job.

import type { confirm, input, select } from '@inquirer/prompts'
import { type LoadedConfig, modelsForTarget } from '../../config/load-config.js'
import { type ResolvedRun, type RunChoice, resolveRun } from '../../config/resolve-run.js'
import { ConfigError } from '../../errors.js'
import { DEFAULT_SIM_OPTIONS } from '../../sim/options.js'
import type { Model, PromptType, Target, Workload } from '../../types.js'
import type { Io } from '../io.js'
import type { Lang } from '../lang.js'
import { type CustomField, parseCustomValue } from './custom-workload.js'
import { type DialogMessages, dialogMessages, localizeDescription } from './dialog-messages.js'
import { RULE, settingsScreen } from './settings-screen.js'

export interface PromptFns {
  select: typeof select
  input: typeof input
  confirm: typeof confirm
}

export type DiscoverModels = (target: Target) => Promise<Model[]>

export interface DialogDeps {
  config: LoadedConfig
  lang: Lang
  prompts: PromptFns
  io: Io
  /** Asks the chosen target what it serves; its models are listed after the configured ones. */
  discoverModels?: DiscoverModels
  /** The --output-dir flag, passed through into the choice. */
  outputDir?: string
}

/** What the dialog settled on: the answers, and the run they resolve to (what the screen showed). */
export interface DialogAnswer {
  choice: RunChoice
  resolved: ResolvedRun
}

type WorkloadMode = 'default' | 'predefined' | 'custom'

/** The original dialog's custom-settings defaults when the default workload is a closed loop. */
const FALLBACK_RPS = 20
const FALLBACK_DURATION_SEC = 300

/**
 * Runs the questions and returns the confirmed choice, or null when the user answers "no"
 * at "Start?". Ctrl-C at any question rejects with inquirer's ExitPromptError.
 */
export async function runDialog(deps: DialogDeps): Promise<DialogAnswer | null> {
  const { prompts, io } = deps
  const msg = dialogMessages(deps.lang)
  const out = (line = '') => io.stdout.write(`${line}\n`)
  const theme = { indexMode: 'number' as const, style: { keysHelpTip: () => msg.selectHelp } }
  const baseWorkload = findWorkload(deps.config, deps.config.defaultWorkload)

  out()
  out(RULE)
  out(msg.banner)
  out(RULE)
  out()
  out(msg.tip(workloadTitle(baseWorkload, msg, deps.lang)))
  out()

  const targets = deps.config.targets
  const targetName = await prompts.select({
    message: msg.chooseTarget,
    choices: targets.map((t) => ({
      value: t.name,
      name: labelled(t.name, t.description, deps.lang),
      short: t.name,
    })),
    ...(targets[0] === undefined ? {} : { default: targets[0].name }),
    theme,
  })
  const target = targets.find((t) => t.name === targetName) ?? missing('target', targetName)

  const { models, config } = await listModels(deps, target, msg, out)
  if (models[0] === undefined) throw new ConfigError(msg.noModels(target.name), { hint: msg.noModelsHint })
  const modelName = await prompts.select({
    message: msg.chooseModel,
    choices: models.map((m) => ({
      value: m.name,
      name: labelled(m.name, m.description, deps.lang),
      short: m.fullName,
    })),
    default: models[0].name,
    theme,
  })

  const mode = await prompts.select<WorkloadMode>({
    message: msg.workloadMode,
    choices: [
      { value: 'default', name: msg.modeDefault(workloadTitle(baseWorkload, msg, deps.lang)) },
      { value: 'predefined', name: msg.modePredefined },
      { value: 'custom', name: msg.modeCustom },
    ],
    default: 'default',
    theme,
  })

  const choice: RunChoice = { target: target.name, model: modelName, workload: baseWorkload.name }
  if (mode === 'predefined') {
    choice.workload = await prompts.select({
      message: msg.choosePredefined,
      choices: config.workloads.map((w) => ({
        value: w.name,
        name: `${labelled(w.name, w.description, deps.lang)} (${msg.workloadShape(w)})`,
        short: w.name,
      })),
      default: baseWorkload.name,
      pageSize: 10,
      theme,
    })
  } else if (mode === 'custom') {
    out()
    out(msg.customTitle)
    Object.assign(choice, await askCustom(deps, baseWorkload, msg, theme))
  }
  if (deps.outputDir !== undefined) choice.outputDir = deps.outputDir

  const resolved = asCustom(resolveRun(config, choice, io.env), mode === 'custom')
  out()
  const customBase = mode === 'custom' ? baseWorkload.name : null
  for (const line of settingsScreen(resolved, customBase, deps.lang)) out(line)
  out()
  const start = await prompts.confirm({ message: msg.confirmStart, default: true })
  if (!start) return null
  out()
  out(msg.starting)
  return { choice, resolved }
}

async function askCustom(
  deps: DialogDeps,
  base: Workload,
  msg: DialogMessages,
  theme: { indexMode: 'number'; style: { keysHelpTip: () => string } },
): Promise<Partial<RunChoice>> {
  const ask = async (field: CustomField, message: string, fallback: number): Promise<number> => {
    const answer = await deps.prompts.input({
      message,
      default: String(fallback),
      validate: (text) => {
        const parsed = parseCustomValue(field, text)
        return parsed.ok || msg.invalid(parsed.problem)
      },
    })
    const parsed = parseCustomValue(field, answer)
    // validate() already refused anything else; this keeps the types honest.
    if (!parsed.ok) throw new Error(`Custom ${field} passed validation but does not parse: ${answer}`)
    return parsed.value
  }
  const durationSec = await ask('durationSec', msg.askDuration, base.durationSec ?? FALLBACK_DURATION_SEC)
  const rps = await ask('rps', msg.askRps, base.rps ?? FALLBACK_RPS)
  const concurrency = await ask('concurrency', msg.askConcurrency, base.concurrency)
  const maxTokens = await ask('maxTokens', msg.askMaxTokens, base.maxTokens)
  const temperature = await ask('temperature', msg.askTemperature, base.temperature)
  const promptType = await deps.prompts.select<PromptType>({
    message: msg.askPromptType,
    choices: (['short', 'medium', 'long'] as const).map((value) => ({
      value,
      name: msg.promptTypes[value],
      short: value,
    })),
    default: base.promptType,
    theme,
  })
  const load = rps === 0 ? { closedLoop: true } : { rps }
  return { durationSec, ...load, concurrency, maxTokens, temperature, promptType }
}

/**
 * The configured models that apply to the target, then what the server says it serves (not
 * listed twice). Discovery failing is a note, not an error: the configured list still works.
 */
async function listModels(
  deps: DialogDeps,
  target: Target,
  msg: DialogMessages,
  out: (line?: string) => void,
): Promise<{ models: Model[]; config: LoadedConfig }> {
  const configured = applicableModels(deps.config, target)
  // The built-in simulator is not running yet while the dialog asks.
  if (deps.discoverModels === undefined || target.kind === 'sim')
    return { models: configured, config: deps.config }
  out(msg.discovering(target.name))
  let discovered: Model[]
  try {
    discovered = await deps.discoverModels(target)
  } catch (error) {
    // Shown, not thrown: the user can still pick a configured model.
    out(msg.discoveryFailed(firstLine(error)))
    return { models: configured, config: deps.config }
  }
  const known = new Set(configured.flatMap((m) => [m.name, m.fullName]))
  const extra = discovered.filter((m) => !known.has(m.name) && !known.has(m.fullName))
  if (discovered.length === 0) out(msg.discoveredNone)
  // Discovered names join the config so that resolveRun accepts them like models.yaml entries.
  const config = { ...deps.config, models: [...deps.config.models, ...extra] }
  return { models: [...configured, ...extra], config }
}

/**
 * The models.yaml entries meant for the target. For the built-in simulator its own served
 * models come first (as models.yaml entries where listed), so Enter picks what
 * `run --target sim` picks, and a config without models.yaml still offers something.
 */
export function applicableModels(config: LoadedConfig, target: Target): Model[] {
  const fitting: Model[] = modelsForTarget(config, target.name)
  if (target.kind !== 'sim') return fitting
  const served = (target.sim?.models ?? DEFAULT_SIM_OPTIONS.models).map(
    (name): Model =>
      fitting.find((m) => m.fullName === name) ??
      fitting.find((m) => m.name === name) ?? { name, fullName: name, description: '', source: 'server' },
  )
  return [...served, ...fitting.filter((m) => !served.includes(m))]
}

/**
 * Custom answers are applied over the default workload; the run is named "custom" so its
 * result files do not pass for a run of that workload.
 */
function asCustom(resolved: ResolvedRun, custom: boolean): ResolvedRun {
  if (!custom) return resolved
  const base = resolved.workload.name
  return {
    ...resolved,
    workload: { ...resolved.workload, name: 'custom', description: `custom settings over ${base}` },
  }
}

/** A bundled workload's title in the UI language; else its own description, else its name. */
function workloadTitle(workload: Workload, msg: DialogMessages, lang: Lang): string {
  return (
    msg.bundledWorkloadTitles[workload.name] ??
    (localizeDescription(workload.description, lang) || workload.name)
  )
}

function labelled(name: string, description: string, lang: Lang): string {
  return description === '' ? name : `${name}: ${localizeDescription(description, lang)}`
}

function findWorkload(config: LoadedConfig, name: string): Workload {
  return config.workloads.find((w) => w.name === name) ?? missing('workload', name)
}

function missing(what: string, name: string): never {
  // The config loader guarantees these exist, and select only returns offered values.
  throw new Error(`Dialog lost the ${what} "${name}"`)
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n')[0] ?? text
}
