// `run --model all`: every model a target serves, one normal run each, then one comparison
// report (split from run.ts, which handles one run).
import { relative } from 'node:path'
import { requireKeyedTarget } from '../../config/api-key.js'
import { chosenTarget } from '../../config/chosen-target.js'
import type { LoadedConfig } from '../../config/load-config.js'
import { resolveSettled, unknownTarget } from '../../config/resolve-run.js'
import type { SettledChoice } from '../../config/run-overrides.js'
import { gatherModelCatalog, runnableEntries, withCatalogModels } from '../../discovery/model-catalog.js'
import { BenchError, UsageError } from '../../errors.js'
import { runFromRawPath } from '../../results/run-summaries.js'
import { buildPlan } from '../../run/build-plan.js'
import type { RunPlan } from '../../types.js'
import type { TokenCounterSpec } from '../../workload/tokenizer.js'
import {
  EXIT_INTERRUPTED,
  EXIT_OK,
  EXIT_TARGET_UNREACHABLE,
  EXIT_TERMINATED,
  EXIT_USAGE,
  type ExitCode,
} from '../exit-codes.js'
import type { Io } from '../io.js'
import type { Lang } from '../lang.js'
import { runAndPrint } from '../run-and-print.js'
import { type RunExtension, worseExitCode } from '../run-extension.js'
import { runExtensions } from '../run-options/extensions.js'
import type { RunFlags } from './run.js'

/**
 * The run options that describe one run and so cannot apply to `--model all`'s several runs
 * (one run per model): refused before the target is asked, each saying why and what to do.
 * The others (--slo, --baseline, telemetry, prompt sources) apply to every model's run.
 */
export function refuseWithAllModels(flags: RunFlags): void {
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

export interface AllModelsArgs {
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
export async function runAllModels(args: AllModelsArgs): Promise<ExitCode> {
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
