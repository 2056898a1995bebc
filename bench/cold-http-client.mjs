// The reference of the cold-start section: the least a Node process can do to send N
// streamed chat requests, c at a time, and exit. Plain JavaScript run by `node` directly
// (no tsx, no build), node:http with a keep-alive agent, bodies read and dropped.
// Usage: node bench/cold-http-client.mjs <baseUrl> <requests> <concurrency> <maxTokens>
import { Agent, request } from 'node:http'

const [baseUrl = '', requestsArg = '20', concurrencyArg = '4', maxTokensArg = '16'] = process.argv.slice(2)
const total = Number(requestsArg)
const concurrency = Number(concurrencyArg)
const url = new URL(`${baseUrl}/chat/completions`)
const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
const body = JSON.stringify({
  model: 'bench',
  messages: [{ role: 'user', content: 'Write one short sentence about the sea.' }],
  max_tokens: Number(maxTokensArg),
  stream: true,
  stream_options: { include_usage: true },
})
const options = {
  agent,
  host: url.hostname,
  port: url.port,
  path: url.pathname,
  method: 'POST',
  headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
}

let started = 0
let failed = 0

function one() {
  return new Promise((resolve) => {
    const req = request(options, (res) => {
      if (res.statusCode !== 200) failed++
      res.on('data', () => {})
      res.on('end', resolve)
      res.on('error', () => {
        failed++
        resolve()
      })
    })
    req.on('error', () => {
      failed++
      resolve()
    })
    req.end(body)
  })
}

async function worker() {
  while (started < total) {
    started++
    await one()
  }
}

await Promise.all(Array.from({ length: concurrency }, worker))
agent.destroy()
process.exitCode = failed === 0 ? 0 : 1
