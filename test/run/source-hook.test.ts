import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { ResultPaths } from '../../src/results/result-paths.js'
import { buildRunSource } from '../../src/run/run-source.js'
import { createSourceHook, readPrefixCounters } from '../../src/run/source-hook.js'
import { summarize } from '../../src/stats/summarize.js'
import type { RunMeta, RunPlan } from '../../src/types.js'
import { createTokenCounter } from '../../src/workload/tokenizer.js'
import { type Route, startRouteServer } from '../support/route-server.js'

const metrics = (queries: number, hits: number) => `# TYPE vllm:prefix_cache_queries_total counter
vllm:prefix_cache_queries_total{model_name="a"} ${queries}
# TYPE vllm:prefix_cache_hits_total counter
vllm:prefix_cache_hits_total{model_name="a"} ${hits}
vllm:prefix_cache_hits_total{model_name="b"} 1
`

function planFor(baseUrl: string, mode: 'shared' | 'random'): RunPlan {
  return {
    target: { name: 't', description: '', kind: 'openai', baseUrl, headers: {}, keepalive: true },
    model: { name: 'm', fullName: 'm', description: '', source: 'command line' },
    workload: {
      name: 'w',
      description: '',
      requests: 1,
      arrival: 'constant',
      concurrency: 1,
      maxTokens: 8,
      temperature: 0,
      promptType: 'short',
      api: 'chat',
      ignoreEos: false,
      sources: { input_tokens: 8, prefix: { tokens: 16, mode } },
    },
    prompts: [],
    seed: 1,
    timeouts: { connectMs: 1000, firstByteMs: 1000, idleMs: 1000, totalMs: 1000 },
    outputDir: '/tmp',
    graceMs: 0,
    toolVersion: 'test',
  }
}

describe('prompt-source hook', () => {
  test('reads vLLM prefix-cache counters summed over series', () => {
    assert.deepEqual(readPrefixCounters(metrics(100, 40)), { queriedTokens: 100, hitTokens: 41 })
    assert.equal(readPrefixCounters('# TYPE other counter\nother 1\n'), null)
  })

  test('the hit rate covers the load only, and a "random" prefix run with hits is warned about', async (t) => {
    const routes: Record<string, Route> = { '/metrics': { status: 200, body: metrics(1000, 200) } }
    const server = await startRouteServer(routes)
    t.after(server.close)
    const plan = planFor(`${server.origin}/v1`, 'random')
    const source = buildRunSource(plan, await createTokenCounter({ kind: 'default' }), false)
    assert.ok(source !== null)
    const hook = createSourceHook(source)
    const context = {
      plan,
      paths: {} as ResultPaths,
      meta: { capabilities: null } as RunMeta,
      signal: new AbortController().signal,
    }
    await hook.beforeLoad?.(context)
    // The counters are read when the window opens (after priming and the warm-up).
    await hook.windowStart?.(context)
    // During the load the server counted 400 more query tokens, 100 of them hits.
    routes['/metrics'] = { status: 200, body: metrics(1400, 300) }
    const summary = summarize([], { ...context, ...summaryInfo })
    await hook.afterLoad?.({ ...context, summary, result: {} as never })
    assert.deepEqual(summary.sources?.prefixCache, {
      url: `${server.origin}/metrics`,
      queriedTokens: 400,
      hitTokens: 100,
      hitRate: 0.25,
    })
    assert.equal(summary.sources?.warnings?.length, 1)
    assert.match(
      summary.sources?.warnings?.[0] ?? '',
      /"random" prefix run shows prefix-cache hits \(hit rate 25\.0 %\)/,
    )
  })

  test('a server without /metrics: no figure, no warning, the run goes on', async (t) => {
    const server = await startRouteServer({})
    t.after(server.close)
    const plan = planFor(`${server.origin}/v1`, 'random')
    const source = buildRunSource(plan, await createTokenCounter({ kind: 'default' }), false)
    assert.ok(source !== null)
    const hook = createSourceHook(source)
    const context = {
      plan,
      paths: {} as ResultPaths,
      meta: { capabilities: null } as RunMeta,
      signal: new AbortController().signal,
    }
    await hook.beforeLoad?.(context)
    const summary = summarize([], { ...context, ...summaryInfo })
    await hook.afterLoad?.({ ...context, summary, result: {} as never })
    assert.equal(summary.sources?.prefixCache, undefined)
    assert.equal(summary.sources?.warnings, undefined)
    assert.match(summary.sources?.label ?? '', /random prefix of 16 tokens/)
  })
})

const summaryInfo = {
  runId: 'r',
  target: 't',
  model: 'm',
  workload: 'w',
  startedAt: '2026-12-03T00:00:00.000Z',
  offeredRps: null,
  concurrency: 1,
  clientHealth: null,
}
