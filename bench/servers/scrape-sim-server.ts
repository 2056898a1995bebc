// The built-in simulator in its own process (so its CPU is not the client's), for the
// scrape-cost section: it serves /v1 and the vLLM-named /metrics a run scrapes.
import { startSimServer } from '../../src/sim/server.js'
import { argValue } from './sse-chunks.js'

const sim = await startSimServer({
  prefillBaseMs: Number(argValue('--prefill-ms') ?? 20),
  prefillPerTokenMs: 0,
  decodeBaseMs: Number(argValue('--decode-ms') ?? 5),
  decodePerSeqMs: 0,
  maxBatchSize: 256,
})
process.on('disconnect', () => void sim.close())
process.send?.({ type: 'ready', port: sim.port })
