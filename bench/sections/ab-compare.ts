// 7. A/A verdicts (issue 15): 40 pairs of real runs against the simulator (its own process,
// restarted with a new seed for every run), compared by `compare`'s statistics. Both runs of
// a pair have the same settings and different seeds (the plan's and the simulator's); goal:
// "no detectable difference" on every metric in ≥ 95% of the pairs. (A 10% slower decode
// needs longer runs than this minute allows to be seen through a busy host's noise; its
// detection is asserted by the tests.) Bounded to about a minute: 81 runs of 24 requests at
// 48 req/s (0.5 s of arrivals each); the pairs stop after 55 s. Runnable alone:
//   node --import tsx bench/sections/ab-compare.ts [--quick]
import { compareRuns, type RunSample } from '../../src/stats/compare.js'
import { summarize } from '../../src/stats/summarize.js'
import type { RequestRecord } from '../../src/types.js'
import type { BenchContext, SectionResult } from '../bench-context.js'
import { benchPlan } from '../bench-plan.js'
import { runProduct } from '../product-run.js'
import { startServer } from '../server-process.js'

const REQUESTS = 24
const RATE_PER_SEC = 48
const TOKENS = 16
/** 16 tokens at 8 ms a step: ~130 ms a request, ~6 in flight at 48 req/s. */
const SIM = { maxBatchSize: 32, prefillBaseMs: 2, prefillPerTokenMs: 0, decodeBaseMs: 8, decodePerSeqMs: 0 }
/** The A/A pairs stop here even when fewer than 40 ran (a loaded machine); the count says so. */
const AA_BUDGET_MS = 55_000

export async function abCompareSection(bench: BenchContext): Promise<SectionResult> {
  const aaPairs = bench.quick ? 10 : 40
  const server = await startServer('sim-server')
  const run = async (seed: number): Promise<RunSample> => {
    const { url } = await server.ask<{ url: string }>('start', {
      options: {
        ...SIM,
        seed,
        defaultOutputTokens: TOKENS,
      },
    })
    const plan = benchPlan(url, { requests: REQUESTS, rps: RATE_PER_SEC, maxTokens: TOKENS, concurrency: 32 })
    const records: RequestRecord[] = []
    await runProduct(
      bench.product,
      { ...plan, seed },
      { workers: 1, keepRecords: false, onRecord: (r) => records.push(r) },
    )
    const info = {
      runId: `seed-${seed}`,
      target: 'sim',
      model: 'bench',
      workload: 'bench',
      startedAt: '',
      offeredRps: RATE_PER_SEC,
      concurrency: 32,
      clientHealth: null,
    }
    return { summary: summarize(records, info), records }
  }
  try {
    bench.log(`ab-compare: ${aaPairs} A/A pairs of ${REQUESTS}-request runs ...`)
    await run(1) // warms the client's code paths; not counted
    let same = 0
    let ran = 0
    const flagged = new Map<string, number>()
    let exampleAa = ''
    const aaStartMs = performance.now()
    for (let pair = 0; pair < aaPairs && performance.now() - aaStartMs < AA_BUDGET_MS; pair++) {
      ran++
      const comparison = compareRuns(await run(100 + 2 * pair), await run(101 + 2 * pair), {
        seed: pair + 1,
      })
      const differing = comparison.metrics.filter((m) => m.verdict === 'better' || m.verdict === 'worse')
      if (differing.length === 0) same++
      for (const metric of differing) flagged.set(metric.id, (flagged.get(metric.id) ?? 0) + 1)
      if (pair === 0) exampleAa = tpotLine(comparison)
    }
    const aaSec = (performance.now() - aaStartMs) / 1000
    const aaRate = same / ran
    const aaMet = aaRate >= 0.95
    const flaggedText =
      flagged.size === 0 ? 'none' : [...flagged].map(([id, count]) => `${id} ×${count}`).join(', ')
    return {
      title: `7. A/A verdicts: pairs of ${REQUESTS}-request runs at ${RATE_PER_SEC} req/s against the simulator`,
      rows: [
        {
          figure: `A/A pairs with no detectable difference on any metric`,
          measured: `${same} of ${ran} (${(aaRate * 100).toFixed(0)}%) in ${aaSec.toFixed(0)} s`,
          reference: `metrics called different: ${flaggedText}`,
          goal: '≥ 95%',
          met: aaMet,
        },
      ],
      goals: [
        {
          section: 'A/A',
          figure: `A/A pairs saying "no difference" (${ran} pairs)`,
          measured: `${same} of ${ran}`,
          goal: '≥ 95%',
          met: aaMet,
          reason: `metrics called different: ${flaggedText}`,
        },
      ],
      notes: [
        `first A/A pair: ${exampleAa}`,
        'A/B detection (decode ×1.1 called worse) is asserted by test/stats/aa-rate.test.ts and test/cli/compare.test.ts',
      ],
    }
  } finally {
    await server.stop()
  }
}

function tpotLine(comparison: ReturnType<typeof compareRuns>): string {
  const metric = comparison.metrics.find((m) => m.id === 'tpot_p50')
  if (metric === undefined || metric.a === null || metric.b === null) return 'TPOT p50 not compared'
  const ci = `[${metric.ciLow?.toFixed(2)}, ${metric.ciHigh?.toFixed(2)}] ms`
  return `TPOT p50 ${metric.a.toFixed(2)} → ${metric.b.toFixed(2)} ms (${((metric.relative ?? 0) * 100).toFixed(1)}%, CI ${ci}): ${metric.verdict}`
}

if (process.argv[1]?.endsWith('ab-compare.ts')) {
  const { loadProduct } = await import('../product.js')
  const { renderTable } = await import('../report-table.js')
  const { stopAllServers } = await import('../server-process.js')
  const log = (line: string) => process.stdout.write(`${line}\n`)
  try {
    const product = await loadProduct(true, log)
    const started = performance.now()
    const result = await abCompareSection({
      product,
      quick: process.argv.includes('--quick'),
      workers: 1,
      cpus: 1,
      tmpDir: '',
      log,
    })
    log(
      `## ${result.title} (${((performance.now() - started) / 1000).toFixed(1)} s)\n\n${renderTable(result.rows)}`,
    )
    for (const note of result.notes) log(`  note: ${note}`)
  } finally {
    stopAllServers()
  }
}
