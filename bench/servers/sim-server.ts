// The built-in simulator in its own process, restartable over IPC with new options: each
// `start` closes the running simulator and starts a fresh one (own seed, own timing, empty
// queue) on a new port, so a run of an A/A pair meets a server that knows nothing of the last.
// Started by bench/server-process.ts.

import type { SimOptionsInput } from '../../src/sim/options.js'
import { type SimServer, startSimServer } from '../../src/sim/server.js'

let sim: SimServer | null = null

process.on('message', async (message: { type: string; options?: SimOptionsInput }) => {
  if (message.type !== 'start') return
  await sim?.close()
  sim = await startSimServer(message.options ?? {})
  process.send?.({ type: 'start', url: sim.url })
})
process.on('disconnect', () => {
  void sim?.close()
})

process.send?.({ type: 'ready', port: 0 })
