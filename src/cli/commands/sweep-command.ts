// `run-bench sweep`: the capacity search of run/sweep.ts with real runs as its steps. Every
// step is executed like `run` (raw file, meta, summary), judged by stats/sweep-judge.ts, and
// the sweep ends in one report: the result with its uncertainty, the steps, the knee chart.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../../config/load-config.js'
import { resolveSettled } from '../../config/resolve-run.js'
import { settleChoice } from '../../config/run-overrides.js'
import { UsageError } from '../../errors.js'
import { renderSummaryCsv } from '../../report/csv.js'
import { renderChartPng } from '../../report/png.js'
import {
  describeOutcome,
  renderSweepMarkdown,
  type SweepAxis,
  sweepKneeChart,
} from '../../report/sweep-report.js'
import { fileStamp } from '../../results/result-paths.js'
import { buildPlan } from '../../run/build-plan.js'
import { executeRun } from '../../run/execute-run.js'
import { type SweepResult, sweep } from '../../run/sweep.js'
import { createStepJudge, type StepData, type StepJudgement } from '../../stats/sweep-judge.js'
import type { RequestRecord, RunPlan, ServerCapabilities } from '../../types.js'
import { createTokenCounter } from '../../workload/tokenizer.js'
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_SLO_FAILED, type ExitCode } from '../exit-codes.js'
import { chooseSlos, parsePercent, shownPath } from '../gate-check.js'
import type { Io } from '../io.js'
import { choiceFromFlags, type RunFlags, resolveConfigDir } from './run.js'
import type { SweepFlags } from './sweep.js'

const DEFAULT_RATE_RANGE = '1:200'

class SweepInterrupted extends Error {}

export async function sweepCommand(flags: SweepFlags, io: Io): Promise<ExitCode> {
  const out = (line = '') => io.stdout.write(`${line}\n`)
  if (flags.rateRange !== undefined && flags.concurrencyRange !== undefined) {
    throw new UsageError('--rate-range and --concurrency-range exclude each other', {
      hint: 'sweep the request rate (open loop) or the concurrency (closed loop), one at a time',
    })
  }
  const axis: SweepAxis = flags.concurrencyRange === undefined ? 'rate' : 'concurrency'
  const range =
    axis === 'rate'
      ? parseRange(flags.rateRange ?? DEFAULT_RATE_RANGE, '--rate-range', false)
      : parseRange(flags.concurrencyRange as string, '--concurrency-range', true)
  const attainmentPct = parsePercent(flags.attainment, '--attainment')
  const tolerance = parsePercent(flags.tolerance, '--tolerance') / 100
  const maxSteps = flags.maxSteps ?? 8
  if (maxSteps < 1) throw new UsageError(`--max-steps must be >= 1 (got ${maxSteps})`)

  const config = loadConfig({ configDir: resolveConfigDir(io, flags.configDir), env: io.env })
  const settled = settleChoice(choiceFromFlags(flags as RunFlags, io), io.env)
  const base = buildPlan(resolveSettled(config, settled, io.env), io.cwd)
  const slos = chooseSlos(flags.slo, base.workload.slo, base.workload.name)
  if (slos.set === null) {
    throw new UsageError('sweep needs an SLO to search against', {
      hint: "e.g. --slo 'ttft_p99<=500ms' --slo 'success_rate>=99%', or slo: in the workload",
    })
  }
  const judge = createStepJudge(slos.set, slos.set.requestBounds.length > 0 ? attainmentPct : null) as (
    step: StepData,
  ) => StepJudgement

  const length =
    base.workload.durationSec === undefined
      ? `${base.workload.requests} requests`
      : `${base.workload.durationSec} s`
  out(
    `Sweep: ${axis === 'rate' ? 'request rate' : 'concurrency'} ${range.min}..${range.max} against ${base.target.name} / ${base.model.fullName}, workload ${base.workload.name}; steps of ${length}, at most ${maxSteps}`,
  )
  out(
    `SLO: ${slos.texts.join(', ')}${slos.set.requestBounds.length > 0 ? `; attainment >= ${attainmentPct}%` : ''}`,
  )

  const interrupt = new AbortController()
  const unsubscribe = io.onSignal((signal) => interrupt.abort(`interrupted by ${signal}`))
  const countTokens = await createTokenCounter({ kind: 'default' })
  let capabilities: ServerCapabilities | null = null
  const raws: string[] = []
  const runStep = async (value: number, index: number): Promise<StepData> => {
    const plan = stepPlan(base, axis, value)
    const records: RequestRecord[] = []
    const executed = await executeRun({
      plan,
      countTokens,
      renderSummaryCsv,
      signal: interrupt.signal,
      interruptGraceMs: 3000,
      probe: flags.probe !== false,
      ...(capabilities === null ? {} : { capabilities }),
      hooks: [{ name: 'sweep', onRecord: (record) => records.push(record) }],
    })
    // Probed once: the server does not change its capabilities between steps.
    capabilities ??= executed.meta.capabilities
    raws.push(executed.paths.raw)
    if (executed.result.interruptedBy !== null) throw new SweepInterrupted(executed.result.interruptedBy)
    const step: StepData = { summary: executed.summary, records }
    const judged = judge(step)
    const ttftP99 = step.summary.ttftMs?.p99
    out(
      `  step ${index + 1}: ${value} ${axis === 'rate' ? 'req/s' : 'in flight'} → served ${judged.achievedPerSec.toFixed(1)} req/s, TTFT p99 ${ttftP99 === undefined ? '—' : `${ttftP99.toFixed(1)} ms`}, margin ${(judged.margin * 100).toFixed(1)}%: ${judged.pass ? 'pass' : 'fail'}${judged.saturated ? ' (saturated)' : ''}  [${shownPath(io.cwd, executed.paths.raw)}]`,
    )
    return step
  }

  let result: SweepResult<StepData>
  try {
    result = await sweep({
      runStep,
      judge,
      minRate: range.min,
      maxRate: range.max,
      // Bracketing in at most ~3 steps however wide the range: the rest of the budget goes to
      // the edge. A saturated step's served rate then estimates the capacity directly.
      growth: Math.max(2, Math.cbrt(range.max / range.min)),
      tolerance,
      maxSteps,
      decimals: axis === 'rate' ? 1 : 0,
      sweepsRate: axis === 'rate',
    })
  } catch (error) {
    if (!(error instanceof SweepInterrupted)) throw error
    out(`Interrupted (${error.message}) after ${raws.length} steps; their raw files are kept.`)
    return EXIT_INTERRUPTED
  } finally {
    unsubscribe()
  }

  out()
  out(describeOutcome(result.outcome, axis))
  const written = writeSweepReport(base.outputDir, result, slos.texts, slos.set, axis)
  out()
  out('Sweep report:')
  for (const file of written) out(`  ${shownPath(io.cwd, file)}`)
  return result.outcome.kind === 'no_capacity' ? EXIT_SLO_FAILED : EXIT_OK
}

/** `1:200` → { min 1, max 200 }; a concurrency range is whole numbers. */
function parseRange(text: string, flag: string, whole: boolean): { min: number; max: number } {
  const match = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(text)
  const min = Number(match?.[1])
  const max = Number(match?.[2])
  const ok =
    match !== null && min > 0 && max >= min && (!whole || (Number.isInteger(min) && Number.isInteger(max)))
  if (!ok) {
    throw new UsageError(
      `${flag} ${text}: expected MIN:MAX with 0 < MIN <= MAX${whole ? ', whole numbers' : ''}`,
      {
        hint: `e.g. ${flag} ${whole ? '1:256' : '1:200'}`,
      },
    )
  }
  return { min, max }
}

/** The workload of one step: open loop at `value` req/s, or a closed loop of `value` workers. */
function stepPlan(base: RunPlan, axis: SweepAxis, value: number): RunPlan {
  const workload = { ...base.workload }
  if (axis === 'rate') workload.rps = value
  else {
    delete workload.rps
    workload.concurrency = value
  }
  return { ...base, workload }
}

function writeSweepReport(
  outputDir: string,
  result: SweepResult<StepData>,
  sloTexts: readonly string[],
  slos: Parameters<typeof sweepKneeChart>[1],
  axis: SweepAxis,
): string[] {
  const dir = join(outputDir, 'reports')
  const stamp = fileStamp(new Date())
  mkdirSync(join(dir, 'charts'), { recursive: true })
  const chartFile = join(dir, 'charts', `sweep-knee_${stamp}.png`)
  writeFileSync(chartFile, renderChartPng(sweepKneeChart(result, slos, axis)))
  const markdown = [
    renderSweepMarkdown(result, sloTexts, axis),
    '',
    `![Knee: latency and served throughput by offered ${axis}](charts/sweep-knee_${stamp}.png)`,
    '',
  ].join('\n')
  const reportFile = join(dir, `sweep_${stamp}.md`)
  writeFileSync(reportFile, markdown)
  return [reportFile, chartFile]
}
