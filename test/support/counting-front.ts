// A real HTTP server in front of the simulator that counts what the server side saw: every
// completion request's arrival time (this process's monotonic clock) and max_tokens, then
// forwards it to the simulator unchanged. The load's count and achieved rate are checked
// against these server-side figures, not against the client's own records.
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'

export interface Arrival {
  atMs: number
  maxTokens: number | null
}

export interface CountingFront {
  /** Base URL with /v1, like the simulator's. */
  url: string
  arrivals: Arrival[]
  close(): Promise<void>
}

export async function startCountingFront(upstreamUrl: string): Promise<CountingFront> {
  const upstream = new URL(upstreamUrl)
  const arrivals: Arrival[] = []
  const server = createServer((req, res) => {
    const atMs = performance.now()
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      if (req.url?.includes('completions') === true) {
        let maxTokens: number | null = null
        try {
          maxTokens = (JSON.parse(body.toString('utf8')) as { max_tokens?: number }).max_tokens ?? null
        } catch {
          // A malformed body is still an arrival; the simulator answers it with a 400.
        }
        arrivals.push({ atMs, maxTokens })
      }
      const forwarded = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (reply) => {
          res.writeHead(reply.statusCode ?? 502, reply.headers)
          reply.pipe(res)
        },
      )
      forwarded.on('error', () => res.destroy())
      forwarded.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/v1`,
    arrivals,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * Requests per second from server-side arrival times: Siegel's repeated-median slope of
 * arrival rank against arrival time. It ignores up to half the arrivals being off, so a
 * stall of this (busy, shared) test process, which stamps a few arrivals late in a burst,
 * does not move it, while on-time arrivals give it millisecond precision over the run.
 */
export function arrivalRatePerSec(arrivalsMs: readonly number[]): number {
  const sorted = [...arrivalsMs].sort((a, b) => a - b)
  const perPoint = sorted.map((ti, i) =>
    median(sorted.flatMap((tj, j) => (j === i || tj === ti ? [] : [((j - i) / (tj - ti)) * 1000]))),
  )
  return median(perPoint)
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}
