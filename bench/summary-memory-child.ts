// One side of the summary-memory section, in its own process so that its peak RSS is its
// own: `--mode bounded` pushes synthetic records through BoundedColumn (exact up to 1 M
// values per metric, then HdrHistogram), `--mode exact` through the FloatColumns the summary
// keeps today (the reference: one float per metric per record).
import { BoundedColumn } from '../src/stats/bounded-column.js'
import { FloatColumn } from '../src/stats/float-column.js'
import { readMemory, retainedBytes } from './process-stats.js'
import { argValue } from './servers/sse-chunks.js'

/** The per-request metrics summarize() keeps a column for (ttft, ttfb, ttfo, e2e, tpot, …). */
export const METRICS_PER_RECORD = 11

export interface SummaryMemoryResult {
  records: number
  retainedBytes: number
  peakRssBytes: number
  baseRssBytes: number
  seconds: number
  /** p99 of the first metric (TTFT-like), and how it was computed. */
  p99: number
  method: string
}

// A full GC frees large typed arrays' memory on a background thread, after gc() returns: read
// memory after a second GC a moment later, or the exact phase's dropped columns still count.
async function settledMemory() {
  readMemory(true)
  await new Promise((resolve) => setTimeout(resolve, 200))
  return readMemory(true)
}

async function main(): Promise<void> {
  const mode = argValue('--mode') ?? 'bounded'
  const records = Number(argValue('--records') ?? 20_000_000)
  const before = await settledMemory()
  const baseRss = process.resourceUsage().maxRSS * 1024
  const startMs = performance.now()
  let seed = 12345
  // A fixed LCG: the same synthetic values in both modes, no allocation per value.
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    return seed / 4294967296
  }
  let p99 = Number.NaN
  let method = 'exact'
  if (mode === 'exact') {
    const columns = Array.from({ length: METRICS_PER_RECORD }, () => new FloatColumn())
    for (let r = 0; r < records; r++) {
      for (let m = 0; m < METRICS_PER_RECORD; m++)
        (columns[m] as FloatColumn).push(20 + 200 * next() * next())
    }
    const after = await settledMemory()
    const sorted = (columns[0] as FloatColumn).view().slice().sort()
    p99 = sorted[Math.floor(0.99 * (sorted.length - 1))] as number
    send(records, retainedBytes(after) - retainedBytes(before), baseRss, startMs, p99, method)
  } else {
    const columns = Array.from({ length: METRICS_PER_RECORD }, () => new BoundedColumn())
    for (let r = 0; r < records; r++) {
      for (let m = 0; m < METRICS_PER_RECORD; m++)
        (columns[m] as BoundedColumn).push(20 + 200 * next() * next())
    }
    const after = await settledMemory()
    const d = (columns[0] as BoundedColumn).distribution()
    p99 = d?.p99 ?? Number.NaN
    method = d?.method ?? 'exact'
    send(records, retainedBytes(after) - retainedBytes(before), baseRss, startMs, p99, method)
  }
}

function send(
  records: number,
  retained: number,
  baseRss: number,
  startMs: number,
  p99: number,
  method: string,
): void {
  const result: SummaryMemoryResult = {
    records,
    retainedBytes: retained,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    baseRssBytes: baseRss,
    seconds: (performance.now() - startMs) / 1000,
    p99,
    method,
  }
  process.send?.({ type: 'result', result })
}

await main()
