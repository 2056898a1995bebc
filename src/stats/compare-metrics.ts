// What `compare` compares: each metric's per-request series (in send order) and the statistic
// taken of it, with the direction that counts as better.
import type { RequestRecord } from '../types.js'
import type { Statistic } from './block-bootstrap.js'

export interface MetricDef {
  id: string
  label: string
  unit: 'ms' | '%' | 'req/s' | 'tok/s'
  higherIsBetter: boolean
  series: (records: readonly RequestRecord[]) => Float64Array
  statistic: Statistic
  /** What one element of the series is: a request (in send order) or one second of the window. */
  indexedBy?: 'request' | 'second'
}

type OkField = 'ttft_ms' | 'tpot_ms' | 'e2e_ms' | 'tokens_per_sec'
// One extractor per field, so metrics on the same field share a series and its resamples.
const okExtractors = new Map<OkField, MetricDef['series']>()

function okField(field: OkField): MetricDef['series'] {
  let extract = okExtractors.get(field)
  if (extract === undefined) {
    extract = (records) => {
      const values: number[] = []
      for (const record of records) {
        const value = record[field]
        if (record.outcome === 'ok' && value !== null && Number.isFinite(value)) values.push(value)
      }
      return Float64Array.from(values)
    }
    okExtractors.set(field, extract)
  }
  return extract
}

/** 1 per successful request, 0 per failed one (aborted ones are the client's cut, excluded). */
function successSeries(records: readonly RequestRecord[]): Float64Array {
  return Float64Array.from(
    records
      .filter((record) => record.outcome !== 'aborted')
      .map((record) => (record.outcome === 'ok' ? 100 : 0)),
  )
}

/** Completed requests per 1-second bin of the window: its mean is the request throughput. */
function throughputSeries(records: readonly RequestRecord[]): Float64Array {
  if (records.length === 0) return new Float64Array(0)
  let start = Number.POSITIVE_INFINITY
  let end = Number.NEGATIVE_INFINITY
  for (const record of records) {
    start = Math.min(start, record.sent_at_ms)
    end = Math.max(end, record.ended_at_ms)
  }
  const bins = new Float64Array(Math.max(1, Math.ceil((end - start) / 1000)))
  for (const record of records) {
    if (record.outcome !== 'ok') continue
    const bin = Math.min(bins.length - 1, Math.floor((record.ended_at_ms - start) / 1000))
    bins[bin] = (bins[bin] as number) + 1
  }
  return bins
}

export const METRICS: readonly MetricDef[] = [
  ...(['p50', 'p95', 'p99'] as const).map(
    (stat): MetricDef => ({
      id: `ttft_${stat}`,
      label: `TTFT ${stat}`,
      unit: 'ms',
      higherIsBetter: false,
      series: okField('ttft_ms'),
      statistic: { kind: 'percentile', p: Number(stat.slice(1)) },
    }),
  ),
  {
    id: 'ttft_mean',
    label: 'TTFT mean',
    unit: 'ms',
    higherIsBetter: false,
    series: okField('ttft_ms'),
    statistic: { kind: 'mean' },
  },
  {
    id: 'tpot_p50',
    label: 'TPOT p50',
    unit: 'ms',
    higherIsBetter: false,
    series: okField('tpot_ms'),
    statistic: { kind: 'percentile', p: 50 },
  },
  {
    id: 'tpot_mean',
    label: 'TPOT mean',
    unit: 'ms',
    higherIsBetter: false,
    series: okField('tpot_ms'),
    statistic: { kind: 'mean' },
  },
  {
    id: 'e2e_p50',
    label: 'E2E p50',
    unit: 'ms',
    higherIsBetter: false,
    series: okField('e2e_ms'),
    statistic: { kind: 'percentile', p: 50 },
  },
  {
    id: 'e2e_p99',
    label: 'E2E p99',
    unit: 'ms',
    higherIsBetter: false,
    series: okField('e2e_ms'),
    statistic: { kind: 'percentile', p: 99 },
  },
  {
    id: 'tokens_per_sec_mean',
    label: 'Tokens/sec mean',
    unit: 'tok/s',
    higherIsBetter: true,
    series: okField('tokens_per_sec'),
    statistic: { kind: 'mean' },
  },
  {
    id: 'success_rate',
    label: 'Success rate',
    unit: '%',
    higherIsBetter: true,
    series: successSeries,
    statistic: { kind: 'mean' },
  },
  {
    id: 'throughput',
    label: 'Throughput',
    unit: 'req/s',
    higherIsBetter: true,
    series: throughputSeries,
    statistic: { kind: 'mean' },
    indexedBy: 'second',
  },
]
