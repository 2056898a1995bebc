// The server-side section of the reports: summary rows (terminal, CSV, Markdown share them),
// a Markdown block and an HTML block. Pure: a TelemetrySummary in, strings out. A run without
// telemetry gets one line saying why, never empty tables or charts.
import type { EnergyFigure, ServerQuantiles, TelemetrySummary } from '../types.js'
import type { ChartDefinition } from './charts.js'

export interface ServerRow {
  /** Stable key for CSV columns. */
  key: string
  label: string
  value: string
}

export const fixed = (value: number | null | undefined, decimals: number, unit = ''): string =>
  value === null || value === undefined || !Number.isFinite(value) ? '–' : `${value.toFixed(decimals)}${unit}`

function meanMax(
  stats: { mean: number; max: number } | null,
  decimals: number,
  scale = 1,
  unit = '',
): string {
  return stats === null
    ? '–'
    : `${fixed(stats.mean * scale, decimals, unit)} mean, ${fixed(stats.max * scale, decimals, unit)} max`
}

function quantiles(q: ServerQuantiles | null): string {
  if (q === null || q.count === 0) return '–'
  return `p50 ${fixed(q.p50, 0)} · p90 ${fixed(q.p90, 0)} · p99 ${fixed(q.p99, 0)} ms (${q.count} requests, from histogram buckets)`
}

/** Where an energy figure comes from, with its sample count and largest gap. */
export function energySourceText(energy: EnergyFigure): string {
  if (energy.source === 'none') return 'no GPU power or energy series'
  const source = energy.source === 'energy_counter' ? 'energy counter delta' : 'integral of sampled power'
  const gap = energy.largestGapMs === null ? '' : `, largest gap ${Math.round(energy.largestGapMs)} ms`
  return `${source}, ${energy.sampleCount} samples${gap}`
}

/** One line for a run without server telemetry. */
export function noTelemetryLine(reason: string): string {
  return `No server telemetry: ${reason}`
}

/** The summary rows, in display order. */
export function serverSummaryRows(summary: TelemetrySummary): ServerRow[] {
  const { energy } = summary
  const agreement = (percent: number | null, server: number | null) =>
    percent === null ? '–' : `${fixed(percent, 1)} % (server counted ${server})`
  const rows: ServerRow[] = [
    { key: 'tokens_per_joule', label: 'Output tokens per joule', value: fixed(summary.tokensPerJoule, 3) },
    { key: 'avg_power_w', label: 'Average GPU power', value: fixed(summary.averagePowerWatts, 1, ' W') },
    {
      key: 'joules_per_request',
      label: 'Energy per request',
      value: fixed(summary.joulesPerRequest, 2, ' J'),
    },
    { key: 'energy_j', label: 'Energy in the window', value: fixed(energy.joules, 1, ' J') },
    { key: 'energy_source', label: 'Energy source', value: energySourceText(energy) },
  ]
  if (energy.idleWatts !== null) {
    rows.push({
      key: 'dynamic_energy_j',
      label: 'Dynamic energy (above idle)',
      value: `${fixed(energy.dynamicJoules, 1, ' J')} (idle ${fixed(energy.idleWatts, 1, ' W')})`,
    })
  }
  rows.push(
    {
      key: 'generation_token_agreement_pct',
      label: 'Server/client output token agreement',
      value: agreement(summary.generationAgreementPercent, summary.serverGenerationTokens),
    },
    {
      key: 'prompt_token_agreement_pct',
      label: 'Server/client prompt token agreement',
      value: agreement(summary.promptAgreementPercent, summary.serverPromptTokens),
    },
    {
      key: 'prefix_cache_hit_rate',
      label: 'Prefix-cache hit rate',
      value: summary.prefixCacheHitRate === null ? '–' : fixed(summary.prefixCacheHitRate * 100, 1, ' %'),
    },
    { key: 'waiting', label: 'Waiting requests', value: meanMax(summary.waiting, 1) },
    { key: 'running', label: 'Running requests', value: meanMax(summary.running, 1) },
    { key: 'kv_cache_usage', label: 'KV-cache usage', value: meanMax(summary.kvCacheUsage, 1, 100, ' %') },
    { key: 'gpu_util', label: 'GPU utilization', value: meanMax(summary.gpuUtilPercent, 1, 1, ' %') },
    { key: 'server_ttft', label: 'Server TTFT', value: quantiles(summary.serverTtft) },
    { key: 'server_e2e', label: 'Server end-to-end', value: quantiles(summary.serverE2e) },
    { key: 'server_queue', label: 'Server queue time', value: quantiles(summary.serverQueue) },
  )
  return rows
}

/** Warnings and problems worth a line under the table. */
function notes(summary: TelemetrySummary): string[] {
  return [...(summary.energy.warning === null ? [] : [summary.energy.warning]), ...summary.problems]
}

/** The Markdown section; `level` 4 nests it under a run's ### heading. */
export function renderServerSectionMarkdown(summary: TelemetrySummary, level = 2): string {
  const heading = `${'#'.repeat(level)} Server side`
  if (!summary.available) return `${heading}\n\n${noTelemetryLine(summary.reason ?? 'unknown reason')}\n`
  const lines = [
    heading,
    '',
    `Recognised: ${summary.recognised.join(', ')}. Counters are deltas over the measurement window.`,
    '',
    '| metric | value |',
    '|---|---|',
    ...serverSummaryRows(summary).map((row) => `| ${row.label} | ${row.value.replaceAll('|', '\\|')} |`),
  ]
  const extra = notes(summary)
  if (extra.length > 0) lines.push('', ...extra.map((note) => `- ${note}`))
  return `${lines.join('\n')}\n`
}

const escHtml = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')

/**
 * The HTML block: the table, then a div per chart (html.ts initialises `.chart` divs from
 * the chart JSON, so pass the same definitions to its chart list).
 */
export function renderServerSectionHtml(
  summary: TelemetrySummary,
  charts: readonly ChartDefinition[],
): string {
  if (!summary.available) {
    return `<section class="server-side"><h2>Server side</h2><p>${escHtml(noTelemetryLine(summary.reason ?? 'unknown reason'))}</p></section>`
  }
  const chartDivs = charts
    .map((c) => `<div class="chart" id="${escHtml(c.id)}" role="img" aria-label="${escHtml(c.title)}"></div>`)
    .join('')
  return `<section class="server-side"><h2>Server side</h2>${serverBodyHtml(summary)}${chartDivs}</section>`
}

/** "Recognised", the table and the notes of an available summary. */
function serverBodyHtml(summary: TelemetrySummary): string {
  const rows = serverSummaryRows(summary)
    .map((row) => `<tr><th scope="row">${escHtml(row.label)}</th><td>${escHtml(row.value)}</td></tr>`)
    .join('')
  const extra = notes(summary)
  const list =
    extra.length === 0 ? '' : `<ul>${extra.map((note) => `<li>${escHtml(note)}</li>`).join('')}</ul>`
  return `<p>Recognised: ${escHtml(summary.recognised.join(', '))}</p><table>${rows}</table>${list}`
}

/** Why a summary has no server section to show; null when it has one. */
export function missingReason(server: TelemetrySummary | null): string | null {
  if (server === null) return 'not collected in this run'
  return server.available ? null : (server.reason ?? 'unknown reason')
}

/**
 * A run's server section inside its Markdown section. A summary written before telemetry
 * existed (no `server` key) gets nothing, so older reports render as they did.
 */
export function serverMarkdownParts(server: TelemetrySummary | null | undefined): string[] {
  if (server === undefined) return []
  if (server === null) return [`#### Server side\n\n${noTelemetryLine(missingReason(server) ?? '')}`]
  return [renderServerSectionMarkdown(server, 4).trimEnd()]
}

/** The summary rows the terminal shows (the rest is in the reports). */
const TERMINAL_KEYS = [
  'tokens_per_joule',
  'avg_power_w',
  'energy_source',
  'generation_token_agreement_pct',
  'prefix_cache_hit_rate',
]

/** Lines under the terminal's summary table: a few rows, the warnings, or one line saying why there are none. */
export function serverTerminalLines(server: TelemetrySummary | null | undefined): string[] {
  if (server === undefined) return []
  const reason = missingReason(server)
  if (reason !== null || server === null) return [noTelemetryLine(reason ?? '')]
  const rows = serverSummaryRows(server).filter((row) => TERMINAL_KEYS.includes(row.key))
  const width = Math.max(...rows.map((row) => row.label.length))
  return [
    `Server side (${server.recognised.join(', ')}):`,
    ...rows.map((row) => `  ${row.label.padEnd(width)}  ${row.value}`),
    ...notes(server).map((note) => `  Note: ${note}`),
  ]
}

/** The HTML page's server section over every run; '' when no summary knows of telemetry. */
export function renderServerSectionsHtml(
  runs: ReadonlyArray<{ label: string; server: TelemetrySummary | null | undefined }>,
): string {
  const known = runs.filter((run) => run.server !== undefined)
  if (known.length === 0) return ''
  const parts = known.map(({ label, server }) => {
    const reason = missingReason(server ?? null)
    const heading = `<h3>${escHtml(label)}</h3>`
    if (reason !== null || server === null || server === undefined)
      return `${heading}<p>${escHtml(noTelemetryLine(reason ?? ''))}</p>`
    return (
      heading +
      renderServerSectionHtml(server, []).replace(
        /^<section class="server-side"><h2>Server side<\/h2>|<\/section>$/g,
        '',
      )
    )
  })
  return `<section class="server-side">\n<h2>Server side</h2>\n<p class="note">Engine and GPU metrics scraped during the run; counters are deltas over the measurement window. Their charts follow each run's client charts, on the same clock.</p>\n${parts.join('\n')}\n</section>`
}
