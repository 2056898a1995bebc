// The reference client of the ceiling section: the least a Node client can do per streamed
// request. node:http with a keep-alive agent, the same request body, the body read and
// dropped without SSE parsing or any timing. Run Bench's cost is judged against this.
import { Agent, request } from 'node:http'
import { performance } from 'node:perf_hooks'

export interface LoopResult {
  completed: number
  failed: number
  elapsedMs: number
  cpuMs: number
}

export async function runRawHttpClient(
  baseUrl: string,
  concurrency: number,
  durationMs: number,
): Promise<LoopResult> {
  const url = new URL(`${baseUrl}/chat/completions`)
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  const body = JSON.stringify({
    model: 'bench',
    messages: [{ role: 'user', content: 'Write one short sentence about the sea.' }],
    max_tokens: 128,
    temperature: 0,
    stream: true,
    stream_options: { include_usage: true },
    ignore_eos: true,
  })
  const options = {
    agent,
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  }
  let completed = 0
  let failed = 0
  const cpuBase = process.cpuUsage()
  const startMs = performance.now()
  const endMs = startMs + durationMs
  const one = () =>
    new Promise<void>((resolve) => {
      const req = request(options, (res) => {
        res.on('data', () => {})
        res.on('end', () => {
          if (res.statusCode === 200) completed++
          else failed++
          resolve()
        })
      })
      req.on('error', () => {
        failed++
        resolve()
      })
      req.end(body)
    })
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < endMs) await one()
    }),
  )
  const elapsedMs = performance.now() - startMs
  const cpu = process.cpuUsage(cpuBase)
  agent.destroy()
  return { completed, failed, elapsedMs, cpuMs: (cpu.user + cpu.system) / 1000 }
}

export interface RawTiming {
  id: number
  /** performance.now() just before the request was written. */
  sentAtMs: number
  ttftMs: number
  tpotMs: number
}

/**
 * The accuracy reference: the same minimal node:http client, timing the first body read
 * that holds a token and the read that holds [DONE] (a substring search, no SSE parsing).
 * Requests leave on the same constant open-loop schedule as Run Bench's; each prompt
 * carries "[rid:N]" (N from idBase up) so the server's truth can be matched.
 */
export async function runRawTimedClient(
  baseUrl: string,
  ratePerSec: number,
  durationMs: number,
  idBase: number,
  tokens: number,
): Promise<RawTiming[]> {
  const url = new URL(`${baseUrl}/chat/completions`)
  const agent = new Agent({ keepAlive: true })
  const timings: RawTiming[] = []
  const one = (id: number) =>
    new Promise<void>((resolve) => {
      const body = JSON.stringify({
        model: 'bench',
        messages: [{ role: 'user', content: `[rid:${id}] Write one short sentence about the sea.` }],
        max_tokens: tokens,
        stream: true,
        stream_options: { include_usage: true },
      })
      let firstMs: number | null = null
      let lastMs: number | null = null
      let sentAtMs = 0
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.on('data', (chunk: Buffer) => {
            const now = performance.now()
            if (firstMs === null && chunk.includes('"content":" tok')) firstMs = now
            if (chunk.includes('[DONE]')) lastMs = now
          })
          res.on('end', () => {
            if (firstMs !== null && lastMs !== null) {
              timings.push({
                id,
                sentAtMs,
                ttftMs: firstMs - sentAtMs,
                tpotMs: (lastMs - firstMs) / (tokens - 1),
              })
            }
            resolve()
          })
        },
      )
      req.on('error', () => resolve())
      sentAtMs = performance.now()
      req.end(body)
    })
  const running: Array<Promise<void>> = []
  const startMs = performance.now()
  const count = Math.floor((ratePerSec * durationMs) / 1000)
  for (let i = 0; i < count; i++) {
    await untilDeadline(startMs + (i * 1000) / ratePerSec)
    running.push(one(idBase + i))
  }
  await Promise.all(running)
  agent.destroy()
  return timings
}

/** Sleeps to an absolute deadline: a timer to 1 ms before it, then yielding to I/O. */
async function untilDeadline(deadlineMs: number): Promise<void> {
  const waitMs = deadlineMs - performance.now()
  if (waitMs > 2) await new Promise((resolve) => setTimeout(resolve, waitMs - 1))
  while (performance.now() < deadlineMs) await new Promise((resolve) => setImmediate(resolve))
}

/**
 * The open-loop reference: node:http sending at `ratePerSec` on an absolute schedule (a
 * timer to 1 ms before each deadline, then yielding to I/O until it is due), bodies read
 * and dropped. Returns the schedule lag (send − deadline) of every request.
 */
export async function runRawOpenLoop(
  baseUrl: string,
  ratePerSec: number,
  durationMs: number,
  maxSockets: number,
): Promise<{ lagsMs: number[]; failed: number }> {
  const url = new URL(`${baseUrl}/chat/completions`)
  const agent = new Agent({ keepAlive: true, maxSockets })
  const body = JSON.stringify({
    model: 'bench',
    messages: [{ role: 'user', content: 'hi' }],
    max_tokens: 4,
    stream: true,
  })
  const options = {
    agent,
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  }
  const lagsMs: number[] = []
  let failed = 0
  const inFlight = new Set<Promise<void>>()
  const startMs = performance.now()
  const count = Math.floor((ratePerSec * durationMs) / 1000)
  for (let i = 0; i < count; i++) {
    const deadline = startMs + (i * 1000) / ratePerSec
    await untilDeadline(deadline)
    lagsMs.push(performance.now() - deadline)
    const done = new Promise<void>((resolve) => {
      const req = request(options, (res) => {
        res.on('data', () => {})
        res.on('end', () => resolve())
      })
      req.on('error', () => {
        failed++
        resolve()
      })
      req.end(body)
    })
    inFlight.add(done)
    void done.then(() => inFlight.delete(done))
  }
  await Promise.all(inFlight)
  agent.destroy()
  return { lagsMs, failed }
}

/**
 * The scale reference: `count` node:http streams opened at once and read to the end.
 * `whileOpen` runs once all of them have had their response headers.
 */
export async function runRawHeldStreams(
  baseUrl: string,
  count: number,
  whileOpen: () => void,
): Promise<{ ok: number; failed: number }> {
  const url = new URL(`${baseUrl}/chat/completions`)
  const agent = new Agent({ keepAlive: true, maxSockets: count })
  const body = JSON.stringify({
    model: 'bench',
    messages: [{ role: 'user', content: 'hi' }],
    max_tokens: 5,
    stream: true,
  })
  let ok = 0
  let failed = 0
  let started = 0
  let signalOpen: () => void = () => {}
  const allOpen = new Promise<void>((resolve) => {
    signalOpen = resolve
  })
  const streams = Array.from(
    { length: count },
    () =>
      new Promise<void>((resolve) => {
        const req = request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          },
          (res) => {
            if (++started === count) signalOpen()
            res.on('data', () => {})
            res.on('end', () => {
              if (res.statusCode === 200) ok++
              else failed++
              resolve()
            })
          },
        )
        req.on('error', () => {
          failed++
          if (++started === count) signalOpen()
          resolve()
        })
        req.end(body)
      }),
  )
  await allOpen
  whileOpen()
  await Promise.all(streams)
  agent.destroy()
  return { ok, failed }
}
