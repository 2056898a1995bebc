// `run-bench check RAW…`: the gate of `run --slo/--baseline` applied to runs already on disk.
import { resolve } from 'node:path'
import { UsageError } from '../../errors.js'
import { renderGateMarkdown } from '../../report/gate-summary.js'
import type { ExitCode } from '../exit-codes.js'
import {
  chooseSlos,
  gateJson,
  judgeGates,
  loadStoredRun,
  printGate,
  regressionTolerance,
  shownPath,
  writeJunitFile,
} from '../gate-check.js'
import type { Io } from '../io.js'
import type { CheckFlags } from './check.js'

export async function checkCommand(raw: string[], flags: CheckFlags, io: Io): Promise<ExitCode> {
  const tolerance = regressionTolerance(flags.regressionTolerance)
  const run = await loadStoredRun(
    raw.map((path) => resolve(io.cwd, path)),
    'check',
    io.stderr,
    io.cwd,
  )
  const workload = run.meta?.plan.workload
  const slos = chooseSlos(flags.slo, workload?.slo, workload?.name)
  const baseline =
    flags.baseline === undefined
      ? null
      : await loadStoredRun([resolve(io.cwd, flags.baseline)], '--baseline', io.stderr, io.cwd)
  if (slos.set === null && baseline === null) {
    throw new UsageError(
      `Nothing to check in ${raw.join(' ')}: no --slo, no --baseline, and the run's workload has no slo:`,
      {
        hint: "give an SLO, e.g. --slo 'ttft_p99<=500ms', or --baseline <results folder>",
      },
    )
  }
  const outcome = judgeGates(run, { slos, baseline, tolerance, force: flags.force === true })
  if (outcome.regression?.refused != null) {
    throw new UsageError(`--baseline ${flags.baseline}: ${outcome.regression.refused}`, {
      hint: 'compare runs of the same workload and model, or add --force to compare anyway',
    })
  }
  if (flags.junit !== undefined) await writeJunitFile(resolve(io.cwd, flags.junit), run.label, outcome)
  if (flags.json === true) {
    io.stdout.write(
      `${JSON.stringify({ run: run.label, files: run.files, ...gateJson(outcome) }, null, 2)}\n`,
    )
  } else if (flags.format === 'markdown') {
    const gate = renderGateMarkdown({
      runLabel: run.label,
      slo: outcome.slo,
      regression: outcome.regression,
      ...(outcome.baselineLabel === null ? {} : { baselineLabel: outcome.baselineLabel }),
    })
    io.stdout.write(`${gate}\n`)
  } else {
    const requests = run.summary.requests
    io.stdout.write(
      `Checked ${run.label}: ${requests.total} requests, ${requests.ok} ok${slos.source === null ? '' : `; SLOs from ${slos.source}`}\n`,
    )
    printGate(outcome, io.stdout)
    if (outcome.exitCode === 0) io.stdout.write('Every gate passed.\n')
  }
  if (flags.junit !== undefined && flags.json !== true && flags.format !== 'markdown') {
    io.stdout.write(`JUnit: ${shownPath(io.cwd, resolve(io.cwd, flags.junit))}\n`)
  }
  return outcome.exitCode
}
