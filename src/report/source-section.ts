// The prompt-source section of the reports (issue 16): what the terminal prints after a run
// (cli/run-options/sources.ts) as a Markdown block, an HTML block and summary-CSV rows. Pure:
// a SourceStats in, strings out; nothing at all for a run without a prompt source. The figures
// from the records (prompt tokens vs requested, output length met, TTFT by turn, sessions) are
// rebuilt by stats/source-stats.ts whenever a summary is; the prefix-cache rate, the warnings
// and the label come from the run's summary.json only.
import type { SourceStats } from '../types.js'
import { formatCount as count, formatFixed as fixed } from './metric-catalogue.js'
import { escapeCell, markdownTable } from './text-table.js'

interface Row {
  /** Stable CSV metric name. */
  key: string
  label: string
  value: string
  /** The number a spreadsheet gets (the CSV's `mean` cell); null: no single number. */
  number: number | null
  unit: string
}

const signed = (value: number) =>
  `${value >= 0 ? '+' : ''}${Number.isInteger(value) ? value : value.toFixed(1)}`
const percent = (part: number, whole: number) => (whole === 0 ? '–' : `${fixed((part / whole) * 100, 1)} %`)

/** The single-value figures, in display order. */
function sourceRows(stats: SourceStats): Row[] {
  const rows: Row[] = []
  const prompt = stats.promptTokensVsRequested
  if (prompt !== null) {
    rows.push({
      key: 'source_prompt_tokens_minus_requested',
      label: 'Input tokens: server usage − requested',
      value: `${signed(prompt.meanDiff)} mean (min ${signed(prompt.minDiff)}, max ${signed(prompt.maxDiff)}) over ${count(prompt.count)} requests, exact for ${count(prompt.exact)}`,
      number: Number(prompt.meanDiff.toFixed(2)),
      unit: 'tokens',
    })
  }
  const output = stats.outputTokensVsRequested
  if (output !== null) {
    rows.push({
      key: 'source_output_length_met',
      label: 'Requested output length met',
      value: `${count(output.met)} of ${count(output.count)} requests (${percent(output.met, output.count)})`,
      number: output.met,
      unit: 'requests',
    })
  }
  const sessions = stats.sessions
  if (sessions !== null) {
    rows.push({
      key: 'source_sessions_completed',
      label: 'Sessions',
      value: `${count(sessions.started)} started · ${count(sessions.completed)} completed · ${count(sessions.failed)} ended by a failed turn · ${count(sessions.cut)} cut by the end of the run`,
      number: sessions.completed,
      unit: 'sessions',
    })
  }
  const cache = stats.prefixCache
  if (cache !== undefined) {
    rows.push({
      key: 'source_prefix_cache_hit_rate',
      label: 'Prefix-cache hit rate (server counters)',
      value:
        cache.hitRate === null
          ? `no prompt tokens queried (${cache.url})`
          : `${fixed(cache.hitRate * 100, 1)} % of prompt tokens (${count(cache.hitTokens)} of ${count(cache.queriedTokens)}, ${cache.url})`,
      number: cache.hitRate === null ? null : Number((cache.hitRate * 100).toFixed(2)),
      unit: '%',
    })
  }
  return rows
}

/** `#### Prompt source` with its figures, TTFT by turn and warnings; [] without a source. */
export function sourceMarkdownParts(stats: SourceStats | undefined): string[] {
  if (stats === undefined) return []
  const parts = [`#### Prompt source`]
  if (stats.label !== undefined) parts.push(`Source: ${escapeCell(stats.label)}`)
  const rows = sourceRows(stats)
  if (rows.length > 0)
    parts.push(
      markdownTable(
        ['Figure', 'Value'],
        rows.map((row) => [row.label, escapeCell(row.value)]),
        ['left', 'left'],
      ),
    )
  if (stats.ttftByTurn.length > 0) {
    parts.push(
      markdownTable(
        ['Turn', 'Requests', 'TTFT mean (ms)', 'Median', 'P95', 'P99'],
        stats.ttftByTurn.map(({ turn, ttftMs: d }) => [
          String(turn),
          count(d.count),
          ...[d.mean, d.p50, d.p95, d.p99].map((v) => fixed(v, 1)),
        ]),
        ['right', 'right', 'right', 'right', 'right', 'right'],
      ),
    )
  }
  const warnings = stats.warnings ?? []
  if (warnings.length > 0) parts.push(warnings.map((w) => `- ⚠️ ${escapeCell(w)}`).join('\n'))
  return parts
}

function escHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

/** One HTML section over the runs that have a prompt source; '' when none has. */
export function renderSourceSectionsHtml(
  runs: ReadonlyArray<{ label: string; sources: SourceStats | undefined }>,
): string {
  const parts = runs.flatMap(({ label, sources: stats }) => {
    if (stats === undefined) return []
    const lines = [`<h3>${escHtml(label)}</h3>`]
    if (stats.label !== undefined) lines.push(`<p>Source: ${escHtml(stats.label)}</p>`)
    const rows = sourceRows(stats)
    if (rows.length > 0) {
      lines.push(
        `<table><tbody>${rows.map((row) => `<tr><th>${escHtml(row.label)}</th><td class="text">${escHtml(row.value)}</td></tr>`).join('')}</tbody></table>`,
      )
    }
    if (stats.ttftByTurn.length > 0) {
      const head = ['Turn', 'Requests', 'TTFT mean (ms)', 'Median', 'P95', 'P99'].map((h) => `<th>${h}</th>`)
      const body = stats.ttftByTurn.map(
        ({ turn, ttftMs: d }) =>
          `<tr>${[String(turn), count(d.count), ...[d.mean, d.p50, d.p95, d.p99].map((v) => fixed(v, 1))].map((c) => `<td>${c}</td>`).join('')}</tr>`,
      )
      lines.push(`<table><thead><tr>${head.join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`)
    }
    for (const warning of stats.warnings ?? []) lines.push(`<p class="warning">⚠️ ${escHtml(warning)}</p>`)
    return [lines.join('\n')]
  })
  if (parts.length === 0) return ''
  return `<section class="prompt-source">\n<h2>Prompt source</h2>\n${parts.join('\n')}\n</section>`
}

/**
 * Summary-CSV rows (metric,unit,count,mean,…,note): one per figure, the number in `mean`,
 * the sentence in `note`; TTFT by turn as one distribution row per turn.
 */
export function sourceCsvRows(stats: SourceStats | undefined): Record<string, string | number | null>[] {
  if (stats === undefined) return []
  const empty = {
    count: null,
    mean: null,
    median: null,
    p90: null,
    p95: null,
    p99: null,
    min: null,
    max: null,
  }
  const rows: Record<string, string | number | null>[] = sourceRows(stats).map((row) => ({
    metric: row.key,
    unit: row.unit,
    ...empty,
    mean: row.number,
    // Led by the label: a note starting with + or - would be escaped as a formula.
    note: `${row.label}: ${row.value}`,
  }))
  for (const { turn, ttftMs: d } of stats.ttftByTurn) {
    const r = (value: number) => Number(value.toFixed(3))
    rows.push({
      metric: `source_ttft_turn_${turn}`,
      unit: 'ms',
      count: d.count,
      mean: r(d.mean),
      median: r(d.p50),
      p90: r(d.p90),
      p95: r(d.p95),
      p99: r(d.p99),
      min: r(d.min),
      max: r(d.max),
      note: `TTFT of successful turn-${turn} requests (multi-turn sessions)`,
    })
  }
  for (const warning of stats.warnings ?? [])
    rows.push({ metric: 'source_warning', unit: '', ...empty, note: warning })
  return rows
}
