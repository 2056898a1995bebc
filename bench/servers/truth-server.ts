// The CLI section's server: it records the true TTFT of every request it serves. Per
// request it notes (CLOCK_MONOTONIC) when it finished reading the request and when it handed
// the first token to the kernel; the first token goes --first-ms after the read, then one
// token every --gap-ms (all at once with --gap-ms 0), max_tokens of them, each to an
// absolute plan. A record carries the request's max_tokens, so the bench tells the run's
// requests from the CLI's probe (8) and warm-up (4). GET /v1/models answers a model list.
import { createServer } from 'node:http'
import { argValue, DONE, monotonicMs, roleChunk, SSE_HEADERS, tokenChunk, usageChunk } from './sse-chunks.js'

const firstMs = Number(argValue('--first-ms') ?? 50)
const gapMs = Number(argValue('--gap-ms') ?? 5)

export interface ServedTruth {
  maxTokens: number
  readEndMs: number
  /** First token handed to the kernel − request read: the TTFT the server produced. */
  ttftMs: number
}

let truths: ServedTruth[] = []

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{"object":"list","data":[{"id":"bench","object":"model"}]}')
    return
  }
  const parts: Buffer[] = []
  req.on('data', (part: Buffer) => parts.push(part))
  req.on('end', () => {
    const readEndMs = monotonicMs()
    const match = /"max_tokens":(\d+)/.exec(Buffer.concat(parts).toString('utf8'))
    const tokens = Math.max(1, Number(match?.[1] ?? 16))
    res.writeHead(200, SSE_HEADERS)
    const truth: ServedTruth = { maxTokens: tokens, readEndMs, ttftMs: 0 }
    let i = 0
    const writeNext = () => {
      let text = i === 0 ? roleChunk() : ''
      // With no gap, every token goes in the first write.
      const upTo = gapMs === 0 ? tokens : i + 1
      for (; i < upTo; i++) text += tokenChunk(i, i === tokens - 1)
      const last = i === tokens
      if (last) text += usageChunk(8, tokens) + DONE
      res.write(text)
      if (truth.ttftMs === 0) truth.ttftMs = monotonicMs() - readEndMs
      if (last) {
        truths.push(truth)
        res.end()
        return
      }
      setTimeout(writeNext, Math.max(0, readEndMs + firstMs + i * gapMs - monotonicMs()))
    }
    setTimeout(writeNext, Math.max(0, readEndMs + firstMs - monotonicMs()))
  })
})

process.on('message', (message: { type: string }) => {
  if (message.type === 'reset') {
    truths = []
    process.send?.({ type: 'reset' })
  } else if (message.type === 'truths') {
    process.send?.({ type: 'truths', truths })
  }
})
process.on('disconnect', () => {
  server.closeAllConnections()
  server.close()
})

server.listen({ port: 0, host: '127.0.0.1', backlog: 8192 }, () => {
  const address = server.address()
  process.send?.({ type: 'ready', port: typeof address === 'object' && address !== null ? address.port : 0 })
})
