// More than one core for the load: requests are sent from worker threads, one undici Pool
// each, while the main thread keeps the ONE schedule.
//
// Design: runBenchmark stays the only owner of the arrival schedule, the concurrency cap,
// the bounds, the grace period and the records' path (onRecord, raw sink, statistics). Its
// `send` is swapped for createWorkerSend(...).send, which hands each request to the least
// loaded worker (fewest in flight, ties round-robin) and resolves with the record the
// worker's sendRequest produced. So the combined load is the plan exactly (same ids, same
// scheduled times, same cap) and records and statistics merge exactly: there is one stream
// of records, not per-worker summaries to combine. Least-loaded dispatch under a cap of C
// keeps at most ceil(C / workers) requests on a worker, which is its Pool's connection count.
//
// Times: each record's *_at_ms are offsets from the main thread's run start. A worker shifts
// that start onto its own performance.now() with the two threads' performance.timeOrigin.
import { availableParallelism } from 'node:os'
import { performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import type { ClientContext, RequestSpec } from '../client/send-request.js'
import { SlotSet } from '../client/slot-set.js'
import type { Prompt, RequestRecord, RunPlan, Target, Timeouts, Workload } from '../types.js'
import type { TokenCounterSpec } from '../workload/tokenizer.js'
import { unsentRecord } from './unsent-record.js'

/** What each load worker is started with (structured-cloned). */
export interface LoadWorkerData {
  target: Target
  timeouts: Timeouts
  /** The worker's Pool size: its share of the concurrency cap. */
  connections: number
  /** The plan's prompts: a request names its prompt by index instead of carrying the text. */
  prompts: Prompt[]
  tokenizer: TokenCounterSpec | null
}

type WireSpec = RequestSpec | (Omit<RequestSpec, 'prompt'> & { prompt: number })

export type ToWorker =
  | {
      type: 'context'
      id: number
      baseUrl: string
      headers: Record<string, string>
      timeouts: Timeouts
      runStartMs: number
      runStartEpochMs: number
      /** The main thread's performance.timeOrigin, to convert runStartMs. */
      timeOrigin: number
      countTokens: boolean
    }
  | { type: 'send'; contextId: number; keys: number[]; specs: WireSpec[] }
  | { type: 'abort'; contextId: number; reason: string }
  | { type: 'close' }

export type ToMain =
  | { type: 'ready' }
  | { type: 'records'; keys: number[]; records: RequestRecord[] }
  | { type: 'closed' }

export interface WorkerSendOptions {
  workers: number
  /**
   * How each worker counts tokens for streams without usage, when the run asks for counting
   * (ctx.countTokens set). A function cannot cross threads, so the worker builds its own
   * counter from this; null means workers count chunks instead.
   */
  tokenizer: TokenCounterSpec | null
}

export interface WorkerSend {
  /** Drop-in for RunOptions.send. Never rejects: a crashed worker's requests become records. */
  send: (spec: RequestSpec, ctx: ClientContext) => Promise<RequestRecord>
  /** Stops the workers after their pools closed; call after runBenchmark resolved. */
  close(): Promise<void>
  /** Requests handed to each worker so far. */
  sentPerWorker(): number[]
}

/** Below these the main thread alone is far from its limits and threads only add startup. */
const BUSY_CONCURRENCY = 64
const BUSY_RPS = 1000
/**
 * Workers only from 4 cores, as `--workers` help promises: on 2 cores they bought a closed loop
 * nothing at c=64 for more CPU, and an open loop needs a core left for the main thread.
 */
const MIN_CPUS_FOR_WORKERS = 4
const MAX_DEFAULT_WORKERS = 8

/**
 * Workers for a run when the user gives no --workers; 1 means the main thread sends.
 * Closed loop with concurrency >= 64 on 4+ cores: one worker per core (up to 8). Measured on 2 cores
 * with the server on the same cores (npm run bench): 2 workers completed 1.0x the requests
 * of the main thread alone at c=64 and 1.2-1.7x at c=256, for 0.03-0.08 ms more CPU per
 * request (messaging). Open loop at >= 1000 req/s: workers only from 4 cores, one per core
 * less the main thread's, because there the main thread's timing is the product: on 2 cores
 * at 5000 req/s the schedule lag p99 was 5 ms from the main thread alone and ~48 ms through
 * 2 workers (each send waits for a busy worker's event loop).
 */
export function defaultWorkerCount(workload: Pick<Workload, 'concurrency' | 'rps'>, cpus: number): number {
  if (cpus < MIN_CPUS_FOR_WORKERS) return 1
  if (workload.rps === undefined) {
    return workload.concurrency >= BUSY_CONCURRENCY ? Math.min(cpus, MAX_DEFAULT_WORKERS) : 1
  }
  if (workload.rps < BUSY_RPS) return 1
  return Math.min(cpus - 1, MAX_DEFAULT_WORKERS)
}

export function machineCpus(): number {
  return availableParallelism()
}

interface LoadWorker {
  worker: Worker
  inFlight: number
  sent: number
  alive: boolean
  keys: number[]
  specs: WireSpec[]
  /** Requests on this worker: key → its spec and resolver, for a crash. */
  /** Requests this worker holds; a request's key is its slot (client/slot-set.ts: not a Map). */
  pending: SlotSet<{ spec: RequestSpec; ctx: ClientContext; resolve: (record: RequestRecord) => void }>
  contexts: Set<number>
  closed: Promise<void>
}

/** Starts the workers and resolves once every one is ready to send. */
export async function createWorkerSend(plan: RunPlan, options: WorkerSendOptions): Promise<WorkerSend> {
  const count = Math.max(1, Math.floor(options.workers))
  const connections = Math.max(1, Math.ceil(plan.workload.concurrency / count))
  const data: LoadWorkerData = {
    target: plan.target,
    timeouts: plan.timeouts,
    connections,
    prompts: plan.prompts,
    tokenizer: options.tokenizer,
  }
  const promptIndex = new Map<Prompt, number>(plan.prompts.map((prompt, i) => [prompt, i]))

  const workers: LoadWorker[] = []
  const readies: Array<Promise<void>> = []
  for (let i = 0; i < count; i++) {
    const worker = startLoadWorker(data)
    let markReady: () => void = () => {}
    let failStart: (error: Error) => void = () => {}
    readies.push(
      new Promise<void>((resolve, reject) => {
        markReady = resolve
        failStart = reject
      }),
    )
    const load: LoadWorker = {
      worker,
      inFlight: 0,
      sent: 0,
      alive: true,
      keys: [],
      specs: [],
      pending: new SlotSet(),
      contexts: new Set(),
      closed: new Promise<void>((resolve) => worker.once('exit', () => resolve())),
    }
    worker.on('message', (message: ToMain) => {
      if (message.type === 'ready') markReady()
      else if (message.type === 'records') {
        for (let k = 0; k < message.keys.length; k++) {
          const key = message.keys[k] as number
          const waiting = load.pending.get(key)
          if (waiting === undefined) continue
          load.pending.delete(key, waiting)
          load.inFlight--
          waiting.resolve(message.records[k] as RequestRecord)
        }
      }
    })
    const lose = (reason: string) => {
      if (!load.alive) return
      load.alive = false
      failStart(new Error(reason))
      // Requests the worker held end as records: the run goes on with the other workers.
      for (const { spec, ctx, resolve } of load.pending.values()) resolve(lostRecord(spec, ctx, reason))
      load.pending.clear()
      load.inFlight = 0
    }
    worker.on('error', (error) => lose(`Load worker failed: ${error.message}`))
    worker.on('exit', (code) => lose(`Load worker exited (code ${code})`))
    workers.push(load)
  }
  try {
    await Promise.all(readies)
  } catch (error) {
    await Promise.all(workers.map((load) => load.worker.terminate()))
    throw error
  }

  const contextIds = new WeakMap<ClientContext, number>()
  let nextContextId = 0
  let turn = 0
  let flushQueued = false

  function contextFor(ctx: ClientContext): number {
    let id = contextIds.get(ctx)
    if (id !== undefined) return id
    id = nextContextId++
    contextIds.set(ctx, id)
    const message: ToWorker = {
      type: 'context',
      id,
      baseUrl: ctx.baseUrl,
      headers: ctx.headers,
      timeouts: ctx.timeouts,
      runStartMs: ctx.runStartMs,
      runStartEpochMs: ctx.runStartEpochMs,
      timeOrigin: performance.timeOrigin,
      countTokens: ctx.countTokens !== null,
    }
    for (const load of workers) if (load.alive) load.worker.postMessage(message)
    const contextId = id
    const onAbort = () => {
      const abort: ToWorker = { type: 'abort', contextId, reason: abortReason(ctx.signal.reason) }
      for (const load of workers) if (load.alive) load.worker.postMessage(abort)
    }
    if (ctx.signal.aborted) queueMicrotask(onAbort)
    else ctx.signal.addEventListener('abort', onAbort, { once: true })
    return id
  }

  function pick(): LoadWorker | null {
    let best: LoadWorker | null = null
    for (let i = 0; i < workers.length; i++) {
      const load = workers[(turn + i) % workers.length] as LoadWorker
      if (load.alive && (best === null || load.inFlight < best.inFlight)) best = load
    }
    turn = (turn + 1) % workers.length
    return best
  }

  // Requests handed over in one pass of the event loop travel to a worker in one message.
  let flushContext = -1
  function flush(): void {
    flushQueued = false
    for (const load of workers) {
      if (load.keys.length === 0) continue
      const message: ToWorker = { type: 'send', contextId: flushContext, keys: load.keys, specs: load.specs }
      load.keys = []
      load.specs = []
      if (load.alive) load.worker.postMessage(message)
    }
  }

  function send(spec: RequestSpec, ctx: ClientContext): Promise<RequestRecord> {
    const contextId = contextFor(ctx)
    if (contextId !== flushContext) {
      if (flushQueued) flush()
      flushContext = contextId
    }
    const load = pick()
    if (load === null) return Promise.resolve(lostRecord(spec, ctx, 'No load worker is running'))
    let resolve: (record: RequestRecord) => void = () => {}
    const answered = new Promise<RequestRecord>((settle) => {
      resolve = settle
    })
    const key = load.pending.add({ spec, ctx, resolve })
    const index = promptIndex.get(spec.prompt)
    load.keys.push(key)
    load.specs.push(index === undefined ? spec : { ...spec, prompt: index })
    load.inFlight++
    load.sent++
    if (!flushQueued) {
      flushQueued = true
      queueMicrotask(flush)
    }
    return answered
  }

  async function close(): Promise<void> {
    if (flushQueued) flush()
    const closing = { type: 'close' } satisfies ToWorker
    for (const load of workers) if (load.alive) load.worker.postMessage(closing)
    // A worker that does not stop within a few seconds is ended: close must not hang.
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 5000)
    })
    await Promise.race([Promise.all(workers.map((load) => load.closed)), deadline])
    clearTimeout(timer)
    await Promise.all(workers.map((load) => load.worker.terminate()))
  }

  return { send, close, sentPerWorker: () => workers.map((load) => load.sent) }
}

/**
 * Built code starts dist/run/load-worker.js. From TypeScript sources (tests, `npm run bench`)
 * the worker needs tsx registered inside it: Node 20 does not carry the parent's --import
 * hooks into worker threads, so a two-line bootstrap registers tsx, then loads the entry.
 */
function startLoadWorker(data: LoadWorkerData): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./load-worker.js', import.meta.url), { workerData: data })
  const entry = new URL('./load-worker.ts', import.meta.url).href
  const tsx = import.meta.resolve('tsx/esm/api')
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}) })`
  return new Worker(bootstrap, { eval: true, workerData: data })
}

function abortReason(reason: unknown): string {
  if (typeof reason === 'string') return reason
  if (reason instanceof Error) return reason.message
  return 'aborted'
}

/** The record of a request whose worker died: a network-level failure of the client. */
function lostRecord(spec: RequestSpec, ctx: ClientContext, reason: string): RequestRecord {
  return unsentRecord({
    requestId: spec.requestId,
    model: spec.model,
    prompt: spec.prompt.text,
    scheduledAtMs: spec.scheduledAtMs,
    endedAtMs: performance.now() - ctx.runStartMs,
    runStartEpochMs: ctx.runStartEpochMs,
    reason,
    outcome: 'network_error',
    errorCode: 'CLIENT_ERROR',
    ...(spec.slotWaitMs === undefined ? {} : { slotWaitMs: spec.slotWaitMs }),
    ...(spec.scheduleLagMs === undefined ? {} : { scheduleLagMs: spec.scheduleLagMs }),
  })
}
