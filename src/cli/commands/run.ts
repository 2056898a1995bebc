import { existsSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { keyedTarget, requireKeyedTarget } from '../../config/api-key.js'
import { type LoadedConfig, loadConfig } from '../../config/load-config.js'
import { findPackageRoot } from '../../config/package-root.js'
import { resolveSettled, unknownTarget } from '../../config/resolve-run.js'
import { type SettledChoice, settleChoice, unknownEnvWarnings } from '../../config/run-overrides.js'
import { flagAttribute, type RunChoice, SETTINGS } from '../../config/run-settings.js'
import { gatherModelCatalog, runnableEntries, withCatalogModels } from '../../discovery/model-catalog.js'
import { BenchError, TargetError, UsageError } from '../../errors.js'
import { runFromRawPath } from '../../results/run-summaries.js'
import { buildPlan } from '../../run/build-plan.js'
import type { RunPlan, Target } from '../../types.js'
import { createTokenCounter, type TokenCounterSpec } from '../../workload/tokenizer.js'
import { printConfigNotices } from '../config-notices.js'
import {
  EXIT_INTERRUPTED,
  EXIT_OK,
  EXIT_TARGET_UNREACHABLE,
  EXIT_TERMINATED,
  EXIT_USAGE,
  type ExitCode,
} from '../exit-codes.js'
import type { Io } from '../io.js'
import { detectLang, type Lang } from '../lang.js'
import { type PrintedRun, runAndPrint } from '../run-and-print.js'
import { type RunExtension, worseExitCode } from '../run-extension.js'
import { type ExtensionFlags, runExtensions } from '../run-options/extensions.js'
import { humanIo, type OutputFlags, printRunOutcome } from '../run-options/output.js'
import { withUrlTargetModel } from '../url-target-model.js'

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

/** The target a run will use: the named one, else the first (resolveRun reports unknown names). */
function chosenTarget(config: LoadedConfig, name: string | undefined): Target | undefined {
  return name === undefined ? config.targets[0] : config.targets.find((target) => target.name === name)
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

/**
 * The run options that describe one run and so cannot apply to `--model all`'s several runs
 * (one run per model): refused before the target is asked, each saying why and what to do.
 * The others (--slo, --baseline, telemetry, prompt sources) apply to every model's run.
 */
function refuseWithAllModels(flags: RunFlags): void {
  if (flags.json === true) {
    throw new UsageError(
      "--json prints one run's summary as one JSON object; --model all makes one run per model, so there is no single object to print",
      {
        hint: 'read results/summary/<run>.json of each run (the report lists the runs), or run each model with --model NAME --json',
      },
    )
  }
  if (flags.junit !== undefined) {
    throw new UsageError(
      "--junit writes one run's verdicts to one file; with --model all each model's run would overwrite it",
      {
        hint: 'run each model with --model NAME --junit NAME.xml, or judge the runs afterwards: run-bench check RAW --slo … --junit FILE',
      },
    )
  }
  if (flags.shard !== undefined || flags.shards !== undefined) {
    throw new UsageError(
      `${flags.shard === undefined ? '--shards' : '--shard'} splits one run over several processes; --model all runs several models one after another`,
      { hint: "shard each model's run on its own: --model NAME --shard i/N" },
    )
  }
}

interface AllModelsArgs {
  config: LoadedConfig
  settled: SettledChoice
  targetName: string | undefined
  lang: Lang
  io: Io
  tokenCounter: () => Promise<((text: string) => number) | null>
  tokenizer: TokenCounterSpec
  probe: boolean
  /** The run extensions' flags (--slo, --baseline, telemetry, prompt sources): built once per model. */
  flags: RunFlags
}

/** Output held back until released: a model's plan-time lines print under its own heading. */
function heldIo(io: Io): { io: Io; release(): void } {
  let held: string[] | null = []
  return {
    io: {
      ...io,
      stdout: {
        write: (text: string) => (held === null ? io.stdout.write(text) : held.push(text)),
      },
    },
    release() {
      for (const text of held ?? []) io.stdout.write(text)
      held = null
    },
  }
}

/**
 * `--model all`: every model the target serves, one normal run each (own result files), then
 * one Markdown report over exactly these runs, whose by-workload comparison puts the models
 * side by side. Exit code: the worst of the runs; Ctrl-C (130) ends the sequence.
 */
async function runAllModels(args: AllModelsArgs): Promise<ExitCode> {
  const { config, settled, io, lang } = args
  const out = (line = '') => io.stdout.write(`${line}\n`)
  const target = chosenTarget(config, args.targetName)
  if (target === undefined) throw unknownTarget(config, args.targetName ?? '', settled.sources.target)
  const catalog = await gatherModelCatalog(requireKeyedTarget(target, io.env), { config, env: io.env })
  for (const note of catalog.notes) out(`Note: ${note}`)
  for (const warning of catalog.warnings) io.stderr.write(`Warning: ${warning}\n`)
  const entries = runnableEntries(catalog)
  if (entries.length === 0) {
    throw new UsageError(`Target "${target.name}" lists no models to benchmark (--model all)`, {
      hint: `See what was found with: run-bench models --target ${target.name}`,
    })
  }
  const extended = withCatalogModels(config, catalog)
  // Resolved up front, each model's extensions too (they keep per-run state: the source
  // built, the SLOs chosen): a bad flag, dataset or baseline fails before any load is sent.
  const plans: Array<{ plan: RunPlan; extensions: RunExtension[]; release: () => void }> = []
  for (const entry of entries) {
    const held = heldIo(io)
    const extensions = await runExtensions(args.flags, held.io)
    const resolved = buildPlan(
      resolveSettled(
        extended,
        { ...settled, choice: { ...settled.choice, target: target.name, model: entry.name } },
        io.env,
      ),
      io.cwd,
    )
    const plan = extensions.reduce((current, extension) => extension.plan?.(current) ?? current, resolved)
    plans.push({ plan, extensions, release: held.release })
  }
  out(
    `Benchmarking ${entries.length} model${entries.length === 1 ? '' : 's'} of target ${target.name} one after another: ${entries.map((entry) => entry.name).join(', ')}`,
  )
  const countTokens = await args.tokenCounter()
  let worst: ExitCode = EXIT_OK
  const raws: string[] = []
  for (const [index, { plan, extensions, release }] of plans.entries()) {
    out()
    out(`[${index + 1}/${plans.length}] ${plan.model.name}`)
    release()
    let exitCode: ExitCode
    try {
      const executed = await runAndPrint({
        plan,
        lang,
        io,
        countTokens,
        probe: args.probe,
        tokenizer: args.tokenizer,
        hooks: extensions.flatMap((extension) => extension.hooks?.(plan) ?? []),
        ...(args.flags.workers === undefined ? {} : { workers: args.flags.workers }),
      })
      raws.push(executed.paths.raw)
      exitCode = executed.exitCode
      // SLO verdicts, a baseline comparison, the prompt-source figures: as after a single run.
      for (const extension of extensions) {
        exitCode = worseExitCode(exitCode, (await extension.afterRun?.(executed, io))?.exitCode)
      }
    } catch (error) {
      // One model failing before its load (e.g. refused by the server) does not stop the others.
      if (!(error instanceof BenchError)) throw error
      io.stderr.write(`Error: ${plan.model.name}: ${error.message}\n`)
      if (error.hint !== undefined) io.stderr.write(`Hint: ${error.hint}\n`)
      exitCode = error.code === 'target' ? EXIT_TARGET_UNREACHABLE : EXIT_USAGE
    }
    worst = Math.max(worst, exitCode) as ExitCode
    if (exitCode === EXIT_INTERRUPTED || exitCode === EXIT_TERMINATED) {
      const left = plans.slice(index + 1).map((rest) => rest.plan.model.name)
      if (left.length > 0) out(`Interrupted: not run: ${left.join(', ')}`)
      break
    }
  }
  const outputDir = plans[0]?.plan.outputDir
  if (raws.length > 0 && outputDir !== undefined) {
    const { writeReports } = await import('../write-reports.js')
    const written = await writeReports({ outputDir, formats: ['md'], io, runs: raws.map(runFromRawPath) })
    out()
    out(`Comparison of ${raws.length} run${raws.length === 1 ? '' : 's'} (models side by side):`)
    for (const file of written) out(`  ${shownPath(io.cwd, file)}`)
  }
  return worst
}

function shownPath(cwd: string, path: string): string {
  const rel = relative(cwd, path)
  return rel.startsWith('..') ? path : rel
}
