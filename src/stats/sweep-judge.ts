// Judges one sweep step against an SLO set: the step passes when every run-level threshold
// passes, the attainment (share of good requests) reaches its target, and the step is not
// over-saturated. The margin is the tightest headroom of them all, which the capacity search
// interpolates on.
import type { RequestRecord, Summary } from '../types.js'
import { detectSaturation } from './saturation.js'
import { evaluateSlos, type SloReport } from './slo.js'
import type { SloSet } from './slo-spec.js'

export interface StepData {
  summary: Summary
  records: readonly RequestRecord[]
}

export interface StepJudgement {
  pass: boolean
  margin: number
  saturated: boolean
  achievedPerSec: number
  report: SloReport
}

/** `attainmentPct` applies when the set has per-request bounds (e.g. 90 = 90% good). */
export function createStepJudge(
  set: SloSet,
  attainmentPct: number | null,
): (step: StepData) => StepJudgement {
  return (step) => {
    const report = evaluateSlos(set, step.records, step.summary)
    const margins: number[] = []
    let pass = true
    for (const verdict of report.verdicts) {
      if (verdict.status !== 'pass') pass = false
      // A verdict without data has no headroom to interpolate on: treat it as just failing.
      margins.push(verdict.margin ?? -1)
    }
    if (report.goodput !== null && attainmentPct !== null) {
      const margin = (report.goodput.attainmentPct - attainmentPct) / attainmentPct
      if (margin < 0) pass = false
      margins.push(margin)
    }
    const saturation = detectSaturation(step.records)
    const saturated = saturation?.saturated ?? false
    if (saturated) pass = false
    if (step.summary.requests.ok === 0) pass = false
    const margin = margins.length === 0 ? (pass ? 1 : -1) : Math.min(...margins)
    return {
      pass,
      margin: saturated ? Math.min(margin, -0.01) : margin,
      saturated,
      achievedPerSec: completionRatePerSec(step.records) ?? step.summary.requestThroughputPerSec,
      report,
    }
  }
}

/**
 * Successful completions per second between the first and the last completion: (ok − 1) /
 * (last end − first end). In a saturated step the server is busy throughout that span, so this
 * is its service rate; the whole window (first send → last end) would dilute it with the
 * ramp-up before the first answer.
 */
export function completionRatePerSec(records: readonly RequestRecord[]): number | null {
  let ok = 0
  let firstEndMs = Number.POSITIVE_INFINITY
  let lastEndMs = Number.NEGATIVE_INFINITY
  for (const record of records) {
    if (record.outcome !== 'ok') continue
    ok++
    firstEndMs = Math.min(firstEndMs, record.ended_at_ms)
    lastEndMs = Math.max(lastEndMs, record.ended_at_ms)
  }
  if (ok < 2 || lastEndMs <= firstEndMs) return null
  return ((ok - 1) / (lastEndMs - firstEndMs)) * 1000
}
