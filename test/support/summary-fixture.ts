// Hand-built Summary and RunTimeSeries objects for the report tests (no stats code involved).
import type { RunTimeSeries, TimeSeriesBucket } from '../../src/stats/time-series.js'
import type { Distribution, LowTailDistribution, Summary } from '../../src/types.js'

export function distribution(values: Partial<Distribution> & { p50: number }): Distribution {
  return { count: 10, mean: values.p50, min: 0, max: 0, p90: 0, p95: 0, p99: 0, ...values }
}

export function lowTail(values: Partial<LowTailDistribution> & { mean: number }): LowTailDistribution {
  return { count: 10, min: 0, max: 0, p50: values.mean, p10: 0, p5: 0, p1: 0, ...values }
}

export function summary(fields: Partial<Summary> & Pick<Summary, 'runId' | 'model' | 'workload'>): Summary {
  return {
    target: 'vllm',
    startedAt: '2026-11-28T10:00:00.000Z',
    windowSec: 10,
    requests: { total: 10, ok: 10, failed: 0, aborted: 0, notSent: 0 },
    successRate: 1,
    offeredRps: null,
    concurrency: 4,
    ttftMs: null,
    ttfbMs: null,
    ttfoMs: null,
    e2eMs: null,
    tpotMs: null,
    itlMs: null,
    queueMs: null,
    latencyFromScheduleMs: null,
    outputTokens: null,
    inputTokens: null,
    tokensPerSec: null,
    requestThroughputPerSec: 1,
    outputTokenThroughputPerSec: 100,
    queuedRequests: 0,
    tokensSources: { usage: 10 },
    errors: [],
    proxyOverheadMs: null,
    clientHealth: null,
    ...fields,
  }
}

export function bucket(
  startSec: number,
  fields: Partial<TimeSeriesBucket> & Pick<TimeSeriesBucket, 'completed' | 'ok'>,
): TimeSeriesBucket {
  // Unless told otherwise every request that was not ok failed (none aborted or unsent).
  const failed = fields.failed ?? fields.completed - fields.ok
  return {
    startSec,
    failed,
    aborted: 0,
    notSent: 0,
    errorRate: fields.ok + failed === 0 ? 0 : failed / (fields.ok + failed),
    outputTokens: 0,
    requestsPerSec: fields.ok,
    outputTokensPerSec: fields.outputTokens ?? 0,
    ttftMs: null,
    e2eMs: null,
    ...fields,
  }
}

/** Three seconds: 4 ok; nothing; 1 ok + 1 timeout. */
export function threeSecondSeries(): RunTimeSeries {
  return {
    bucketSec: 1,
    buckets: [
      bucket(0, {
        completed: 4,
        ok: 4,
        outputTokens: 400,
        ttftMs: { mean: 55, p50: 50, p95: 90 },
        e2eMs: { mean: 1100, p50: 1000, p95: 1900 },
      }),
      bucket(1, { completed: 0, ok: 0 }),
      bucket(2, {
        completed: 2,
        ok: 1,
        outputTokens: 100,
        ttftMs: { mean: 70, p50: 70, p95: 70 },
        e2eMs: { mean: 1200, p50: 1200, p95: 1200 },
      }),
    ],
    ttftCdf: [
      { ttftMs: 40, fraction: 0 },
      { ttftMs: 50, fraction: 0.5 },
      { ttftMs: 90.123456, fraction: 1 },
    ],
  }
}
