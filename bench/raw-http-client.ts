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

export async function runRawHttpClient(baseUrl: string, concurrency: number, durationMs: number): Promise<LoopResult> {
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
