// The capacity sweep's report: the result with its uncertainty, the steps taken (every step is
// a full run with its own raw file), and the knee chart (offered rate → latency percentiles and
// achieved throughput, with the SLO limits and the capacity drawn).
import type { SweepOutcome, SweepResult } from '../run/sweep.js'
import type { SloSet } from '../stats/slo-spec.js'
import type { StepData, StepJudgement } from '../stats/sweep-judge.js'
import type { ChartDefinition, JsonValue } from './charts.js'

export type SweepAxis = 'rate' | 'concurrency'
type SweepSteps = SweepResult<StepData>['steps']

const AXIS_UNIT: Record<SweepAxis, string> = { rate: 'req/s', concurrency: 'in flight' }

export function describeOutcome(outcome: SweepOutcome, axis: SweepAxis): string {
  const unit = AXIS_UNIT[axis]
  switch (outcome.kind) {
    case 'capacity': {
      const halfWidthPct = ((outcome.high - outcome.low) / (outcome.high + outcome.low)) * 100
      const note = outcome.converged ? '' : ' (step budget spent before ±5%)'
      return `Capacity under this SLO: ${outcome.capacity} ${unit} (±${halfWidthPct.toFixed(1)}%: passes at ${outcome.low}, fails at ${outcome.high})${note}`
    }
    case 'no_capacity':
      return `No capacity under this SLO: even ${outcome.bestRate} ${unit} fails (best margin ${(outcome.bestMargin * 100).toFixed(1)}%)`
    case 'at_least':
      return `Capacity is at least ${outcome.rate} ${unit}: the highest step of the range passed`
  }
}

export function renderSweepMarkdown(
  result: SweepResult<StepData>,
  slos: readonly string[],
  axis: SweepAxis = 'rate',
): string {
  const unit = AXIS_UNIT[axis]
  const lines = [
    '## Capacity sweep',
    '',
    `SLO: ${slos.map((slo) => `\`${slo}\``).join(', ')}`,
    '',
    `**${describeOutcome(result.outcome, axis)}** in ${result.steps.length} steps.`,
    '',
    `| step | ${axis} (${unit}) | served (req/s) | TTFT p50 (ms) | TTFT p99 (ms) | success | margin | result | run |`,
    '|---:|---:|---:|---:|---:|---:|---:|---|---|',
  ]
  for (const step of result.steps) {
    const summary = step.result.summary
    const judgement = step.judgement as StepJudgement
    const verdict = `${judgement.pass ? 'pass' : 'fail'}${judgement.saturated ? ', saturated' : ''}${step.repeated ? ', repeat' : ''}`
    lines.push(
      `| ${step.index + 1} | ${step.rate} | ${judgement.achievedPerSec.toFixed(1)} | ${fixed(summary.ttftMs?.p50, 1)} | ${fixed(summary.ttftMs?.p99, 1)} | ${(summary.successRate * 100).toFixed(1)}% | ${(judgement.margin * 100).toFixed(1)}% | ${verdict} | ${summary.runId} |`,
    )
  }
  lines.push(
    '',
    'Served: completions per second between the first and the last completion of the step. Margin: headroom to the tightest SLO. Saturated: the wait (queue + TTFT) of the last third of the step exceeded the first third by more than max(20 ms, the first).',
  )
  return lines.join('\n')
}

function fixed(value: number | undefined, digits: number): string {
  return value === undefined ? '—' : value.toFixed(digits)
}

/** The knee chart: latency percentiles (left axis) and achieved throughput (right) per step. */
export function sweepKneeChart(
  result: SweepResult<StepData>,
  slos: SloSet,
  axis: SweepAxis = 'rate',
): ChartDefinition {
  const steps: SweepSteps = [...result.steps].sort((left, right) => left.rate - right.rate)
  const point = (pick: (data: StepData) => number | undefined): JsonValue[] =>
    steps.map((step) => [step.rate, pick(step.result) ?? null])
  const ttftLimits = slos.thresholds.filter((t) => t.metric.startsWith('ttft_') && t.unit === 'ms')
  const capacity = result.outcome.kind === 'capacity' ? result.outcome.capacity : null
  const markLines: JsonValue[] = ttftLimits.map((t) => ({ yAxis: t.limit, name: t.text }))
  if (capacity !== null) markLines.push({ xAxis: capacity, name: `capacity ${capacity}` })
  return {
    id: 'sweep-knee',
    title: `Latency and throughput by offered ${axis}`,
    option: {
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 24 },
      xAxis: { type: 'value', name: `${axis} (${AXIS_UNIT[axis]})` },
      yAxis: [
        { type: 'value', name: 'TTFT (ms)' },
        { type: 'value', name: 'served (req/s)' },
      ],
      series: [
        {
          name: 'TTFT p50',
          type: 'line',
          data: point((data) => data.summary.ttftMs?.p50),
          markLine: { symbol: 'none', lineStyle: { type: 'dashed', color: '#cf222e' }, data: markLines },
        },
        { name: 'TTFT p95', type: 'line', data: point((data) => data.summary.ttftMs?.p95) },
        { name: 'TTFT p99', type: 'line', data: point((data) => data.summary.ttftMs?.p99) },
        {
          name: 'served req/s',
          type: 'line',
          yAxisIndex: 1,
          data: steps.map((step) => [step.rate, step.judgement.achievedPerSec]),
        },
      ],
    },
  }
}
