// `run` flags of the gates (issue 15): --slo, --junit, --baseline, --regression-tolerance.
// The finished run is judged from its raw file (the same records `check` would read later),
// so `run --slo X` and `check RAW --slo X` always agree.
import { resolve } from 'node:path'
import { type Command, Option, type OptionValues } from '@commander-js/extra-typings'
import { UsageError } from '../../errors.js'
import { DEFAULT_REGRESSION_TOLERANCE } from '../../stats/regression.js'
import type { chooseSlos, StoredRun } from '../gate-check.js'
import type { Io } from '../io.js'
import type { RunExtension } from '../run-extension.js'

export type GateFlags = {
  slo?: string[]
  junit?: string
  baseline?: string
  regressionTolerance?: string
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value]
}

export const SLO_HELP =
  "SLO to judge the run by (repeatable): a run-level threshold such as ttft_p99<=500ms, success_rate>=99%, goodput>=5req/s, or per-request bounds such as 'ttft<=500ms,tpot<=50ms' (good requests give goodput and attainment); default: the workload's slo: in workloads.yaml; exit 4 when one fails"

export const SLO_HELP_AFTER = `
SLO metrics (a unit is required: ms or s, %, req/s, tok/s):
  per request (a request is good when it meets every bound): ttft ttfb ttfo tpot e2e queue
  run-level: ttft|ttfb|ttfo|tpot|e2e|itl|queue _p50 _p90 _p95 _p99 _mean _min _max,
    tokens_per_sec _p50 _p10 _p5 _p1 _mean, success_rate, attainment, goodput,
    goodput_tokens, throughput, output_throughput
Exit codes: 0 ok · 1 no request succeeded · 2 usage/config · 3 target unreachable ·
  4 an SLO failed or could not be evaluated · 5 regression against the baseline ·
  130 interrupted`

export function addGateOptions<Args extends unknown[], Opts extends OptionValues>(
  command: Command<Args, Opts>,
) {
  return (
    command
      .addHelpText('after', SLO_HELP_AFTER)
      .option('--slo <expr>', SLO_HELP, collect)
      .option('--junit <file>', 'write the SLO and baseline verdicts as JUnit XML (one testcase each)')
      .option(
        '--baseline <dir|file>',
        `compare with a stored run (raw .jsonl, or a results folder); exit 5 when a metric is worse by more than --regression-tolerance PCT (default ${DEFAULT_REGRESSION_TOLERANCE * 100}%)`,
      )
      // Described in --baseline's line: its name is wider than the options column of `run --help`.
      .addOption(new Option('--regression-tolerance <pct>').hideHelp())
  )
}

export async function gateExtension(flags: GateFlags, io: Io): Promise<RunExtension | null> {
  // Loaded when a run is built, not when the program is (`--version` and `--help` stay light).
  const [
    { chooseSlos, gateJson, judgeGates, loadStoredRun, printGate, regressionTolerance, writeJunitFile },
    { incomparability },
  ] = await Promise.all([import('../gate-check.js'), import('../../stats/compare.js')])
  const tolerance = regressionTolerance(flags.regressionTolerance)
  // Loaded before the load is sent: a wrong path fails now, not after a 5-minute run.
  const baseline: StoredRun | null =
    flags.baseline === undefined
      ? null
      : await loadStoredRun([resolve(io.cwd, flags.baseline)], '--baseline', io.stderr, io.cwd)
  let slos: ReturnType<typeof chooseSlos> = { texts: [], source: null, set: null }
  return {
    name: 'gates',
    plan(plan) {
      slos = chooseSlos(flags.slo, plan.workload.slo, plan.workload.name)
      if (baseline !== null) {
        const reason = incomparability(baseline.summary, {
          ...baseline.summary,
          workload: plan.workload.name,
          model: plan.model.fullName,
        })
        if (reason !== null) {
          throw new UsageError(`--baseline ${flags.baseline}: ${reason}`, {
            hint: 'compare runs of the same workload and model; pick the baseline of this workload',
          })
        }
      }
      return plan
    },
    async afterRun(run, runIo) {
      if (slos.set === null && baseline === null && flags.junit === undefined) return {}
      const judged = await loadStoredRun([run.paths.raw], 'run', runIo.stderr, runIo.cwd)
      // The summary the run printed (with its meta's names and window) is the one judged.
      const outcome = judgeGates(
        { ...judged, summary: run.summary },
        { slos, baseline, tolerance, force: false },
      )
      printGate(outcome, runIo.stdout)
      if (flags.junit !== undefined) {
        const path = resolve(runIo.cwd, flags.junit)
        await writeJunitFile(path, run.paths.runId, outcome)
        runIo.stdout.write(`JUnit: ${flags.junit}\n`)
      }
      return { exitCode: outcome.exitCode, json: gateJson(outcome) }
    },
  }
}
