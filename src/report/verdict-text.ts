// How SLO verdicts read in every renderer (terminal, Markdown, JUnit, step summary).
import type { SloReport, SloVerdict } from '../stats/slo.js'

function formatValue(value: number, unit: string): string {
  const digits = unit === 'ms' ? (Math.abs(value) >= 100 ? 0 : 1) : 2
  const spaced = unit === '%' ? '%' : ` ${unit}`
  return `${value.toFixed(digits)}${spaced}`
}

export function formatActual(verdict: SloVerdict): string {
  return verdict.actual === null ? 'n/a' : formatValue(verdict.actual, verdict.unit)
}

export function formatLimit(verdict: SloVerdict): string {
  return formatValue(verdict.limit, verdict.unit)
}

const STATUS_TEXT = { pass: 'pass', fail: 'FAIL', cannot_evaluate: 'cannot be evaluated' } as const

/** A Markdown table of the verdicts, with goodput and attainment when per-request bounds exist. */
export function renderSloMarkdown(report: SloReport): string {
  const lines = ['| SLO | actual | limit | margin | result |', '|---|---:|---:|---:|---|']
  for (const verdict of report.verdicts) {
    const margin = verdict.margin === null ? '—' : `${(verdict.margin * 100).toFixed(1)}%`
    const result =
      verdict.status === 'cannot_evaluate'
        ? `cannot be evaluated: ${verdict.reason}`
        : STATUS_TEXT[verdict.status]
    lines.push(
      `| \`${verdict.text}\` | ${formatActual(verdict)} | ${verdict.op} ${formatLimit(verdict)} | ${margin} | ${result} |`,
    )
  }
  if (report.goodput !== null) {
    const g = report.goodput
    lines.push(
      '',
      `Goodput: ${g.goodputReqPerSec.toFixed(2)} req/s, ${g.goodputTokPerSec.toFixed(1)} tok/s; attainment ${g.attainmentPct.toFixed(1)}% (${g.good} of ${g.judged} requests met every per-request bound)`,
    )
  }
  lines.push('', report.passed ? 'All SLOs passed.' : 'SLO check FAILED.')
  return lines.join('\n')
}
