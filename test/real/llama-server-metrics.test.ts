// The real llama-server with --metrics: its scraped llamacpp:tokens_predicted_total delta equals
// the output tokens the client was told in usage. Skipped when no binary is found.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { request } from 'undici'
import { startScraper } from '../../src/telemetry/scraper.js'
import { summarizeTelemetry } from '../../src/telemetry/telemetry-summary.js'
import { cachedLlamaServerPath, findLlamaServer, startLlamaServer } from '../support/llama-server.js'

const binary = findLlamaServer()
const skip =
  binary === null
    ? `no llama-server binary (set LLAMA_SERVER_BIN or run scripts/build-llama-server.sh, which installs ${cachedLlamaServerPath()})`
    : false

test('llama-server --metrics counts exactly the output tokens the client received', {
  skip,
  timeout: 120_000,
}, async (t) => {
  const server = await startLlamaServer({ slots: 2, ctx: 512, extraArgs: ['--metrics'] })
  t.after(() => server.close())
  const metricsUrl = server.baseUrl.replace(/\/v1$/, '/metrics')
  const scraper = startScraper({ urls: [metricsUrl], intervalMs: 0, clock: () => performance.now() })
  t.after(() => scraper.stop())

  const [before] = await scraper.scrapeNow()
  assert.equal(before?.ok, true, `${metricsUrl}: ${before?.error}`)
  const windowStartMs = performance.now()
  let outputTokens = 0
  let inputTokens = 0
  for (const maxTokens of [5, 8, 13]) {
    const res = await request(`${server.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: server.modelName,
        messages: [{ role: 'user', content: 'hello world' }],
        max_tokens: maxTokens,
        ignore_eos: true,
      }),
    })
    const body = (await res.body.json()) as { usage: { prompt_tokens: number; completion_tokens: number } }
    outputTokens += body.usage.completion_tokens
    inputTokens += body.usage.prompt_tokens
  }
  const windowEndMs = performance.now()
  const [after] = await scraper.scrapeNow()
  assert.equal(outputTokens, 26)
  const summary = summarizeTelemetry({
    samples: [before, after].filter((x) => x !== undefined),
    windowStartMs,
    windowEndMs,
    client: { outputTokens, inputTokens, okRequests: 3 },
  })
  assert.deepEqual(summary.recognised, ['llamacpp'])
  assert.equal(summary.serverGenerationTokens, 26)
  assert.equal(summary.generationAgreementPercent, 100)
})
