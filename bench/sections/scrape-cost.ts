// 7. Scrape cost (issue 14): does watching the server load the client? The simulator (its
// own process) serves /v1 and the vLLM-named /metrics a run scrapes. Two figures:
// - client CPU per scrape of that /metrics (request, body, parse), scrapes one after another;
// - client TTFT at a fixed load with a scraper running every 100 ms (AIPerf's default, ten
//   times Run Bench's 1 s) against the same load without one, as a ratio of medians. Runs
//   alternate off, on, off, on so a machine that slows down over time hurts both sides.
import { startScraper } from '../../src/telemetry/scraper.js'
import type { BenchContext, SectionResult } from '../bench-context.js'
import { benchPlan } from '../bench-plan.js'
import { cpuMsSince } from '../process-stats.js'
import { runProduct } from '../product-run.js'
import { fixed, type GoalResult, percentileOf, type Row } from '../report-table.js'
import { startServer } from '../server-process.js'

const SCRAPE_INTERVAL_MS = 100
const RPS = 20
/** Scraping at 10× the default rate may cost the client at most this much TTFT. */
const GOAL_TTFT_RATIO = 1.05

export async function scrapeCostSection(bench: BenchContext): Promise<SectionResult> {
  const server = await startServer('scrape-sim-server', ['--prefill-ms', '20', '--decode-ms', '5'])
  const metricsUrl = `http://127.0.0.1:${server.port}/metrics`
  const rows: Row[] = []
  const goals: GoalResult[] = []
  const notes: string[] = []
  try {
    // CPU per scrape, after a few unmeasured ones (JIT, connection).
    const scrapes = bench.quick ? 200 : 1000
    const scraper = startScraper({ urls: [metricsUrl], intervalMs: 0, clock: () => performance.now() })
    for (let i = 0; i < 50; i++) await scraper.scrapeNow()
    const cpuBase = process.cpuUsage()
    const wallStartMs = performance.now()
    let seriesPerScrape = 0
    for (let i = 0; i < scrapes; i++) {
      const [sample] = await scraper.scrapeNow()
      if (!sample?.ok) throw new Error(`Scraping ${metricsUrl} failed: ${sample?.error}`)
      seriesPerScrape = sample.series.length + sample.histograms.length
    }
    const cpuPerScrapeMs = cpuMsSince(cpuBase) / scrapes
    const wallPerScrapeMs = (performance.now() - wallStartMs) / scrapes
    await scraper.stop()
    rows.push({
      figure: `client CPU per scrape (${seriesPerScrape} series)`,
      measured: `${fixed(cpuPerScrapeMs, 3)} ms`,
      reference: `wall ${fixed(wallPerScrapeMs, 3)} ms`,
      goal: '',
      met: null,
    })
    rows.push({
      figure: 'client CPU share at the 1 s default',
      measured: `${fixed((cpuPerScrapeMs / 1000) * 100, 3)} % of a core`,
      reference: `at ${SCRAPE_INTERVAL_MS} ms: ${fixed((cpuPerScrapeMs / SCRAPE_INTERVAL_MS) * 100, 2)} %`,
      goal: '',
      met: null,
    })

    // TTFT with and without a scraper at a fixed load.
    const durationSec = bench.quick ? 1.5 : 3
    const plan = benchPlan(server.baseUrl, { rps: RPS, durationSec, concurrency: 64, maxTokens: 16 })
    const ttfts = { off: [] as number[], on: [] as number[] }
    let scrapesDuringLoad = 0
    await runProduct(
      bench.product,
      { ...plan, workload: { ...plan.workload, durationSec: 1 } },
      {
        workers: 1,
        keepRecords: false,
      },
    )
    for (const mode of ['off', 'on', 'off', 'on'] as const) {
      let background: ReturnType<typeof startScraper> | null = null
      await runProduct(bench.product, plan, {
        workers: 1,
        beforeRun: () => {
          if (mode === 'on')
            background = startScraper({
              urls: [metricsUrl],
              intervalMs: SCRAPE_INTERVAL_MS,
              clock: () => performance.now(),
            })
        },
        onRecord: (record) => {
          if (record.ttft_ms !== null) ttfts[mode].push(record.ttft_ms)
        },
      })
      const stopped = background as ReturnType<typeof startScraper> | null
      if (stopped !== null) scrapesDuringLoad += (await stopped.stop()).length
    }
    const off = percentileOf(ttfts.off, 50)
    const on = percentileOf(ttfts.on, 50)
    const ratio = off === null || on === null ? null : on / off
    const met = ratio !== null && ratio <= GOAL_TTFT_RATIO
    rows.push({
      figure: `client TTFT p50, scraping every ${SCRAPE_INTERVAL_MS} ms / off`,
      measured: `${fixed(ratio, 3)} (${fixed(on, 2)} / ${fixed(off, 2)} ms)`,
      reference: `p99 ${fixed(percentileOf(ttfts.on, 99), 2)} / ${fixed(percentileOf(ttfts.off, 99), 2)} ms`,
      goal: `<= ${GOAL_TTFT_RATIO}`,
      met,
    })
    goals.push({
      section: 'scrape cost',
      figure: 'TTFT p50 ratio, scraping on / off',
      measured: fixed(ratio, 3),
      goal: `<= ${GOAL_TTFT_RATIO}`,
      met,
      reason: met ? '' : `median TTFT ${fixed(on, 2)} ms with scraping vs ${fixed(off, 2)} ms without`,
    })
    notes.push(
      `${RPS} req/s for ${durationSec} s per run, max_tokens 16, ${ttfts.on.length} + ${ttfts.off.length} requests; ` +
        `${scrapesDuringLoad} scrapes during the loaded runs; the simulator answers TTFT in about 25 ms`,
    )
  } finally {
    await server.stop()
  }
  return { title: 'Scrape cost (telemetry)', rows, goals, notes }
}
