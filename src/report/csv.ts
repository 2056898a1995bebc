// CSV renderers: the per-run summary (results/summary/<run>.csv) and a flat per-record
// table for users' spreadsheets. Formatting only; every number comes from stats/.
import { stringify } from 'csv-stringify/sync'
import type { Distribution, LowTailDistribution, RequestRecord, Summary } from '../types.js'
import { DISTRIBUTION_METRICS, TOKENS_PER_SEC, VALUE_METRICS } from './metric-catalogue.js'
import { notSentReason } from './not-sent.js'
import { serverCsvRows } from './server-csv.js'
import { sourceCsvRows } from './source-section.js'

const SUMMARY_COLUMNS = [
  'metric',
  'unit',
  'count',
  'mean',
  'median',
  'p90',
  'p95',
  'p99',
  'min',
  'max',
  'note',
]

type Cell = string | number | boolean | null
type SummaryRow = Record<(typeof SUMMARY_COLUMNS)[number], Cell>

/**
 * One row per metric with columns metric,unit,count,mean,median,p90,p95,p99,min,max,note.
 * Single values (success rate, throughput, request counts) sit in `mean`. An empty cell
 * means no data (e.g. no successful request), never zero.
 */
export function renderSummaryCsv(summary: Summary): string {
  const rows: SummaryRow[] = Object.values(DISTRIBUTION_METRICS).map((metric) =>
    distributionRow(metric.id, metric.unit, metric.pick(summary), metric.csvDecimals, metric.note),
  )
  rows.push(lowTailRow(summary.tokensPerSec))
  for (const metric of Object.values(VALUE_METRICS)) {
    rows.push(valueRow(metric.id, metric.unit, round(metric.value(summary), metric.csvDecimals), metric.note))
  }
  rows.push(valueRow('requests_total', 'requests', summary.requests.total, ''))
  rows.push(valueRow('requests_ok', 'requests', summary.requests.ok, ''))
  rows.push(
    valueRow(
      'requests_failed',
      'requests',
      summary.requests.failed,
      'HTTP, network and stream errors, timeouts',
    ),
  )
  rows.push(
    valueRow(
      'requests_aborted',
      'requests',
      summary.requests.aborted,
      'sent, then cut off when the run ended or was interrupted',
    ),
  )
  rows.push(
    valueRow(
      'requests_not_sent',
      'requests',
      summary.requests.notSent,
      notSentReason(summary) ?? 'scheduled but never sent (none in this run)',
    ),
  )
  rows.push(
    valueRow(
      'queued_requests',
      'requests',
      summary.queuedRequests,
      'waited more than 1 ms for a concurrency slot',
    ),
  )
  rows.push(
    valueRow('window_sec', 's', round(summary.windowSec, 3), 'first request sent to last request ended'),
  )
  for (const row of serverCsvRows(summary.server)) {
    rows.push({ ...emptyRow(row.metric, row.unit, row.note), count: null, mean: row.value })
  }
  rows.push(...sourceCsvRows(summary.sources))
  return stringify(rows, { header: true, columns: SUMMARY_COLUMNS, escape_formulas: true })
}

// Every RequestRecord field but itl_ms (a list, unreadable in a cell), in wire order.
const RECORD_COLUMNS = [
  'timestamp',
  'model',
  'prompt',
  'ttft',
  'total_time',
  'input_tokens',
  'output_tokens',
  'tokens_per_sec',
  'success',
  'request_id',
  'outcome',
  'http_status',
  'error',
  'error_code',
  'timeout_kind',
  'scheduled_at_ms',
  'sent_at_ms',
  'ended_at_ms',
  'queue_ms',
  'ttfb_ms',
  'ttft_ms',
  'ttfo_ms',
  'e2e_ms',
  'tpot_ms',
  'latency_from_schedule_ms',
  'tokens_source',
  'reasoning_tokens',
  'finish_reason',
  'retries',
  'retry_after_s',
  'litellm_model_id',
  'litellm_overhead_ms',
] as const satisfies readonly Exclude<keyof RequestRecord, 'itl_ms'>[]

/**
 * One row per record with the raw values (no rounding), null as an empty cell. Cells that
 * a spreadsheet would run as a formula (a prompt starting with "=") are prefixed with '.
 */
export function renderRecordsCsv(records: Iterable<RequestRecord>): string {
  const rows: Cell[][] = []
  for (const record of records) rows.push(RECORD_COLUMNS.map((column) => record[column]))
  return stringify(rows, {
    header: true,
    columns: [...RECORD_COLUMNS],
    escape_formulas: true,
    cast: { boolean: (value) => (value ? 'true' : 'false') },
  })
}

function distributionRow(
  metric: string,
  unit: string,
  d: Distribution | null,
  decimals: number,
  note: string,
): SummaryRow {
  if (d === null) return emptyRow(metric, unit, note)
  const r = (value: number) => round(value, decimals)
  return {
    metric,
    unit,
    count: d.count,
    mean: r(d.mean),
    median: r(d.p50),
    p90: r(d.p90),
    p95: r(d.p95),
    p99: r(d.p99),
    min: r(d.min),
    max: r(d.max),
    note,
  }
}

function lowTailRow(d: LowTailDistribution | null): SummaryRow {
  const { id, unit, note, csvDecimals } = TOKENS_PER_SEC
  if (d === null) return emptyRow(id, unit, note)
  const r = (value: number) => round(value, csvDecimals)
  return {
    metric: id,
    unit,
    count: d.count,
    mean: r(d.mean),
    median: r(d.p50),
    p90: r(d.p10),
    p95: r(d.p5),
    p99: r(d.p1),
    min: r(d.min),
    max: r(d.max),
    note,
  }
}

function emptyRow(metric: string, unit: string, note: string): SummaryRow {
  return {
    metric,
    unit,
    count: 0,
    mean: null,
    median: null,
    p90: null,
    p95: null,
    p99: null,
    min: null,
    max: null,
    note,
  }
}

function valueRow(metric: string, unit: string, value: number, note: string): SummaryRow {
  return { ...emptyRow(metric, unit, note), count: null, mean: value }
}

// Rounds for display; a number (not a padded string) so spreadsheets read it as one.
function round(value: number, decimals: number): number {
  const rounded = Number(value.toFixed(decimals))
  return Object.is(rounded, -0) ? 0 : rounded
}
