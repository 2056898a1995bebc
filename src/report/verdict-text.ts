// How SLO verdicts read in every renderer (terminal, Markdown, JUnit, step summary).
import type { RegressionReport } from '../stats/regression.js'
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

const TERMINAL_STATUS = { pass: 'pass', fail: 'FAIL', cannot_evaluate: 'n/a ' } as const

/** The verdicts for the terminal: one line each, then goodput and the overall result. */
export function renderSloText(report: SloReport): string {
  const lines = ['SLOs:']
  const width = Math.max(...report.verdicts.map((verdict) => verdict.text.length), 0)
  for (const verdict of report.verdicts) {
    const head = `  ${TERMINAL_STATUS[verdict.status]}  ${verdict.text.padEnd(width)}`
    if (verdict.status === 'cannot_evaluate') {
      lines.push(`${head}  cannot be evaluated: ${verdict.reason ?? 'no data'}`)
      continue
    }
    const margin = verdict.margin === null ? '' : `, margin ${(verdict.margin * 100).toFixed(1)}%`
    lines.push(
      `${head}  actual ${formatActual(verdict)} (limit ${verdict.op} ${formatLimit(verdict)}${margin})`,
    )
  }
  if (report.goodput !== null) {
    const g = report.goodput
    lines.push(
      `  goodput ${g.goodputReqPerSec.toFixed(2)} req/s, ${g.goodputTokPerSec.toFixed(1)} tok/s; attainment ${g.attainmentPct.toFixed(1)}% (${g.good} of ${g.judged} requests met every per-request bound)`,
    )
  }
  lines.push(report.passed ? 'All SLOs passed.' : 'SLO check FAILED.')
  return lines.join('\n')
}

/** The baseline verdicts for the terminal: the regressions, or that there were none. */
export function renderRegressionText(report: RegressionReport, baselineLabel: string): string {
  if (report.refused !== null) return `Baseline ${baselineLabel}: ${report.refused}; not compared.`
  const regressed = report.verdicts.filter((verdict) => verdict.regressed)
  const lines = [`Against the baseline (${baselineLabel}):`]
  for (const verdict of report.verdicts) {
    const change =
      verdict.worsening === null
        ? 'too few samples to compare'
        : verdict.worsening < 0
          ? `${(-verdict.worsening * 100).toFixed(1)}% better`
          : `${(verdict.worsening * 100).toFixed(1)}% worse`
    const label = verdict.regressed ? 'REGRESSION' : 'ok        '
    const values = `${verdict.baseline?.toFixed(2) ?? '—'} → ${verdict.actual?.toFixed(2) ?? '—'}`
    lines.push(
      `  ${label}  ${verdict.label.padEnd(16)} ${values} (${change}; tolerance ${(verdict.tolerance * 100).toFixed(0)}%)`,
    )
  }
  lines.push(
    regressed.length === 0
      ? 'No regression beyond the tolerance.'
      : `Regression: ${regressed.map((verdict) => verdict.label).join(', ')}.`,
  )
  return lines.join('\n')
}
