// 3. Open loop: is the asked rate the rate the server saw? The server notes every arrival;
// the rate is counted there, from the run's start (so runBenchmark's unrecorded warm-up
// request is not counted). Schedule lag comes from the records (sent − scheduled).

import type { BenchContext, SectionResult } from '../bench-context.js'
import { benchPlan } from '../bench-plan.js'
import { runProduct } from '../product-run.js'
import { runRawOpenLoop } from '../raw-http-client.js'
import { fixed, type GoalResult, percentileOf, type Row } from '../report-table.js'
import { startServer } from '../server-process.js'
import { monotonicMs } from '../servers/sse-chunks.js'

const RATES = [200, 1000, 5000]
const CONCURRENCY_CAP = 256
const GOAL_RATE_ERROR = 0.01

/** Rate over the arrivals at or after fromMs: (n − 1) gaps over the span they cover. */
function serverRate(arrivals: number[], fromMs: number): { count: number; ratePerSec: number | null } {
  const seen = arrivals.filter((at) => at >= fromMs).sort((a, b) => a - b)
  const first = seen[0]
  const last = seen[seen.length - 1]
  if (first === undefined || last === undefined || last === first)
    return { count: seen.length, ratePerSec: null }
  return { count: seen.length, ratePerSec: ((seen.length - 1) / (last - first)) * 1000 }
}

export async function openLoopSection(bench: BenchContext): Promise<SectionResult> {
  const durationSec = bench.quick ? 1.5 : 4
  const server = await startServer('canned-server', ['--tokens', '4', '--arrivals'])
  const rows: Row[] = []
  const goals: GoalResult[] = []
  const notes: string[] = []
  try {
    for (const rps of RATES) {
      const workers = bench.product.defaultWorkerCount({ concurrency: CONCURRENCY_CAP, rps }, bench.cpus)
      // Reference first: node:http on the same absolute schedule.
      await server.ask('reset')
      const referenceStartMs = monotonicMs()
      const reference = await runRawOpenLoop(server.baseUrl, rps, durationSec * 1000, CONCURRENCY_CAP)
      const referenceArrivals = (await server.ask<{ arrivals: number[] }>('arrivals')).arrivals
      const referenceRate = serverRate(referenceArrivals, referenceStartMs)

      let runStartMonotonicMs = 0
      const lagsMs: number[] = []
      const run = await runProduct(
        bench.product,
        benchPlan(server.baseUrl, { rps, durationSec, concurrency: CONCURRENCY_CAP, maxTokens: 4 }),
        {
          workers,
          // Same load, unmeasured: fresh worker threads start with cold JIT.
          warmupSec: bench.quick ? 0.5 : 1,
          beforeRun: () => server.ask('reset'),
          wrapSend: (send) => (spec, ctx) => {
            // The run's start on the server's clock: arrivals before it are the warm-up.
            if (spec.requestId === 0)
              runStartMonotonicMs = monotonicMs() - (performance.now() - ctx.runStartMs)
            return send(spec, ctx)
          },
          onRecord: (record) => {
            if (record.scheduled_at_ms !== null) lagsMs.push(record.sent_at_ms - record.scheduled_at_ms)
          },
        },
      )
      const arrivals = (await server.ask<{ arrivals: number[] }>('arrivals')).arrivals
      const rate = serverRate(arrivals, runStartMonotonicMs)
      const askedCount = Math.ceil(rps * durationSec)
      const rateError = rate.ratePerSec === null ? null : (rate.ratePerSec - rps) / rps
      const countError = (rate.count - askedCount) / askedCount
      const met =
        rateError !== null &&
        Math.abs(rateError) <= GOAL_RATE_ERROR &&
        Math.abs(countError) <= GOAL_RATE_ERROR
      const health = run.result.clientHealth
      rows.push(
        {
          figure: `${rps} req/s asked: rate counted by the server`,
          measured: `${fixed(rate.ratePerSec, 1)} (${fixed((rateError ?? 0) * 100, 2)}%)`,
          reference: `${fixed(referenceRate.ratePerSec, 1)} raw node:http`,
          goal: 'within 1%',
          met,
        },
        {
          figure: `${rps} req/s: requests the server got / asked`,
          measured: `${rate.count} / ${askedCount}`,
          reference: `${referenceRate.count} / ${Math.floor(rps * durationSec)}`,
          goal: 'within 1%',
          met: Math.abs(countError) <= GOAL_RATE_ERROR,
        },
        {
          figure: `${rps} req/s: schedule lag p50 / p99 / max, ms`,
          measured: `${fixed(percentileOf(lagsMs, 50), 3)} / ${fixed(percentileOf(lagsMs, 99), 3)} / ${fixed(lagsMs.length === 0 ? null : Math.max(...lagsMs), 3)}`,
          reference: `${fixed(percentileOf(reference.lagsMs, 50), 3)} / ${fixed(percentileOf(reference.lagsMs, 99), 3)} / ${fixed(reference.lagsMs.length === 0 ? null : Math.max(...reference.lagsMs), 3)}`,
          goal: 'printed',
          met: null,
        },
        {
          figure: `${rps} req/s: client-limited flag (threads)`,
          measured: `${health.limited ? 'LIMITED' : 'no'} (${workers === 1 ? '1 thread' : `${workers} workers`})`,
          reference: '-',
          goal: '-',
          met: null,
        },
      )
      if (run.completed !== run.ok)
        notes.push(`${rps} req/s: ${run.completed - run.ok} failed, e.g. ${run.firstError}`)
      if (reference.failed > 0) notes.push(`${rps} req/s reference: ${reference.failed} failed`)
      for (const reason of health.reasons) notes.push(`${rps} req/s: ${reason}`)
      goals.push({
        section: 'Open loop',
        figure: `achieved rate at ${rps} req/s (server-counted)`,
        measured: `${fixed(rate.ratePerSec, 1)} req/s, ${rate.count} of ${askedCount} requests`,
        goal: 'within 1%',
        met,
        reason: `schedule lag p99 ${fixed(percentileOf(lagsMs, 99), 3)} ms; the reference reached ${fixed(referenceRate.ratePerSec, 1)} req/s`,
      })
    }
  } finally {
    await server.stop()
  }
  notes.push(
    `${durationSec} s per rate, constant arrivals, 4-token streams, concurrency cap ${CONCURRENCY_CAP}; ` +
      'server rate = (arrivals - 1) / (last - first arrival); schedule lag = sent_at_ms - scheduled_at_ms of every record',
  )
  return { title: '3. Open loop: asked vs achieved rate, counted by the server', rows, goals, notes }
}
