// Scrapes Prometheus endpoints during a run. Each URL gets its own undici Client (its own
// connection), never the request pool, so a slow or hanging /metrics cannot hold a slot a
// benchmark request needs; a tick is skipped while that URL's previous scrape is still
// running, so a hung endpoint costs one pending scrape, not a pile of them. Nothing here
// throws: a failed scrape is a sample with `ok: false` and the reason.
import { Client } from '../client/undici.js'
import { parseExposition } from './prom-text.js'
import type { TelemetrySample } from './sample.js'

export interface ScraperOptions {
  urls: readonly string[]
  /** Period of the background scrapes; 0 disables them (explicit scrapeNow() only). */
  intervalMs: number
  /** The run's clock (performance.now() offsets from run start). */
  clock: () => number
  /** Bound on one scrape, connect to last byte. */
  timeoutMs?: number
  /** Called with every sample as it is taken (e.g. to append it to the server-metrics file). */
  onSample?: (sample: TelemetrySample) => void
}

export interface Scraper {
  /** Scrapes every URL now (the scrapes just before and just after the measurement window). */
  scrapeNow(): Promise<TelemetrySample[]>
  /** Every sample taken so far, in the order they completed. */
  samples(): TelemetrySample[]
  /** Stops the timer and closes the connections; resolves with every sample. */
  stop(): Promise<TelemetrySample[]>
}

const DEFAULT_TIMEOUT_MS = 2_000
const MAX_BODY_BYTES = 16 * 1024 * 1024

interface Endpoint {
  url: string
  path: string
  client: Client
  inFlight: Promise<TelemetrySample> | null
}

function errorText(error: unknown): string {
  const err = error as { code?: string; message?: string; name?: string }
  if (
    err.name === 'TimeoutError' ||
    err.code === 'UND_ERR_HEADERS_TIMEOUT' ||
    err.code === 'UND_ERR_BODY_TIMEOUT'
  ) {
    return 'timed out'
  }
  return err.code !== undefined ? `${err.code}: ${err.message ?? ''}`.trim() : (err.message ?? String(error))
}

async function scrapeEndpoint(
  endpoint: Endpoint,
  clock: () => number,
  timeoutMs: number,
): Promise<TelemetrySample> {
  const atMs = clock()
  const failed = (error: string): TelemetrySample => ({
    source: endpoint.url,
    atMs,
    durationMs: clock() - atMs,
    ok: false,
    error,
    series: [],
    histograms: [],
    problems: [],
  })
  try {
    const signal = AbortSignal.timeout(timeoutMs)
    const response = await endpoint.client.request({
      path: endpoint.path,
      method: 'GET',
      headers: { accept: 'text/plain;version=0.0.4;q=1, */*;q=0.1' },
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    })
    const chunks: Buffer[] = []
    let bytes = 0
    for await (const chunk of response.body) {
      bytes += (chunk as Buffer).length
      if (bytes > MAX_BODY_BYTES) {
        response.body.destroy()
        return failed(`body larger than ${MAX_BODY_BYTES} bytes`)
      }
      chunks.push(chunk as Buffer)
    }
    if (response.statusCode !== 200) return failed(`HTTP ${response.statusCode}`)
    const contentType = String(response.headers['content-type'] ?? '')
    if (/text\/html|application\/json/i.test(contentType)) {
      return failed(`not Prometheus text (content-type ${contentType.split(';')[0]})`)
    }
    const exposition = parseExposition(Buffer.concat(chunks).toString('utf8'))
    if (exposition.series.length === 0 && exposition.histograms.length === 0) {
      return failed(
        exposition.problems.length > 0
          ? `not Prometheus text (${exposition.problems[0]})`
          : 'no metrics in the body',
      )
    }
    return {
      source: endpoint.url,
      atMs,
      durationMs: clock() - atMs,
      ok: true,
      error: null,
      series: exposition.series,
      histograms: exposition.histograms,
      problems: exposition.problems,
    }
  } catch (error) {
    return failed(errorText(error))
  }
}

export function startScraper(options: ScraperOptions): Scraper {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const taken: TelemetrySample[] = []
  const endpoints: Endpoint[] = options.urls.map((url) => {
    const parsed = new URL(url)
    return {
      url,
      path: `${parsed.pathname}${parsed.search}`,
      client: new Client(parsed.origin, { connectTimeout: timeoutMs, pipelining: 1 }),
      inFlight: null,
    }
  })

  function scrape(endpoint: Endpoint): Promise<TelemetrySample> {
    if (endpoint.inFlight !== null) return endpoint.inFlight
    endpoint.inFlight = scrapeEndpoint(endpoint, options.clock, timeoutMs).then((sample) => {
      endpoint.inFlight = null
      taken.push(sample)
      options.onSample?.(sample)
      return sample
    })
    return endpoint.inFlight
  }

  let timer: NodeJS.Timeout | null = null
  if (options.intervalMs > 0) {
    timer = setInterval(() => {
      for (const endpoint of endpoints) if (endpoint.inFlight === null) void scrape(endpoint)
    }, options.intervalMs)
    // A scraper must never keep the process alive on its own.
    timer.unref()
  }

  return {
    // A scrape already running may have started before the moment asked for, so the edge
    // scrapes wait for it and then take their own.
    scrapeNow: () =>
      Promise.all(
        endpoints.map((endpoint) =>
          endpoint.inFlight === null ? scrape(endpoint) : endpoint.inFlight.then(() => scrape(endpoint)),
        ),
      ),
    samples: () => [...taken],
    async stop() {
      if (timer !== null) clearInterval(timer)
      timer = null
      await Promise.all(endpoints.map((endpoint) => endpoint.inFlight))
      // destroy, not close: a hung endpoint would keep close() waiting.
      await Promise.all(endpoints.map((endpoint) => endpoint.client.destroy()))
      return [...taken]
    },
  }
}
