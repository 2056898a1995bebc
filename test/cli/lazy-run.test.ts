// Its own file, so its own process: every module that a whole run resolves (program, config,
// probe, warm-up, load, summary, report) is seen by a resolve hook registered before it.
// A run that asked for no gate, no live metrics and no simulator, against a server that
// sends usage, must not pay for their code (issue 13: ≤ 0.5 s of fixed CPU per run).
import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { register } from 'node:module'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { MessageChannel } from 'node:worker_threads'

const HOOKS = `
let port
export function initialize(data) { port = data.port }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context)
  port.postMessage(resolved.url)
  return resolved
}`

const CHUNK_HEAD = 'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"bench","choices":['

/** Two tokens, then usage (so no tokenizer is needed), then [DONE]. */
const STREAM =
  `${CHUNK_HEAD}{"index":0,"delta":{"content":"a"},"finish_reason":null}]}\n\n` +
  `${CHUNK_HEAD}{"index":0,"delta":{"content":" b"},"finish_reason":"length"}]}\n\n` +
  `${CHUNK_HEAD}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}\n\n` +
  'data: [DONE]\n\n'

test('a plain run loads no gate, live-metrics, simulator or tokenizer code', async (t) => {
  const { port1, port2 } = new MessageChannel()
  const resolved: string[] = []
  port1.on('message', (url: string) => resolved.push(url))
  register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, {
    data: { port: port2 },
    transferList: [port2],
  })
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume()
    req.on('end', () => {
      if (req.method === 'GET' && req.url?.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'bench', object: 'model' }] }))
      } else if (req.method === 'POST') {
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        res.end(STREAM)
      } else {
        res.writeHead(404)
        res.end()
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => {
    server.closeAllConnections()
    server.close()
  })
  const { port } = server.address() as AddressInfo
  const [{ main }, { createFakeIo }, { createTempProject }] = await Promise.all([
    import('../../src/cli/main.js'),
    import('../support/fake-io.js'),
    import('../support/temp-project.js'),
  ])
  const project = createTempProject()
  t.after(project.remove)
  const io = createFakeIo({ cwd: project.dir })
  const code = await main(
    [
      'run',
      ...['--base-url', `http://127.0.0.1:${port}/v1`, '--model', 'bench'],
      ...['--requests', '6', '--concurrency', '2', '--max-tokens', '2', '--closed-loop'],
      ...['--output-dir', join(project.dir, 'results')],
    ],
    io,
  )
  await sleep(50) // the hook thread's last messages
  port1.close()
  assert.equal(code, 0, io.err())
  assert.ok(
    resolved.some((url) => url.includes('/src/run/warm-up.')),
    'the hook saw the run',
  )
  for (const unused of [
    '/node_modules/junit-report-builder/',
    '/node_modules/prom-client/',
    '/node_modules/gpt-tokenizer/',
    '/src/report/junit.',
    '/src/telemetry/live-exporter.',
    '/src/sim/server.',
  ]) {
    const hit = resolved.find((url) => url.includes(unused))
    assert.equal(hit, undefined, `${unused} loaded by a plain run: ${hit}`)
  }
})
