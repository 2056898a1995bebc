// 2. Accuracy: each request's reported TTFT and TPOT against what the server actually did.
// Clocks: the server notes CLOCK_MONOTONIC (process.hrtime), which every process on the
// machine shares; this process maps its performance.now() onto the same clock, so the two
// legs of the difference (request: client send → server read end; response: server write
// → client read) are measured too, not guessed.

import type { BenchContext, SectionResult } from '../bench-context.js'
import { benchPlan } from '../bench-plan.js'
import { runProduct } from '../product-run.js'
import { runRawTimedClient } from '../raw-http-client.js'
import { fixed, type GoalResult, meanOf, percentileOf, type Row } from '../report-table.js'
import { startServer } from '../server-process.js'
import { monotonicMs } from '../servers/sse-chunks.js'
import type { TruthRecord } from '../servers/timed-server.js'

const FIRST_MS = 50
const GAP_MS = 5
const TOKENS = 128
const CONCURRENCY = 64
/** Seconds one stream lasts: first token, then 127 gaps. */
const STREAM_SEC = (FIRST_MS + (TOKENS - 1) * GAP_MS) / 1000
/**
 * An open loop at CONCURRENCY / STREAM_SEC keeps CONCURRENCY streams in flight, spread evenly.
 * A closed loop would not: equal-length streams start and end in lockstep, 64 requests
 * arriving in one burst that the server reads one after the other, which measures the
 * server's queue, not the client.
 */
const RATE_PER_SEC = CONCURRENCY / STREAM_SEC
const GOAL_MEAN_TTFT_MS = 0.5
const GOAL_P99_TTFT_MS = 3
const GOAL_TPOT_MS = 0.1
const REFERENCE_ID_BASE = 1_000_000

/** monotonic ms − performance.now() of this thread, from the tightest of many paired readings. */
function monotonicOffsetMs(): number {
  let bestSpan = Number.POSITIVE_INFINITY
  let offset = 0
  for (let i = 0; i < 2000; i++) {
    const before = performance.now()
    const mono = monotonicMs()
    const after = performance.now()
    if (after - before < bestSpan) {
      bestSpan = after - before
      offset = mono - (before + after) / 2
    }
  }
  return offset
}

interface Sample {
  /** Client send time on the monotonic clock. */
  sentMs: number
  ttftMs: number
  tpotMs: number | null
  truth: TruthRecord
}

interface Errors {
  n: number
  ttftMean: number | null
  ttftP50: number | null
  ttftP99: number | null
  ttftMax: number | null
  requestLegMean: number | null
  requestLegP50: number | null
  requestLegP99: number | null
  responseLegMean: number | null
  responseLegP50: number | null
  responseLegP99: number | null
  tpotAbsMean: number | null
  tpotAbsP99: number | null
}

function errorsOf(samples: Sample[]): Errors {
  const ttft = samples.map((s) => s.ttftMs - (s.truth.firstWriteMs - s.truth.readEndMs))
  const requestLeg = samples.map((s) => s.truth.readEndMs - s.sentMs)
  const responseLeg = samples.map((s) => s.sentMs + s.ttftMs - s.truth.firstWriteMs)
  const tpot = samples.flatMap((s) =>
    s.tpotMs === null
      ? []
      : [Math.abs(s.tpotMs - (s.truth.lastWriteMs - s.truth.firstWriteMs) / (TOKENS - 1))],
  )
  return {
    n: samples.length,
    ttftMean: meanOf(ttft),
    ttftP50: percentileOf(ttft, 50),
    ttftP99: percentileOf(ttft, 99),
    ttftMax: ttft.length === 0 ? null : Math.max(...ttft),
    requestLegMean: meanOf(requestLeg),
    requestLegP50: percentileOf(requestLeg, 50),
    requestLegP99: percentileOf(requestLeg, 99),
    responseLegMean: meanOf(responseLeg),
    responseLegP50: percentileOf(responseLeg, 50),
    responseLegP99: percentileOf(responseLeg, 99),
    tpotAbsMean: meanOf(tpot),
    tpotAbsP99: percentileOf(tpot, 99),
  }
}

export async function accuracySection(bench: BenchContext): Promise<SectionResult> {
  const durationSec = bench.quick ? 2 : 6
  const workers = bench.product.defaultWorkerCount(
    { concurrency: CONCURRENCY, rps: RATE_PER_SEC },
    bench.cpus,
  )
  const server = await startServer('timed-server', [
    '--first-ms',
    String(FIRST_MS),
    '--gap-ms',
    String(GAP_MS),
    '--tokens',
    String(TOKENS),
  ])
  const offsetMs = monotonicOffsetMs()
  const notes: string[] = []
  let product: Errors
  let reference: Errors
  let lateness: {
    firstMean: number | null
    firstP99: number | null
    allP99: number | null
    allMax: number | null
  }
  let failed = 0
  let firstError: string | null = null
  try {
    // Run Bench, through runBenchmark, with the default worker count for this load.
    let runStartMs = 0
    const records = new Map<number, { sentAtMs: number; ttftMs: number; tpotMs: number | null }>()
    const run = await runProduct(
      bench.product,
      // The cap is above the load: no request waits for a slot.
      benchPlan(server.baseUrl, {
        rps: RATE_PER_SEC,
        concurrency: 2 * CONCURRENCY,
        durationSec,
        maxTokens: TOKENS,
      }),
      {
        workers,
        warmupSec: bench.quick ? 0.5 : 1,
        // After the warm-up, whose request ids the measured run reuses.
        beforeRun: () => server.ask('reset'),
        wrapSend: (send) => (spec, ctx) => {
          if (spec.requestId >= 0) runStartMs = ctx.runStartMs
          const text = `[rid:${spec.requestId < 0 ? 'warmup' : spec.requestId}] ${spec.prompt.text}`
          return send({ ...spec, prompt: { ...spec.prompt, text } }, ctx)
        },
        onRecord: (record) => {
          if (!record.success || record.ttft_ms === null) {
            failed++
            firstError ??= `${record.outcome}: ${record.error}`
            return
          }
          records.set(record.request_id, {
            sentAtMs: record.sent_at_ms,
            ttftMs: record.ttft_ms,
            tpotMs: record.tpot_ms,
          })
        },
      },
    )
    const productTruths = (await server.ask<{ records: TruthRecord[] }>('records')).records
    const productSamples: Sample[] = []
    for (const truth of productTruths) {
      const record = records.get(truth.id)
      if (record === undefined) continue
      productSamples.push({
        sentMs: runStartMs + record.sentAtMs + offsetMs,
        ttftMs: record.ttftMs,
        tpotMs: record.tpotMs,
        truth,
      })
    }
    product = errorsOf(productSamples)
    if (productSamples.length < run.ok)
      notes.push(`${run.ok - productSamples.length} ok records had no server truth`)

    // Reference: the minimal node:http client against the same server.
    await server.ask('reset')
    const timings = await runRawTimedClient(
      server.baseUrl,
      RATE_PER_SEC,
      durationSec * 1000,
      REFERENCE_ID_BASE,
      TOKENS,
    )
    const referenceTruths = new Map(
      (await server.ask<{ records: TruthRecord[] }>('records')).records.map((truth) => [truth.id, truth]),
    )
    reference = errorsOf(
      timings.flatMap((timing) => {
        const truth = referenceTruths.get(timing.id)
        return truth === undefined
          ? []
          : [{ sentMs: timing.sentAtMs + offsetMs, ttftMs: timing.ttftMs, tpotMs: timing.tpotMs, truth }]
      }),
    )
    const allLate = productTruths.map((truth) => truth.maxLateMs)
    const firstLate = productTruths.map((truth) => truth.firstLateMs)
    lateness = {
      firstMean: meanOf(firstLate),
      firstP99: percentileOf(firstLate, 99),
      allP99: percentileOf(allLate, 99),
      allMax: allLate.length === 0 ? null : Math.max(...allLate),
    }
  } finally {
    await server.stop()
  }

  const ref = (value: number | null, digits = 3) => `${fixed(value, digits)} raw node:http`
  const rows: Row[] = [
    {
      figure: 'requests compared with server truth',
      measured: String(product.n),
      reference: `${reference.n} raw node:http`,
      goal: '-',
      met: null,
    },
    {
      figure: 'TTFT error mean, ms (reported - true)',
      measured: fixed(product.ttftMean, 3),
      reference: ref(reference.ttftMean),
      goal: `<= ${GOAL_MEAN_TTFT_MS}`,
      met: product.ttftMean !== null && Math.abs(product.ttftMean) <= GOAL_MEAN_TTFT_MS,
    },
    {
      figure: 'TTFT error p50, ms',
      measured: fixed(product.ttftP50, 3),
      reference: ref(reference.ttftP50),
      goal: '-',
      met: null,
    },
    {
      figure: 'TTFT error p99, ms',
      measured: fixed(product.ttftP99, 3),
      reference: ref(reference.ttftP99),
      goal: `<= ${GOAL_P99_TTFT_MS}`,
      met: product.ttftP99 !== null && Math.abs(product.ttftP99) <= GOAL_P99_TTFT_MS,
    },
    {
      figure: 'TTFT error max, ms',
      measured: fixed(product.ttftMax, 3),
      reference: ref(reference.ttftMax),
      goal: '-',
      met: null,
    },
    {
      figure: '  request leg: send -> server read end, mean / p50 / p99',
      measured: `${fixed(product.requestLegMean, 3)} / ${fixed(product.requestLegP50, 3)} / ${fixed(product.requestLegP99, 3)}`,
      reference: `${fixed(reference.requestLegMean, 3)} / ${fixed(reference.requestLegP50, 3)} / ${fixed(reference.requestLegP99, 3)}`,
      goal: '-',
      met: null,
    },
    {
      figure: '  response leg: server write -> client read, mean / p50 / p99',
      measured: `${fixed(product.responseLegMean, 3)} / ${fixed(product.responseLegP50, 3)} / ${fixed(product.responseLegP99, 3)}`,
      reference: `${fixed(reference.responseLegMean, 3)} / ${fixed(reference.responseLegP50, 3)} / ${fixed(reference.responseLegP99, 3)}`,
      goal: '-',
      met: null,
    },
    {
      figure: 'TPOT |error| mean, ms',
      measured: fixed(product.tpotAbsMean, 4),
      reference: ref(reference.tpotAbsMean, 4),
      goal: `<= ${GOAL_TPOT_MS}`,
      met: product.tpotAbsMean !== null && product.tpotAbsMean <= GOAL_TPOT_MS,
    },
    {
      figure: 'TPOT |error| p99, ms',
      measured: fixed(product.tpotAbsP99, 4),
      reference: ref(reference.tpotAbsP99, 4),
      goal: `<= ${GOAL_TPOT_MS}`,
      met: product.tpotAbsP99 !== null && product.tpotAbsP99 <= GOAL_TPOT_MS,
    },
    {
      figure: 'server lateness, first token mean / p99, ms',
      measured: `${fixed(lateness.firstMean, 3)} / ${fixed(lateness.firstP99, 3)}`,
      reference: '(the server, during the Run Bench run)',
      goal: '-',
      met: null,
    },
    {
      figure: 'server lateness, worst token per request p99 / max, ms',
      measured: `${fixed(lateness.allP99, 3)} / ${fixed(lateness.allMax, 3)}`,
      reference: '(truth = actual writes, so lateness does not bias errors)',
      goal: '-',
      met: null,
    },
  ]
  if (failed > 0) notes.push(`${failed} Run Bench requests failed, e.g. ${firstError}`)
  notes.push(
    `Run Bench ran with ${workers === 1 ? '1 thread' : `${workers} workers`} (its default for this load on ${bench.cpus} cores), ` +
      `${durationSec} s, open loop at ${fixed(RATE_PER_SEC, 1)} req/s = ${CONCURRENCY} streams of ${STREAM_SEC} s in flight, ` +
      `${TOKENS} tokens, first token ${FIRST_MS} ms after the request was read, then every ${GAP_MS} ms`,
    "TTFT error = reported TTFT - (server's first-token write - server's request read end). The client's clock " +
      'starts when it hands the request to the socket, before the server has read it, so the error is the ' +
      'request leg plus the response leg (both printed): time in the kernel, the loopback and the two event ' +
      'loops, which no client-side timer can see. TPOT compares (last - first token) / 127 on both sides.',
  )

  const goals: GoalResult[] = [
    {
      section: 'Accuracy',
      figure: 'mean TTFT error',
      measured: `${fixed(product.ttftMean, 3)} ms`,
      goal: `<= ${GOAL_MEAN_TTFT_MS} ms`,
      met: product.ttftMean !== null && Math.abs(product.ttftMean) <= GOAL_MEAN_TTFT_MS,
      reason: `request leg ${fixed(product.requestLegMean, 3)} ms + response leg ${fixed(product.responseLegMean, 3)} ms on average; the raw node:http reference's error was ${fixed(reference.ttftMean, 3)} ms`,
    },
    {
      section: 'Accuracy',
      figure: 'p99 TTFT error',
      measured: `${fixed(product.ttftP99, 3)} ms`,
      goal: `<= ${GOAL_P99_TTFT_MS} ms`,
      met: product.ttftP99 !== null && Math.abs(product.ttftP99) <= GOAL_P99_TTFT_MS,
      reason: `request leg p99 ${fixed(product.requestLegP99, 3)} ms, response leg p99 ${fixed(product.responseLegP99, 3)} ms; the reference's p99 was ${fixed(reference.ttftP99, 3)} ms`,
    },
    {
      section: 'Accuracy',
      figure: 'TPOT error (p99 of |error|)',
      measured: `${fixed(product.tpotAbsP99, 4)} ms`,
      goal: `<= ${GOAL_TPOT_MS} ms`,
      met: product.tpotAbsP99 !== null && product.tpotAbsP99 <= GOAL_TPOT_MS,
      reason: `mean |error| ${fixed(product.tpotAbsMean, 4)} ms; the reference's p99 was ${fixed(reference.tpotAbsP99, 4)} ms`,
    },
  ]
  return {
    title: `2. Accuracy: TTFT and TPOT against the server's own records, ${CONCURRENCY} streams in flight`,
    rows,
    goals,
    notes,
  }
}
