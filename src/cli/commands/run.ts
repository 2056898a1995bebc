import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { keyedTarget } from '../../config/api-key.js'
import { chosenTarget } from '../../config/chosen-target.js'
import { type LoadedConfig, loadConfig } from '../../config/load-config.js'
import { findPackageRoot } from '../../config/package-root.js'
import { resolveSettled } from '../../config/resolve-run.js'
import { settleChoice, unknownEnvWarnings } from '../../config/run-overrides.js'
import { flagAttribute, type RunChoice, SETTINGS } from '../../config/run-settings.js'
import { gatherModelCatalog, withCatalogModels } from '../../discovery/model-catalog.js'
import { TargetError, UsageError } from '../../errors.js'
import { buildPlan } from '../../run/build-plan.js'
import { createTokenCounter, type TokenCounterSpec } from '../../workload/tokenizer.js'
import { printConfigNotices } from '../config-notices.js'
import type { ExitCode } from '../exit-codes.js'
import type { Io } from '../io.js'
import { detectLang, type Lang } from '../lang.js'
import { type PrintedRun, runAndPrint } from '../run-and-print.js'
import { worseExitCode } from '../run-extension.js'
import { type ExtensionFlags, runExtensions } from '../run-options/extensions.js'
import { humanIo, type OutputFlags, printRunOutcome } from '../run-options/output.js'
import { withUrlTargetModel } from '../url-target-model.js'
import { refuseWithAllModels, runAllModels } from './run-all-models.js'

/** `--model all`: every model of the target, one run each, then one comparison report. */
export const ALL_MODELS = 'all'

export interface RunFlags extends ExtensionFlags, OutputFlags {
  target?: string
  model?: string
  workload?: string
  duration?: number
  requests?: number
  rps?: number
  arrival?: 'constant' | 'poisson'
  concurrency?: number
  maxTokens?: number
  temperature?: number
  promptType?: 'short' | 'medium' | 'long'
  promptFile?: string
  api?: 'chat' | 'completions'
  ignoreEos?: true
  seed?: number
  timeout?: number
  outputDir?: string
  configDir?: string
  tokenizer?: string
  /** false with --no-probe. */
  probe?: boolean
  workers?: number
  lang?: 'en' | 'ko'
  litellmConfig?: string
  baseUrl?: string
  apiKey?: string
  closedLoop?: true
}

/** ./configs when the user has one, else the configs bundled with the package. */
export function resolveConfigDir(io: Io, flag: string | undefined): string {
  if (flag !== undefined) return resolve(io.cwd, flag)
  const local = resolve(io.cwd, 'configs')
  return existsSync(join(local, 'targets.yaml')) ? local : join(findPackageRoot(), 'configs')
}

/**
 * Commander's flags → RunChoice, row by row of SETTINGS (the flag's attribute name →
 * the setting's key); paths are made absolute against the working directory.
 */
export function choiceFromFlags(flags: RunFlags, io: Io): RunChoice {
  const values = flags as Record<string, unknown>
  const choice: Record<string, unknown> = {}
  for (const setting of SETTINGS) {
    const value = values[flagAttribute(setting.flag)]
    if (value === undefined) continue
    if (setting.kind === 'switch') choice[setting.key] = true
    else if (setting.kind === 'path' && typeof value === 'string')
      choice[setting.key] = resolve(io.cwd, value)
    else choice[setting.key] = value
  }
  return choice as RunChoice
}

export { buildPlan } from '../../run/build-plan.js'

export async function runCommand(flags: RunFlags, callerIo: Io): Promise<ExitCode> {
  // --json: human text to stderr and one JSON object to stdout at the end; --quiet: the last line only.
  const io = humanIo(flags, callerIo)
  const lang: Lang = detectLang(io.env, flags.lang)
  if (flags.workers !== undefined && flags.workers < 1) {
    throw new UsageError(`--workers must be >= 1 (got ${flags.workers})`, {
      hint: 'use --workers 1 to send from the main thread',
    })
  }
  const loaded: LoadedConfig = loadConfig({ configDir: resolveConfigDir(io, flags.configDir), env: io.env })
  printConfigNotices(loaded, io)
  for (const warning of unknownEnvWarnings(io.env)) io.stderr.write(`Warning: ${warning}\n`)
  // Flags over BENCH_* variables, merged and checked once for everything below; a URL
  // target (--target URL, --base-url) joins the config by name.
  const { config: urlConfig, settled: settledChoice } = await withUrlTargetModel(
    loaded,
    settleChoice(choiceFromFlags(flags, io), io.env),
    io,
  )
  const settled = settledChoice.choice
  const litellmConfig = flags.litellmConfig === undefined ? undefined : resolve(io.cwd, flags.litellmConfig)
  const config = withLitellmConfig(urlConfig, settled.target, litellmConfig)
  const tokenizer: TokenCounterSpec =
    flags.tokenizer === undefined
      ? { kind: 'default' }
      : { kind: 'tokenizer-json', path: resolve(io.cwd, flags.tokenizer) }
  const tokenCounter = () => createTokenCounter(tokenizer)
  if (settled.model === ALL_MODELS) {
    refuseWithAllModels(flags)
    return runAllModels({
      config,
      settled: settledChoice,
      targetName: settled.target,
      lang,
      io,
      tokenCounter,
      tokenizer,
      probe: flags.probe !== false,
      flags,
    })
  }
  const withModel = await withDiscoveredModel(config, settled.target, settled.model, io.env)
  const resolved = resolveSettled(withModel, settledChoice, io.env)
  const extensions = await runExtensions(flags, io)
  const plan = extensions.reduce(
    (current, extension) => extension.plan?.(current) ?? current,
    buildPlan(resolved, io.cwd),
  )
  const printed: PrintedRun = await runAndPrint({
    plan,
    lang,
    io,
    countTokens: await tokenCounter(),
    probe: flags.probe !== false,
    tokenizer,
    hooks: extensions.flatMap((extension) => extension.hooks?.(plan) ?? []),
    ...(flags.workers === undefined ? {} : { workers: flags.workers }),
  })
  let exitCode = printed.exitCode
  const json: Record<string, unknown> = {}
  for (const extension of extensions) {
    const after = await extension.afterRun?.(printed, io)
    exitCode = worseExitCode(exitCode, after?.exitCode)
    Object.assign(json, after?.json)
  }
  await printRunOutcome(flags, callerIo, lang, printed, json, exitCode)
  return exitCode
}

/** --litellm-config replaces the chosen target's litellm_config (and so lands in its meta). */
function withLitellmConfig(
  config: LoadedConfig,
  targetName: string | undefined,
  path: string | undefined,
): LoadedConfig {
  const target = chosenTarget(config, targetName)
  if (path === undefined || target === undefined) return config
  return {
    ...config,
    targets: config.targets.map((candidate) =>
      candidate === target ? { ...candidate, litellmConfig: path } : candidate,
    ),
  }
}

/**
 * A model name models.yaml does not know may be a group the target serves (resolveRun
 * refuses bare unknown names as likely typos): ask the target and add what it serves to
 * the config. A name with '/' or ':' works without asking, so an unreachable target does
 * not stop it here (the run reports its failures).
 */
async function withDiscoveredModel(
  config: LoadedConfig,
  targetName: string | undefined,
  model: string | undefined,
  env: Record<string, string | undefined>,
): Promise<LoadedConfig> {
  const target = chosenTarget(config, targetName)
  if (model === undefined || target === undefined || target.kind === 'sim') return config
  if (config.models.some((known) => known.name === model || known.fullName === model)) return config
  const keyed = keyedTarget(target, env)
  // resolveRun says what is missing better than a 401 would.
  if (keyed.missingKeyEnv !== null) return config
  try {
    return withCatalogModels(config, await gatherModelCatalog(keyed.target, { config, env }))
  } catch (error) {
    if (error instanceof TargetError && /[/:]/.test(model)) return config
    throw error
  }
}
