// The prompt source's part of the run lifecycle (issue 16): prime-then-measure and the
// prefix-cache check. Before the measurement window it sends the source's priming requests
// (one per shared prefix, unrecorded) and reads the server's prefix-cache counters; after the
// load it reads them again, so the hit rate covers the measured requests only. A "random"
// prefix run (built to defeat the cache) that still shows hits gets a warning: its
// throughput is inflated (vLLM users saw up to 86 %).
import { createTargetPool } from '../client/pool.js'
import { sendRequest } from '../client/send-request.js'
import { httpGet } from '../discovery/http-get.js'
import { targetHeaders } from '../http/credentials.js'
import { parseExposition } from '../telemetry/prom-text.js'
import { defaultMetricsUrl } from '../telemetry/telemetry-session.js'
import type { RunPlan, SourceStats, Summary } from '../types.js'
import { createClientContext } from './client-context.js'
import type { RunHook, RunHookContext } from './run-hooks.js'
import { type RunSource, toClientSpec } from './run-source.js'

/** A scrape that takes longer is skipped: the check must not delay the load. */
const SCRAPE_TIMEOUT_MS = 3000
/** Priming requests get this long each; a prefix that cannot be primed is a warning, not a stop. */
const PRIMING_TIMEOUT_MS = 60_000

/** vLLM's counters (tokens); SGLang and others expose no counters of the same meaning. */
const QUERIES = 'vllm:prefix_cache_queries_total'
const HITS = 'vllm:prefix_cache_hits_total'

export interface PrefixCounters {
  queriedTokens: number
  hitTokens: number
}

/** Sums the prefix-cache counters over series (models, engines); null when the server has none. */
export function readPrefixCounters(metricsText: string): PrefixCounters | null {
  let queriedTokens = 0
  let hitTokens = 0
  let found = false
  for (const series of parseExposition(metricsText).series) {
    const name = series.name.replace(/_total$/, '')
    if (name === QUERIES.replace(/_total$/, '')) queriedTokens += series.value
    else if (name === HITS.replace(/_total$/, '')) hitTokens += series.value
    else continue
    found = true
  }
  return found ? { queriedTokens, hitTokens } : null
}

async function scrapePrefixCounters(plan: RunPlan, url: string): Promise<PrefixCounters | null> {
  const pool = createTargetPool(plan.target, 1, plan.timeouts)
  try {
    const result = await httpGet(url, {
      headers: targetHeaders(plan.target),
      timeoutMs: SCRAPE_TIMEOUT_MS,
      dispatcher: pool,
    })
    // No /metrics (a hosted API, a proxy): the check is skipped, the run goes on.
    return result.status === 200 ? readPrefixCounters(result.bodyText) : null
  } finally {
    await pool.close()
  }
}

/** Sends the priming requests, `concurrency` at a time; returns how many failed. */
async function prime(source: RunSource, ctx: RunHookContext): Promise<number> {
  const specs = source.source.priming()
  if (specs.length === 0) return 0
  const { plan } = ctx
  const { workload } = plan
  const pool = createTargetPool(plan.target, workload.concurrency, plan.timeouts)
  const clientContext = createClientContext(plan, {
    dispatcher: pool,
    countTokens: null,
    signal: ctx.signal,
    timeouts: { ...plan.timeouts, totalMs: Math.min(plan.timeouts.totalMs, PRIMING_TIMEOUT_MS) },
  })
  const defaults = {
    model: plan.model.fullName,
    api: workload.api,
    temperature: workload.temperature,
    includeUsage: true,
    maxTokens: workload.maxTokens,
    ignoreEos: false,
    capabilities: ctx.meta.capabilities,
  }
  let failed = 0
  try {
    for (let start = 0; start < specs.length; start += workload.concurrency) {
      const batch = specs.slice(start, start + workload.concurrency)
      // Unrecorded, as the warm-up request: priming is not part of the measured load.
      const records = await Promise.all(
        batch.map((spec, i) =>
          sendRequest(toClientSpec(spec, -1 - start - i, null, defaults), clientContext),
        ),
      )
      failed += records.filter((record) => !record.success).length
    }
  } finally {
    await pool.close()
  }
  return failed
}

function withSources(summary: Summary): SourceStats {
  summary.sources ??= {
    promptTokensVsRequested: null,
    outputTokensVsRequested: null,
    ttftByTurn: [],
    sessions: null,
  }
  return summary.sources
}

/** The hook of a run whose workload has a prompt source (`source` built for this plan). */
export function createSourceHook(source: RunSource): RunHook {
  let metricsUrl: string | null = null
  let before: PrefixCounters | null = null
  let primingFailed = 0
  return {
    name: 'prompt source',
    async beforeLoad(ctx) {
      primingFailed = await prime(source, ctx)
      if (ctx.plan.target.baseUrl === '') return
      metricsUrl = defaultMetricsUrl(ctx.plan.target.baseUrl)
      before = await scrapePrefixCounters(ctx.plan, metricsUrl)
    },
    async afterLoad({ plan, summary }) {
      const stats = withSources(summary)
      stats.label = source.source.label
      const warnings: string[] = []
      const counts = source.source.counts()
      if (counts.skippedEntries > 0) {
        const listed = counts.skippedLines.slice(0, 5).join('; ')
        const more = counts.skippedEntries > 5 ? ` and ${counts.skippedEntries - 5} more` : ''
        warnings.push(
          `Skipped ${counts.skippedEntries} bad dataset entr${counts.skippedEntries === 1 ? 'y' : 'ies'} (on_bad_prompt: skip): ${listed}${more}`,
        )
      }
      if (primingFailed > 0)
        warnings.push(`${primingFailed} priming request(s) failed: some shared prefixes were not cached`)
      const after =
        before === null || metricsUrl === null ? null : await scrapePrefixCounters(plan, metricsUrl)
      if (after !== null && before !== null && metricsUrl !== null) {
        // Counters only grow; a smaller value means the server restarted: no figure then.
        const queriedTokens = after.queriedTokens - before.queriedTokens
        const hitTokens = after.hitTokens - before.hitTokens
        if (queriedTokens >= 0 && hitTokens >= 0) {
          stats.prefixCache = {
            url: metricsUrl,
            queriedTokens,
            hitTokens,
            hitRate: queriedTokens > 0 ? hitTokens / queriedTokens : null,
          }
        }
      }
      const hitRate = stats.prefixCache?.hitRate ?? serverHitRate(summary)
      if (plan.workload.sources?.prefix?.mode === 'random' && hitRate !== null && hitRate > 0) {
        warnings.push(
          `The "random" prefix run shows prefix-cache hits (hit rate ${(hitRate * 100).toFixed(1)} %): the server reused cached prompt tokens, so its TTFT and throughput are better than an uncached server's`,
        )
      }
      if (warnings.length > 0) stats.warnings = [...(stats.warnings ?? []), ...warnings]
    },
  }
}

/** The telemetry scrape's hit rate (summary.server, issue 14), when that feature ran. */
function serverHitRate(summary: Summary): number | null {
  const server = (summary as { server?: { prefixCacheHitRate?: unknown } }).server
  const rate = server?.prefixCacheHitRate
  return typeof rate === 'number' ? rate : null
}
