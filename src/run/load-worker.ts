// Entry of one load worker thread (see worker-pool.ts): its own undici Pool, the same
// sendRequest as the main thread, records posted back in batches. It owns no schedule and
// no concurrency cap: the main thread decides what is sent and when.
import { performance } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import { createTargetPool } from '../client/pool.js'
import { type ClientContext, type RequestSpec, sendRequest } from '../client/send-request.js'
import type { RequestRecord } from '../types.js'
import { createTokenCounter } from '../workload/tokenizer.js'
import type { LoadWorkerData, ToMain, ToWorker } from './worker-pool.js'

const port = parentPort
if (port === null) throw new Error('load-worker.ts runs only as a worker thread')
const data = workerData as LoadWorkerData
const pool = createTargetPool(data.target, data.connections, data.timeouts)
const countTokens = data.tokenizer === null ? null : await createTokenCounter(data.tokenizer)

interface RunContext {
  ctx: ClientContext
  abort: AbortController
}
const contexts = new Map<number, RunContext>()

// Records that completed in one pass of the event loop travel in one message.
let keys: number[] = []
let records: RequestRecord[] = []
let flushQueued = false

function flush(): void {
  flushQueued = false
  const message: ToMain = { type: 'records', keys, records }
  keys = []
  records = []
  port?.postMessage(message)
}

function deliver(key: number, record: RequestRecord): void {
  keys.push(key)
  records.push(record)
  if (!flushQueued) {
    flushQueued = true
    setImmediate(flush)
  }
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'context': {
      const abort = new AbortController()
      contexts.set(message.id, {
        abort,
        ctx: {
          dispatcher: pool,
          baseUrl: message.baseUrl,
          headers: message.headers,
          timeouts: message.timeouts,
          // performance.now() counts from this thread's time origin: shift the main thread's
          // run start onto it so every record time is an offset from the same instant.
          runStartMs: message.runStartMs + (message.timeOrigin - performance.timeOrigin),
          runStartEpochMs: message.runStartEpochMs,
          countTokens: message.countTokens ? countTokens : null,
          signal: abort.signal,
        },
      })
      break
    }
    case 'send': {
      const run = contexts.get(message.contextId)
      if (run === undefined)
        throw new Error(`Load worker got requests for unknown run context ${message.contextId}`)
      for (let i = 0; i < message.keys.length; i++) {
        const key = message.keys[i] as number
        const wire = message.specs[i] as RequestSpec | (Omit<RequestSpec, 'prompt'> & { prompt: number })
        const prompt = typeof wire.prompt === 'number' ? data.prompts[wire.prompt] : wire.prompt
        const spec = { ...wire, prompt } as RequestSpec
        void sendRequest(spec, run.ctx).then((record) => deliver(key, record))
      }
      break
    }
    case 'abort':
      contexts.get(message.contextId)?.abort.abort(message.reason)
      break
    case 'close':
      void pool.close().then(() => {
        const closed: ToMain = { type: 'closed' }
        port?.postMessage(closed)
        port?.close()
      })
      break
  }
})

const ready: ToMain = { type: 'ready' }
port.postMessage(ready)
