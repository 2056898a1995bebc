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
      achievedPerSec: step.summary.requestThroughputPerSec,
      report,
    }
  }
}
