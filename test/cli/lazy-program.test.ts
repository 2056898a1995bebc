// Its own file, so its own process: every module that importing the program resolves is
// seen by a resolve hook registered before it.
import assert from 'node:assert/strict'
import { register } from 'node:module'
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

test('importing and building the program (--version, --help) loads no command implementation', async () => {
  const { port1, port2 } = new MessageChannel()
  const resolved: string[] = []
  port1.on('message', (url: string) => resolved.push(url))
  register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, {
    data: { port: port2 },
    transferList: [port2],
  })
  const { buildProgram } = await import('../../src/cli/program.js')
  const program = buildProgram({} as Parameters<typeof buildProgram>[0], () => {})
  assert.ok(program.commands.some((command) => command.name() === 'run'))
  await sleep(50) // the hook thread's last messages
  port1.close()
  assert.ok(
    resolved.some((url) => url.includes('/cli/program.')),
    'the hook saw the program',
  )
  // What a command loads when it runs: the client, the config reader and its zod schemas,
  // the tokenizer, the statistics and the report code.
  for (const heavy of [
    '/node_modules/undici/',
    '/node_modules/yaml/',
    '/node_modules/zod/',
    '/node_modules/gpt-tokenizer/',
    '/node_modules/hdr-histogram-js/',
    '/node_modules/echarts/',
    '/src/cli/commands/run.',
    '/src/report/',
    '/src/sim/server.',
  ]) {
    const hit = resolved.find((url) => url.includes(heavy))
    assert.equal(hit, undefined, `${heavy} loaded by the program: ${hit}`)
  }
})
