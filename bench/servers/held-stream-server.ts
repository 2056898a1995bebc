// The scale section's server: it holds every stream open, one token at once and then one
// every --every-ms, --tokens in all (5 tokens every 500 ms: about 2 s per stream), so
// thousands of streams are in flight together. It counts requests like the canned server.
import { createServer } from 'node:http'
import { argValue, DONE, roleChunk, SSE_HEADERS, tokenChunk, usageChunk } from './sse-chunks.js'

const everyMs = Number(argValue('--every-ms') ?? 500)
const tokens = Number(argValue('--tokens') ?? 5)

let requests = 0
let open = 0
let maxOpen = 0
let cpuBase = process.cpuUsage()

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  req.on('data', ignore)
  req.on('end', () => {
    requests++
    open++
    if (open > maxOpen) maxOpen = open
    res.writeHead(200, SSE_HEADERS)
    let i = 0
    const writeNext = () => {
      const last = i === tokens - 1
      let text = tokenChunk(i, last)
      if (i === 0) text = roleChunk() + text
      if (last) {
        res.end(text + usageChunk(8, tokens) + DONE)
        open--
        return
      }
      res.write(text)
      i++
      setTimeout(writeNext, everyMs)
    }
    writeNext()
  })
  res.on('close', () => {
    if (!res.writableFinished) open--
  })
})
server.maxConnections = 20_000

function ignore(): void {}

process.on('message', (message: { type: string }) => {
  if (message.type === 'reset') {
    requests = 0
    maxOpen = open
    cpuBase = process.cpuUsage()
    process.send?.({ type: 'reset' })
  } else if (message.type === 'stats') {
    const cpu = process.cpuUsage(cpuBase)
    process.send?.({ type: 'stats', requests, maxOpen, cpuMs: (cpu.user + cpu.system) / 1000 })
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
