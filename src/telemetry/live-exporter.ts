// Run Bench's own live metrics for a Prometheus watching a long run (--prometheus-port) and
// the final values for CI (--pushgateway). One prom-client Registry per run, never the
// global one, so two runs in one process (sweeps, tests) do not share counters.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Counter, Gauge, Histogram, Pushgateway, Registry } from 'prom-client'
import type { RequestRecord } from '../types.js'

// Seconds, Prometheus's base unit. Covers 5 ms … 2 min, the range of LLM TTFT and e2e.
const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]
const TPOT_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.15, 0.3, 0.6, 1.2]

export interface LiveExporterOptions {
  /** Constant labels on every series, e.g. { run_id, target, model }. */
  labels?: Record<string, string>
}

export interface ServedExporter {
  url: string
  port: number
  /** performance.now() of the last two GET /metrics (oldest first). */
  lastScrapesMs(): number[]
  /** Resolves true at the next GET /metrics after this call has been answered, false after maxWaitMs. */
  nextScrape(maxWaitMs: number): Promise<boolean>
  close(): Promise<void>
}

export interface PushResult {
  ok: boolean
  error: string | null
}

export interface LiveExporter {
  readonly registry: Registry
  /** A request left the client (call when it is sent; observe() takes it out of flight). */
  requestSent(): void
  /** Sets the in-flight gauge from the run's own count (its progress snapshots). */
  setInFlight(count: number): void
  /** One completed record (any outcome, including not_sent and aborted). */
  observe(record: RequestRecord): void
  /** The Prometheus text of the current values. */
  metricsText(): Promise<string>
  /** Serves GET /metrics on host (default 127.0.0.1) and port (0 = any free one). */
  serve(port: number, host?: string): Promise<ServedExporter>
  /** Pushes the current values to a Pushgateway (PUT: replaces the job's group). Never throws. */
  push(pushgatewayUrl: string, job: string): Promise<PushResult>
}

export function createLiveExporter(options: LiveExporterOptions = {}): LiveExporter {
  const registry = new Registry()
  if (options.labels) registry.setDefaultLabels(options.labels)
  const registers = [registry]
  const requests = new Counter({
    name: 'run_bench_requests_total',
    help: 'Requests by outcome (ok, http_error, timeout, network_error, stream_error, aborted, not_sent)',
    labelNames: ['outcome'] as const,
    registers,
  })
  const inFlight = new Gauge({
    name: 'run_bench_requests_in_flight',
    help: 'Requests sent and not yet ended',
    registers,
  })
  const notSent = new Counter({
    name: 'run_bench_requests_not_sent_total',
    help: 'Requests scheduled but never sent (no concurrency slot before the run ended)',
    registers,
  })
  const outputTokens = new Counter({
    name: 'run_bench_output_tokens_total',
    help: 'Output tokens of successful requests',
    registers,
  })
  const histogram = (name: string, help: string, buckets: number[]) =>
    new Histogram({ name, help, buckets, registers })
  const ttft = histogram('run_bench_ttft_seconds', 'Time to first token (client side)', LATENCY_BUCKETS_S)
  const tpot = histogram('run_bench_tpot_seconds', 'Time per output token after the first', TPOT_BUCKETS_S)
  const e2e = histogram('run_bench_e2e_seconds', 'Request sent to end of stream', LATENCY_BUCKETS_S)
  const scheduleLag = histogram(
    'run_bench_schedule_lag_seconds',
    'Scheduled to sent: waiting for a slot or for the client itself',
    LATENCY_BUCKETS_S,
  )
  let sentNow = 0

  return {
    registry,
    requestSent() {
      sentNow += 1
      inFlight.set(sentNow)
    },
    setInFlight(count) {
      sentNow = count
      inFlight.set(count)
    },
    observe(record) {
      const outcome = record.outcome as string
      requests.inc({ outcome })
      if (outcome === 'not_sent') {
        notSent.inc()
        return
      }
      if (sentNow > 0) sentNow -= 1
      inFlight.set(sentNow)
      if (record.outcome === 'ok') outputTokens.inc(record.output_tokens)
      if (record.ttft_ms !== null) ttft.observe(record.ttft_ms / 1000)
      if (record.tpot_ms !== null) tpot.observe(record.tpot_ms / 1000)
      if (record.e2e_ms !== null) e2e.observe(record.e2e_ms / 1000)
      if (record.queue_ms !== null) scheduleLag.observe(record.queue_ms / 1000)
    },
    metricsText: () => registry.metrics(),
    async serve(port, host = '127.0.0.1') {
      const scrapesMs: number[] = []
      const waiters = new Set<() => void>()
      const server = createServer((req, res) => {
        if (req.method === 'GET' && (req.url ?? '/').split('?')[0] === '/metrics') {
          registry.metrics().then(
            (text) => {
              res.writeHead(200, { 'content-type': registry.contentType })
              res.end(text, () => {
                scrapesMs.push(performance.now())
                if (scrapesMs.length > 2) scrapesMs.shift()
                for (const wake of [...waiters]) wake()
              })
            },
            (error: Error) => {
              res.writeHead(500, { 'content-type': 'text/plain' })
              res.end(error.message)
            },
          )
          return
        }
        res.writeHead(404, { 'content-type': 'text/plain' })
        res.end('Not found: Run Bench serves GET /metrics')
      })
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, host, () => resolve())
      })
      const bound = (server.address() as AddressInfo).port
      return {
        url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics`,
        port: bound,
        lastScrapesMs: () => [...scrapesMs],
        nextScrape: (maxWaitMs) =>
          new Promise<boolean>((resolve) => {
            const done = (scraped: boolean) => {
              clearTimeout(timer)
              waiters.delete(wake)
              resolve(scraped)
            }
            const wake = () => done(true)
            const timer = setTimeout(() => done(false), maxWaitMs)
            waiters.add(wake)
          }),
        close: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve())
            server.closeAllConnections()
          }),
      }
    },
    async push(pushgatewayUrl, job) {
      try {
        const gateway = new Pushgateway(pushgatewayUrl, { timeout: 5_000 }, registry)
        await gateway.push({ jobName: job })
        return { ok: true, error: null }
      } catch (error) {
        return { ok: false, error: `Push to ${pushgatewayUrl} failed: ${(error as Error).message}` }
      }
    },
  }
}
