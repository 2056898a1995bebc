// One side of the scale section's held-streams test, in its own process so that its heap
// and RSS start clean: `--mode product` (runBenchmark on the main thread, records to a raw
// file and the accumulator, as the CLI) or `--mode reference` (plain node:http).
import { benchPlan } from './bench-plan.js'
import { type MemoryReading, readMemory } from './process-stats.js'
import { loadProduct } from './product.js'
import { runProduct } from './product-run.js'
import { runRawHeldStreams } from './raw-http-client.js'
import { argValue } from './servers/sse-chunks.js'

export interface HeldStreamsResult {
  ok: number
  failed: number
  firstError: string | null
  maxInFlight: number
  before: MemoryReading
  held: MemoryReading
}

/** After the last stream was sent, every stream is open and has had its first token by then. */
const READ_HELD_AFTER_MS = 800

async function main(): Promise<void> {
  const mode = argValue('--mode')
  const baseUrl = argValue('--base-url') ?? ''
  const streams = Number(argValue('--streams') ?? 5000)
  const tokens = Number(argValue('--tokens') ?? 5)
  let result: HeldStreamsResult
  if (mode === 'reference') {
    const before = readMemory(true)
    let held: MemoryReading | null = null
    const run = await runRawHeldStreams(baseUrl, streams, () => {
      held = readMemory(true)
    })
    result = {
      ok: run.ok,
      failed: run.failed,
      firstError: null,
      maxInFlight: streams,
      before,
      held: held ?? before,
    }
  } else {
    const product = await loadProduct(process.argv.includes('--source'), () => {})
    const before = readMemory(true)
    let held: MemoryReading | null = null
    let sent = 0
    let completed = 0
    let maxInFlight = 0
    const run = await runProduct(
      product,
      benchPlan(baseUrl, { concurrency: streams, requests: streams, maxTokens: tokens }),
      {
        workers: 1,
        wrapSend: (send) => (spec, ctx) => {
          if (spec.requestId >= 0 && ++sent === streams) {
            setTimeout(() => {
              held = readMemory(true)
            }, READ_HELD_AFTER_MS)
          }
          maxInFlight = Math.max(maxInFlight, sent - completed)
          return send(spec, ctx)
        },
        onRecord: () => {
          completed++
        },
      },
    )
    result = {
      ok: run.ok,
      failed: run.completed - run.ok,
      firstError: run.firstError,
      maxInFlight,
      before,
      held: held ?? before,
    }
  }
  process.send?.({ type: 'result', result })
}

await main()
