// The server-side section of the reports: summary rows (terminal, CSV, Markdown share them),
// a Markdown block and an HTML block. Pure: a TelemetrySummary in, strings out. A run without
// telemetry gets one line saying why, never empty tables or charts.
import type { EnergyFigure, ServerQuantiles, TelemetrySummary } from '../types.js'
import type { ReportLang } from './chart-text.js'
import type { ChartDefinition } from './charts.js'
import { displayWidth } from './text-table.js'

/** The section's words; the Markdown and HTML reports use English, the terminal its --lang. */
const SERVER_TEXT = {
  en: {
    labels: {
      tokens_per_joule: 'Output tokens per joule',
      avg_power_w: 'Average GPU power',
      joules_per_request: 'Energy per request',
      energy_j: 'Energy in the window',
      energy_source: 'Energy source',
      dynamic_energy_j: 'Dynamic energy (above idle)',
      generation_token_agreement_pct: 'Server/client output token agreement',
      prompt_token_agreement_pct: 'Server/client prompt token agreement',
      prefix_cache_hit_rate: 'Prefix-cache hit rate',
      waiting: 'Waiting requests',
      running: 'Running requests',
      kv_cache_usage: 'KV-cache usage',
      gpu_util: 'GPU utilization',
      server_ttft: 'Server TTFT',
      server_e2e: 'Server end-to-end',
      server_queue: 'Server queue time',
    },
    meanMax: (mean: string, max: string) => `${mean} mean, ${max} max`,
    quantiles: (p50: string, p90: string, p99: string, count: number) =>
      `p50 ${p50} · p90 ${p90} · p99 ${p99} ms (${count} requests, from histogram buckets)`,
    noEnergy: 'no GPU power or energy series',
    energyCounter: 'energy counter delta',
    powerIntegral: 'integral of sampled power',
    samples: (n: number) => `${n} samples`,
    largestGap: (ms: number) => `, largest gap ${ms} ms`,
    serverCounted: (n: number | null) => `server counted ${n}`,
    idle: 'idle',
    noTelemetry: (reason: string) => `No server telemetry: ${reason}`,
    notCollected: 'not collected in this run',
    terminalHeading: (recognised: string) => `Server side (${recognised}):`,
    note: 'Note',
  },
  ko: {
    labels: {
      tokens_per_joule: '줄당 출력 토큰',
      avg_power_w: '평균 GPU 전력',
      joules_per_request: '요청당 에너지',
      energy_j: '측정 구간 에너지',
      energy_source: '에너지 출처',
      dynamic_energy_j: '동적 에너지 (유휴 초과분)',
      generation_token_agreement_pct: '서버/클라이언트 출력 토큰 일치율',
      prompt_token_agreement_pct: '서버/클라이언트 프롬프트 토큰 일치율',
      prefix_cache_hit_rate: '프리픽스 캐시 적중률',
      waiting: '대기 중인 요청',
      running: '실행 중인 요청',
      kv_cache_usage: 'KV 캐시 사용률',
      gpu_util: 'GPU 사용률',
      server_ttft: '서버 TTFT',
      server_e2e: '서버 종단 간 지연',
      server_queue: '서버 대기열 시간',
    },
    meanMax: (mean: string, max: string) => `평균 ${mean}, 최대 ${max}`,
    quantiles: (p50: string, p90: string, p99: string, count: number) =>
      `p50 ${p50} · p90 ${p90} · p99 ${p99} ms (요청 ${count}개, 히스토그램 버킷 기준)`,
    noEnergy: 'GPU 전력·에너지 시계열 없음',
    energyCounter: '에너지 카운터 증가분',
    powerIntegral: '샘플링한 전력의 적분',
    samples: (n: number) => `샘플 ${n}개`,
    largestGap: (ms: number) => `, 최대 간격 ${ms} ms`,
    serverCounted: (n: number | null) => `서버 집계 ${n}`,
    idle: '유휴',
    noTelemetry: (reason: string) => `서버 텔레메트리 없음: ${reason}`,
    notCollected: '이 실행에서는 수집하지 않음',
    terminalHeading: (recognised: string) => `서버 측 (${recognised}):`,
    note: '참고',
  },
} as const

type ServerText = (typeof SERVER_TEXT)[ReportLang]
type RowKey = keyof ServerText['labels']

export interface ServerRow {
  /** Stable key for CSV columns. */
  key: string
  label: string
  value: string
}

export const fixed = (value: number | null | undefined, decimals: number, unit = ''): string =>
  value === null || value === undefined || !Number.isFinite(value) ? '–' : `${value.toFixed(decimals)}${unit}`

function meanMax(
  text: ServerText,
  stats: { mean: number; max: number } | null,
  decimals: number,
  scale = 1,
  unit = '',
): string {
  return stats === null
    ? '–'
    : text.meanMax(fixed(stats.mean * scale, decimals, unit), fixed(stats.max * scale, decimals, unit))
}

function quantiles(text: ServerText, q: ServerQuantiles | null): string {
  if (q === null || q.count === 0) return '–'
  return text.quantiles(fixed(q.p50, 0), fixed(q.p90, 0), fixed(q.p99, 0), q.count)
}

/** Where an energy figure comes from, with its sample count and largest gap. */
export function energySourceText(energy: EnergyFigure, lang: ReportLang = 'en'): string {
  const text = SERVER_TEXT[lang]
  if (energy.source === 'none') return text.noEnergy
  const source = energy.source === 'energy_counter' ? text.energyCounter : text.powerIntegral
  const gap = energy.largestGapMs === null ? '' : text.largestGap(Math.round(energy.largestGapMs))
  return `${source}, ${text.samples(energy.sampleCount)}${gap}`
}

/** One line for a run without server telemetry. */
export function noTelemetryLine(reason: string, lang: ReportLang = 'en'): string {
  return SERVER_TEXT[lang].noTelemetry(reason)
}

/** The summary rows, in display order. */
export function serverSummaryRows(summary: TelemetrySummary, lang: ReportLang = 'en'): ServerRow[] {
  const text = SERVER_TEXT[lang]
  const { energy } = summary
  const row = (key: RowKey, value: string): ServerRow => ({ key, label: text.labels[key], value })
  const agreement = (percent: number | null, server: number | null) =>
    percent === null ? '–' : `${fixed(percent, 1)} % (${text.serverCounted(server)})`
  const rows: ServerRow[] = [
    row('tokens_per_joule', fixed(summary.tokensPerJoule, 3)),
    row('avg_power_w', fixed(summary.averagePowerWatts, 1, ' W')),
    row('joules_per_request', fixed(summary.joulesPerRequest, 2, ' J')),
    row('energy_j', fixed(energy.joules, 1, ' J')),
    row('energy_source', energySourceText(energy, lang)),
  ]
  if (energy.idleWatts !== null) {
    rows.push(
      row(
        'dynamic_energy_j',
        `${fixed(energy.dynamicJoules, 1, ' J')} (${text.idle} ${fixed(energy.idleWatts, 1, ' W')})`,
      ),
    )
  }
  rows.push(
    row(
      'generation_token_agreement_pct',
      agreement(summary.generationAgreementPercent, summary.serverGenerationTokens),
    ),
    row('prompt_token_agreement_pct', agreement(summary.promptAgreementPercent, summary.serverPromptTokens)),
    row(
      'prefix_cache_hit_rate',
      summary.prefixCacheHitRate === null ? '–' : fixed(summary.prefixCacheHitRate * 100, 1, ' %'),
    ),
    row('waiting', meanMax(text, summary.waiting, 1)),
    row('running', meanMax(text, summary.running, 1)),
    row('kv_cache_usage', meanMax(text, summary.kvCacheUsage, 1, 100, ' %')),
    row('gpu_util', meanMax(text, summary.gpuUtilPercent, 1, 1, ' %')),
    row('server_ttft', quantiles(text, summary.serverTtft)),
    row('server_e2e', quantiles(text, summary.serverE2e)),
    row('server_queue', quantiles(text, summary.serverQueue)),
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
export function missingReason(server: TelemetrySummary | null, lang: ReportLang = 'en'): string | null {
  if (server === null) return SERVER_TEXT[lang].notCollected
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

/**
 * Lines under the terminal's summary table, in the terminal's language: a few rows, the
 * warnings, or one line saying why there are none. The telemetry's own notes and reasons
 * (scrape errors, URLs) stay as the scraper wrote them.
 */
export function serverTerminalLines(
  server: TelemetrySummary | null | undefined,
  lang: ReportLang = 'en',
): string[] {
  if (server === undefined) return []
  const text = SERVER_TEXT[lang]
  const reason = missingReason(server, lang)
  if (reason !== null || server === null) return [noTelemetryLine(reason ?? '', lang)]
  const rows = serverSummaryRows(server, lang).filter((row) => TERMINAL_KEYS.includes(row.key))
  // Hangul takes two terminal columns: pad by display width, not by string length.
  const width = Math.max(...rows.map((row) => displayWidth(row.label)))
  return [
    text.terminalHeading(server.recognised.join(', ')),
    ...rows.map((row) => `  ${row.label}${' '.repeat(width - displayWidth(row.label))}  ${row.value}`),
    ...notes(server).map((note) => `  ${text.note}: ${note}`),
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
