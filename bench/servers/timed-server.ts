// The accuracy section's server: it records the truth. Per request it notes (CLOCK_MONOTONIC,
// shared by every process on the machine) when it finished reading the request, then writes
// the first token --first-ms later and one token every --gap-ms after that, each to an
// absolute plan, and notes when each write was handed to the kernel and how late it was.
// The request id travels in the prompt text as "[rid:N]".
import { createServer } from 'node:http'
import { argValue, DONE, monotonicMs, roleChunk, SSE_HEADERS, tokenChunk, usageChunk } from './sse-chunks.js'

const firstMs = Number(argValue('--first-ms') ?? 50)
const gapMs = Number(argValue('--gap-ms') ?? 5)
const tokens = Number(argValue('--tokens') ?? 128)

export interface TruthRecord {
  id: number
  readEndMs: number
  firstWriteMs: number
  lastWriteMs: number
  /** Actual minus planned write time of the first token, and over all tokens. */
  firstLateMs: number
  meanLateMs: number
  maxLateMs: number
}

let truths: TruthRecord[] = []

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const parts: Buffer[] = []
  req.on('data', (part: Buffer) => parts.push(part))
  req.on('end', () => {
    const readEndMs = monotonicMs()
    const match = /\[rid:(\d+)\]/.exec(Buffer.concat(parts).toString('utf8'))
    const id = match === null ? -1 : Number(match[1])
    res.writeHead(200, SSE_HEADERS)
    const truth: TruthRecord = {
      id,
      readEndMs,
      firstWriteMs: 0,
      lastWriteMs: 0,
      firstLateMs: 0,
      meanLateMs: 0,
      maxLateMs: Number.NEGATIVE_INFINITY,
    }
    let i = 0
    let lateSumMs = 0
    const writeNext = () => {
      const plannedMs = readEndMs + firstMs + i * gapMs
      const last = i === tokens - 1
      let text = tokenChunk(i, last)
      if (i === 0) text = roleChunk() + text
      if (last) text += usageChunk(8, tokens) + DONE
      res.write(text)
      const wroteMs = monotonicMs()
      const lateMs = wroteMs - plannedMs
      lateSumMs += lateMs
      if (lateMs > truth.maxLateMs) truth.maxLateMs = lateMs
      if (i === 0) {
        truth.firstWriteMs = wroteMs
        truth.firstLateMs = lateMs
      }
      if (last) {
        truth.lastWriteMs = wroteMs
        truth.meanLateMs = lateSumMs / tokens
        truths.push(truth)
        res.end()
        return
      }
      i++
      schedule()
    }
    // Timers fire on whole milliseconds at best: aim at the absolute plan, never a gap.
    const schedule = () => setTimeout(writeNext, Math.max(0, readEndMs + firstMs + i * gapMs - monotonicMs()))
    schedule()
  })
})

process.on('message', (message: { type: string }) => {
  if (message.type === 'reset') {
    truths = []
    process.send?.({ type: 'reset' })
  } else if (message.type === 'records') {
    process.send?.({ type: 'records', records: truths })
  }
})
process.on('disconnect', () => {
  server.closeAllConnections()
  server.close()
})

server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  const address = server.address()
  process.send?.({ type: 'ready', port: typeof address === 'object' && address !== null ? address.port : 0 })
})
