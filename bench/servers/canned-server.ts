// A server that is never the limit: every request gets the same canned stream (role chunk,
// --tokens token chunks, usage, [DONE]) in ONE write with a Content-Length. It counts the
// requests it finished reading (and, with --arrivals, when each arrived), so open-loop rates
// are counted by the server, not by the client under test. Started by bench/server-process.ts.
import { createServer } from 'node:http'
import { argValue, cannedStream, monotonicMs, SSE_HEADERS } from './sse-chunks.js'

const tokens = Number(argValue('--tokens') ?? 128)
// With --arrivals, every arrival time is kept (open loop: the bench counts from its run start).
const keepArrivals = process.argv.includes('--arrivals')
let arrivals: number[] = []
const body = Buffer.from(cannedStream(tokens))
const headers = { ...SSE_HEADERS, 'content-length': String(body.length) }

let requests = 0
let firstArrivalMs = 0
let lastArrivalMs = 0
let cpuBase = process.cpuUsage()

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  req.on('data', ignore)
  req.on('end', () => {
    const now = monotonicMs()
    if (requests === 0) firstArrivalMs = now
    lastArrivalMs = now
    requests++
    if (keepArrivals) arrivals.push(now)
    res.writeHead(200, headers)
    res.end(body)
  })
})
server.maxConnections = 20_000

function ignore(): void {}

process.on('message', (message: { type: string }) => {
  if (message.type === 'reset') {
    requests = 0
    arrivals = []
    cpuBase = process.cpuUsage()
    process.send?.({ type: 'reset' })
  } else if (message.type === 'arrivals') {
    process.send?.({ type: 'arrivals', arrivals })
  } else if (message.type === 'stats') {
    const cpu = process.cpuUsage(cpuBase)
    process.send?.({
      type: 'stats',
      requests,
      firstArrivalMs,
      lastArrivalMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
    })
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
