// Baseline regression gate: a metric regresses when the run is worse than the baseline by
// more than its tolerance (relative, default 10%) AND the block-bootstrap comparison calls it
// "worse" (its interval excludes 0). Both are required: tolerance alone fails builds on noise
// in short runs; significance alone fails them on real but negligible shifts.
import { type Comparison, compareRuns, type MetricComparison, type RunSample } from './compare.js'

export const DEFAULT_REGRESSION_TOLERANCE = 0.1

export interface RegressionVerdict {
  metric: string
  label: string
  baseline: number | null
  actual: number | null
  /** Relative change in the bad direction (positive = worse), or null when not comparable. */
  worsening: number | null
  tolerance: number
  regressed: boolean
}

export interface RegressionReport {
  refused: string | null
  verdicts: RegressionVerdict[]
  regressed: boolean
  comparison: Comparison
}

export interface RegressionOptions {
  /** Default relative tolerance (0.1 = 10%). */
  tolerance?: number
  /** Per-metric tolerances by comparison id (e.g. ttft_p99: 0.2). */
  tolerances?: Record<string, number>
  force?: boolean
  resamples?: number
  seed?: number
}

const HIGHER_IS_BETTER = new Set(['tokens_per_sec_mean', 'success_rate', 'throughput'])

export function checkRegression(
  baseline: RunSample,
  run: RunSample,
  options: RegressionOptions = {},
): RegressionReport {
  const comparison = compareRuns(baseline, run, options)
  const verdicts = comparison.metrics.map((metric) => judgeMetric(metric, options))
  return {
    refused: comparison.refused,
    verdicts,
    regressed: verdicts.some((verdict) => verdict.regressed),
    comparison,
  }
}

function judgeMetric(metric: MetricComparison, options: RegressionOptions): RegressionVerdict {
  const tolerance = options.tolerances?.[metric.id] ?? options.tolerance ?? DEFAULT_REGRESSION_TOLERANCE
  const worsening =
    metric.relative === null ? null : HIGHER_IS_BETTER.has(metric.id) ? -metric.relative : metric.relative
  return {
    metric: metric.id,
    label: metric.label,
    baseline: metric.a,
    actual: metric.b,
    worsening,
    tolerance,
    regressed: metric.verdict === 'worse' && worsening !== null && worsening > tolerance,
  }
}
