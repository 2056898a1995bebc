// The gate that `run --slo/--baseline` and `check` share: stored runs loaded as one sample,
// SLOs evaluated, the baseline compared, the verdicts printed and written (JUnit, --json),
// and the exit code they lead to (4: an SLO failed, 5: a regression). The math lives in
// stats/, the wording in report/; this file only wires them to files and the terminal.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, relative } from 'node:path'
import { UsageError } from '../errors.js'
import { renderRegressionText, renderSloText } from '../report/verdict-text.js'
import { runFromRawPath, summaryInfoOf } from '../results/run-summaries.js'
import { type LoadedRuns, loadRuns } from '../run/run-files.js'
import { checkRegression, DEFAULT_REGRESSION_TOLERANCE, type RegressionReport } from '../stats/regression.js'
import { evaluateSlos, type SloReport } from '../stats/slo.js'
import { parseSlos, type SloSet } from '../stats/slo-spec.js'
import { summarize } from '../stats/summarize.js'
import { gateExitCode } from '../stats/verdict-codes.js'
import type { RequestRecord, RunMeta, Summary } from '../types.js'
import type { OutputStream } from './io.js'

/** One run, or a group of runs pooled, with the summary of all their records. */
export interface StoredRun {
  label: string
  files: string[]
  records: RequestRecord[]
  summary: Summary
  meta: RunMeta | null
}

export interface GateOutcome {
  slo: SloReport | null
  /** The SLO texts judged and where they came from (--slo, or the workload's slo:). */
  sloTexts: string[]
  sloSource: string | null
  regression: RegressionReport | null
  baselineLabel: string | null
  exitCode: 0 | 4 | 5
}

/** `10%` → 10. Percentages are written with their sign, so `0.1` (10%? 0.1%?) is refused. */
export function parsePercent(value: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value)
  const parsed = match === null ? Number.NaN : Number(match[1])
  if (!Number.isFinite(parsed) || parsed > 100) {
    throw new UsageError(`${flag} takes a percentage up to 100% (got ${JSON.stringify(value)})`, {
      hint: `write it with its unit, e.g. ${flag} 10%`,
    })
  }
  return parsed
}

/** The regression tolerance as a fraction (10% → 0.1), default 10%. */
export function regressionTolerance(flag: string | undefined): number {
  return flag === undefined
    ? DEFAULT_REGRESSION_TOLERANCE
    : parsePercent(flag, '--regression-tolerance') / 100
}

/** Raw files (FILE or DIR arguments) loaded as one sample; torn lines are warned about. */
export async function loadStoredRun(
  paths: readonly string[],
  flag: string,
  warn: OutputStream,
  cwd: string,
): Promise<StoredRun> {
  const loaded: LoadedRuns = await loadRuns(paths, flag)
  for (const skip of loaded.skipped) {
    warn.write(`Warning: ${skip.file}:${skip.line}: skipped, ${skip.reason}\n`)
  }
  const first = runFromRawPath(loaded.files[0] as string)
  const info = summaryInfoOf(first, loaded.records[0]?.model ?? null)
  const label =
    loaded.files.length === 1
      ? first.runId
      : `${loaded.files.length} runs in ${paths.map((path) => shownPath(cwd, path)).join(', ')}`
  return {
    label,
    files: loaded.files,
    records: loaded.records,
    summary: summarize(loaded.records, { ...info, runId: label }),
    meta: loaded.meta,
  }
}

/**
 * The SLOs to judge: the --slo flags when given, else the workload's `slo:` (from the plan,
 * or a stored run's meta). Parsed here so a bad text fails before any load is sent.
 */
export function chooseSlos(
  flagTexts: readonly string[] | undefined,
  workloadTexts: readonly string[] | undefined,
  workloadName: string | undefined,
): { texts: string[]; source: string | null; set: SloSet | null } {
  if (flagTexts !== undefined && flagTexts.length > 0) {
    return { texts: [...flagTexts], source: '--slo', set: parseSlos(flagTexts, '--slo') }
  }
  if (workloadTexts !== undefined && workloadTexts.length > 0) {
    const source = `workloads.yaml: workload ${workloadName ?? '?'}: slo`
    return { texts: [...workloadTexts], source, set: parseSlos(workloadTexts, source) }
  }
  return { texts: [], source: null, set: null }
}

export interface JudgeOptions {
  slos: { texts: string[]; source: string | null; set: SloSet | null }
  baseline: StoredRun | null
  tolerance: number
  force: boolean
}

export function judgeGates(run: StoredRun, options: JudgeOptions): GateOutcome {
  const slo = options.slos.set === null ? null : evaluateSlos(options.slos.set, run.records, run.summary)
  const regression =
    options.baseline === null
      ? null
      : checkRegression(
          { summary: options.baseline.summary, records: options.baseline.records },
          { summary: run.summary, records: run.records },
          { tolerance: options.tolerance, force: options.force },
        )
  return {
    slo,
    sloTexts: options.slos.texts,
    sloSource: options.slos.source,
    regression,
    baselineLabel: options.baseline?.label ?? null,
    // A baseline that could not be compared (refused) is no regression: callers refuse it first.
    exitCode: gateExitCode(slo?.passed ?? true, !(regression?.regressed ?? false)),
  }
}

/** The verdicts for the terminal. */
export function printGate(outcome: GateOutcome, out: OutputStream): void {
  if (outcome.slo !== null) {
    out.write(`\n${renderSloText(outcome.slo)}\n`)
    const onlyBounds = outcome.slo.verdicts.length === 0 && outcome.slo.goodput !== null
    if (onlyBounds) {
      out.write(
        "Note: per-request bounds give goodput and attainment; gate on them with e.g. --slo 'attainment>=95%'\n",
      )
    }
  }
  if (outcome.regression !== null) {
    out.write(`\n${renderRegressionText(outcome.regression, outcome.baselineLabel ?? 'baseline')}\n`)
  }
  if (outcome.exitCode !== 0) {
    out.write(
      outcome.exitCode === 4
        ? `Exit ${outcome.exitCode}: an SLO failed or could not be evaluated\n`
        : `Exit ${outcome.exitCode}: regression against the baseline\n`,
    )
  }
}

/** The --json fields: every verdict, goodput, and the baseline verdicts. */
export function gateJson(outcome: GateOutcome): Record<string, unknown> {
  const json: Record<string, unknown> = {}
  if (outcome.slo !== null) {
    json.slo = outcome.slo.verdicts
    json.goodput = outcome.slo.goodput
    json.sloPassed = outcome.slo.passed
  }
  if (outcome.regression !== null) {
    json.regression = {
      baseline: outcome.baselineLabel,
      refused: outcome.regression.refused,
      regressed: outcome.regression.regressed,
      verdicts: outcome.regression.verdicts,
    }
  }
  json.gateExitCode = outcome.exitCode
  return json
}

export async function writeJunitFile(path: string, runId: string, outcome: GateOutcome): Promise<void> {
  // junit-report-builder costs ~170 ms of CPU to load: only a run or check with --junit pays it.
  const { renderJunit } = await import('../report/junit.js')
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(
    path,
    renderJunit({
      runId,
      verdicts: outcome.slo?.verdicts ?? [],
      ...(outcome.regression === null ? {} : { regressions: outcome.regression.verdicts }),
    }),
  )
}

export function shownPath(cwd: string, path: string): string {
  const rel = relative(cwd, path)
  return rel.startsWith('..') || rel === '' ? path : rel
}
