import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { request } from 'undici'
import { startSimServer } from '../../src/sim/server.js'
import { startScraper } from '../../src/telemetry/scraper.js'
import { createServerMetricsWriter, sampleFromJsonLine } from '../../src/telemetry/server-metrics-file.js'

/** A raw TCP server that accepts and never answers: a hung /metrics. */
async function startHungServer() {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

test('a hung /metrics is recorded as timed out while requests to the target go on', async (t) => {
  const hung = await startHungServer()
  t.after(() => hung.close())
  const sim = await startSimServer({
    decodeBaseMs: 1,
    decodePerSeqMs: 0,
    prefillBaseMs: 1,
    prefillPerTokenMs: 0,
  })
  t.after(() => sim.close())
  const scraper = startScraper({
    urls: [hung.url],
    intervalMs: 0,
    clock: () => performance.now(),
    timeoutMs: 800,
  })
  t.after(() => scraper.stop())

  const scraping = scraper.scrapeNow()
  // The scrape has its own connection: a request to the target finishes while it hangs.
  let requestEndedMs = 0
  const res = await request(`${sim.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'sim-llama-8b',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 3,
    }),
  })
  await res.body.text()
  requestEndedMs = performance.now()
  const [sample] = await scraping
  assert.equal(res.statusCode, 200)
  assert.equal(sample?.ok, false)
  assert.equal(sample?.error, 'timed out')
  assert.ok((sample?.durationMs ?? 0) >= 790, `duration ${sample?.durationMs}`)
  assert.ok(requestEndedMs < (sample?.atMs ?? 0) + (sample?.durationMs ?? 0))
})

test('an HTML page, a refused port and an empty body are reported, not parsed', async (t) => {
  const html = createHttpServer((req, res) => {
    if (req.url === '/plain') {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.end('<html><body>login</body></html>\n')
      return
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end('<!doctype html><html><body>Grafana login</body></html>')
  })
  await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => html.close(() => resolve())))
  const port = (html.address() as AddressInfo).port
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const closedPort = (closed.address() as AddressInfo).port
  await new Promise<void>((resolve) => closed.close(() => resolve()))

  const scraper = startScraper({
    urls: [
      `http://127.0.0.1:${port}/metrics`,
      `http://127.0.0.1:${port}/plain`,
      `http://127.0.0.1:${closedPort}/metrics`,
    ],
    intervalMs: 0,
    clock: () => performance.now(),
    timeoutMs: 2000,
  })
  const samples = await scraper.scrapeNow()
  await scraper.stop()
  assert.deepEqual(
    samples.map((s) => s.ok),
    [false, false, false],
  )
  assert.equal(samples[0]?.error, 'not Prometheus text (content-type text/html)')
  assert.equal(
    samples[1]?.error,
    'not Prometheus text (line 1: not a Prometheus sample: <html><body>login</body></html>)',
  )
  assert.match(samples[2]?.error ?? '', /^ECONNREFUSED/)
})

test('periodic scrapes and edge scrapes are written to the server-metrics file and read back', async (t) => {
  const sim = await startSimServer()
  t.after(() => sim.close())
  const dir = mkdtempSync(join(tmpdir(), 'run-bench-telemetry-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'run.server-metrics.jsonl')
  const writer = createServerMetricsWriter(path)
  let fakeNowMs = 0
  const scraper = startScraper({
    urls: [sim.url.replace(/\/v1$/, '/metrics')],
    intervalMs: 20,
    clock: () => fakeNowMs,
    onSample: writer.write,
  })
  fakeNowMs = 5
  await scraper.scrapeNow()
  await new Promise((resolve) => setTimeout(resolve, 120))
  fakeNowMs = 500
  await scraper.scrapeNow()
  const samples = await scraper.stop()
  await writer.close()
  const lines = readFileSync(path, 'utf8').trim().split('\n')
  assert.equal(lines.length, samples.length)
  assert.ok(samples.length >= 3, `only ${samples.length} samples`)
  const first = sampleFromJsonLine(lines[0] as string)
  assert.equal(first.atMs, 5)
  assert.deepEqual(first, samples[0])
  const ttft = first.histograms.find((h) => h.name === 'vllm:time_to_first_token_seconds')
  assert.equal(ttft?.buckets.at(-1)?.le, Number.POSITIVE_INFINITY)
  assert.equal(sampleFromJsonLine(lines.at(-1) as string).atMs, 500)
})
