import assert from 'node:assert/strict'
import { test } from 'node:test'
import { request } from 'undici'
import { startSimServer } from '../../src/sim/server.js'
import { startScraper } from '../../src/telemetry/scraper.js'
import { summarizeTelemetry } from '../../src/telemetry/telemetry-summary.js'

// Each request runs alone: its first step costs prefillBaseMs + one decode of a batch of one,
// every later token one decode step, so its sequence time is 2 + n × (4 + 1) ms exactly on
// the engine's planned clock. prefillPerTokenMs 0 keeps that independent of the prompt.
const SIM = {
  prefillBaseMs: 2,
  prefillPerTokenMs: 0,
  decodeBaseMs: 4,
  decodePerSeqMs: 1,
  idleWatts: 10,
  wattsPerSequence: 200,
}
const MAX_TOKENS = [5, 7, 9]

async function complete(baseUrl: string, maxTokens: number): Promise<{ prompt: number; completion: number }> {
  const res = await request(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'sim-llama-8b',
      messages: [{ role: 'user', content: 'Count the stars in a small sky' }],
      max_tokens: maxTokens,
      stream: false,
    }),
  })
  const body = (await res.body.json()) as { usage: { prompt_tokens: number; completion_tokens: number } }
  return { prompt: body.usage.prompt_tokens, completion: body.usage.completion_tokens }
}

test('the simulator /metrics counts tokens exactly and integrates its power model into the energy counter', async (t) => {
  const sim = await startSimServer(SIM)
  t.after(() => sim.close())
  const origin = sim.url.replace(/\/v1$/, '')
  const scraper = startScraper({ urls: [`${origin}/metrics`], intervalMs: 0, clock: () => performance.now() })
  t.after(() => scraper.stop())

  const [before] = await scraper.scrapeNow()
  const windowStartMs = performance.now()
  let prompt = 0
  let completion = 0
  for (const maxTokens of MAX_TOKENS) {
    const usage = await complete(sim.url, maxTokens)
    prompt += usage.prompt
    completion += usage.completion
  }
  const windowEndMs = performance.now()
  const [after] = await scraper.scrapeNow()
  assert.ok(before?.ok && after?.ok, `${before?.error} ${after?.error}`)
  assert.equal(completion, 21)

  const value = (sample: typeof before, name: string) =>
    sample?.series.find((s) => s.name === name)?.value ?? Number.NaN
  assert.equal(
    value(after, 'vllm:generation_tokens_total') - value(before, 'vllm:generation_tokens_total'),
    21,
  )
  assert.equal(value(after, 'vllm:prompt_tokens_total') - value(before, 'vllm:prompt_tokens_total'), prompt)
  assert.equal(value(after, 'vllm:num_requests_running'), 0)
  assert.equal(after?.series.find((s) => s.name === 'DCGM_FI_DEV_POWER_USAGE')?.labels.simulated, 'true')
  const ttft = after?.histograms.find((h) => h.name === 'vllm:time_to_first_token_seconds')
  assert.equal(ttft?.count, 3)

  // Energy (mJ = W × ms): 200 W × Σ(2 + 5n) ms over n = 5, 7, 9 (= 111 ms) plus 10 W idle over
  // the time between the two renders, which lies between the scrapes' starts and ends.
  const sequenceMj = 200 * (27 + 37 + 47)
  const energyDelta =
    value(after, 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION') -
    value(before, 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION')
  const a = before as NonNullable<typeof before>
  const b = after as NonNullable<typeof after>
  const shortest = sequenceMj + 10 * (b.atMs - (a.atMs + a.durationMs))
  const longest = sequenceMj + 10 * (b.atMs + b.durationMs - a.atMs)
  assert.ok(
    energyDelta >= shortest - 1 && energyDelta <= longest + 1,
    `${energyDelta} not in [${shortest}, ${longest}]`,
  )

  const summary = summarizeTelemetry({
    samples: [a, b],
    windowStartMs,
    windowEndMs,
    client: { outputTokens: completion, inputTokens: prompt, okRequests: 3 },
  })
  assert.equal(summary.available, true)
  assert.deepEqual(summary.recognised, ['dcgm', 'vllm'])
  assert.equal(summary.generationAgreementPercent, 100)
  assert.equal(summary.promptAgreementPercent, 100)
  assert.equal(summary.energy.source, 'energy_counter')
  // Tokens per joule sits inside the bounds the power model allows for the scrape timing.
  const tokensPerJoule = summary.tokensPerJoule as number
  assert.ok(tokensPerJoule >= 21 / ((longest + 1) / 1000) && tokensPerJoule <= 21 / ((shortest - 1) / 1000))
  assert.equal(summary.serverTtft?.count, 3)
})

test('tokens per joule of a simulator with no idle power equals its per-sequence model within 1 %', async (t) => {
  const sim = await startSimServer({ ...SIM, idleWatts: 0 })
  t.after(() => sim.close())
  const scraper = startScraper({
    urls: [sim.url.replace(/\/v1$/, '/metrics')],
    intervalMs: 0,
    clock: () => performance.now(),
  })
  t.after(() => scraper.stop())
  const [before] = await scraper.scrapeNow()
  const windowStartMs = performance.now()
  let completion = 0
  for (const maxTokens of MAX_TOKENS) completion += (await complete(sim.url, maxTokens)).completion
  const windowEndMs = performance.now()
  const [after] = await scraper.scrapeNow()
  const summary = summarizeTelemetry({
    samples: [before, after].filter((x) => x !== undefined),
    windowStartMs,
    windowEndMs,
    client: { outputTokens: completion, inputTokens: 0, okRequests: 3 },
  })
  // 200 W × 111 ms of sequence time = 22.2 J for 21 tokens, independent of any timing.
  const model = 21 / 22.2
  const tokensPerJoule = summary.tokensPerJoule as number
  assert.ok(Math.abs(tokensPerJoule - model) / model < 0.01, `${tokensPerJoule} vs ${model}`)
  assert.equal(summary.joulesPerRequest, 22.2 / 3)
})

test('a simulator with a prefix cache serves vLLM hit and query counters; the summary divides their deltas', async (t) => {
  const sim = await startSimServer({ ...SIM, prefixCacheTokens: 4096 })
  t.after(() => sim.close())
  const scraper = startScraper({
    urls: [sim.url.replace(/\/v1$/, '/metrics')],
    intervalMs: 0,
    clock: () => performance.now(),
  })
  t.after(() => scraper.stop())
  const [before] = await scraper.scrapeNow()
  // The counters appear once an engine has a prefix cache: simModelTiming passes
  // prefixCacheTokens on to the engines only where the prompt-source work (issue 16) lands.
  const prompt = 'The same long system prompt, repeated so that its blocks are cached. '.repeat(8)
  let promptTokens = 0
  for (let i = 0; i < 2; i++) {
    const res = await request(`${sim.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'sim-llama-8b',
        messages: [{ role: 'user', content: prompt }],
        max_tokens: 2,
      }),
    })
    promptTokens += ((await res.body.json()) as { usage: { prompt_tokens: number } }).usage.prompt_tokens
  }
  const [after] = await scraper.scrapeNow()
  const value = (sample: typeof before, name: string) =>
    sample?.series.find((s) => s.name === name)?.value ?? Number.NaN
  if (Number.isNaN(value(after, 'vllm:prefix_cache_queries_total'))) {
    t.skip(
      'the simulator does not pass prefixCacheTokens to its engines yet (src/sim/options.ts simModelTiming)',
    )
    return
  }
  const queries =
    value(after, 'vllm:prefix_cache_queries_total') - value(before, 'vllm:prefix_cache_queries_total')
  const hits = value(after, 'vllm:prefix_cache_hits_total') - value(before, 'vllm:prefix_cache_hits_total')
  // Every prompt token is looked up; the second request finds the first one's blocks.
  assert.equal(queries, promptTokens)
  assert.ok(hits > 0 && hits < promptTokens / 2, `${hits} of ${promptTokens}`)
  assert.equal(hits % 16, 0)
  const summary = summarizeTelemetry({
    samples: [before, after].filter((x) => x !== undefined),
    windowStartMs: before?.atMs ?? 0,
    windowEndMs: after?.atMs ?? 0,
    client: { outputTokens: 4, inputTokens: promptTokens, okRequests: 2 },
  })
  assert.equal(summary.prefixCacheHitRate, hits / queries)
})
