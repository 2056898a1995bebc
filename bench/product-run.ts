// One run of the product's engine as `run-bench run` does it: runBenchmark with the records
// going to a raw JSONL file and the summary accumulator (unless told otherwise), on the
// main thread (workers = 1) or on worker threads (createWorkerSend).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ClientContext, RequestSpec } from '../src/client/send-request.js'
import type { RunResult } from '../src/run/run-benchmark.js'
import type { RequestRecord, RunPlan } from '../src/types.js'
import { cpuMsSince } from './process-stats.js'
import type { Product } from './product.js'

export type Send = (spec: RequestSpec, ctx: ClientContext) => Promise<RequestRecord>

export interface ProductRunOptions {
  workers: number
  /** Write records to a raw file and the summary accumulator, as the CLI does (default true). */
  keepRecords?: boolean
  /** A raw file path to keep (else a temporary one, removed after the run). */
  rawPath?: string
  onRecord?: (record: RequestRecord) => void
  /** Wraps the send function (the accuracy section tags each prompt with its request id). */
  wrapSend?: (send: Send) => Send
  /**
   * An unmeasured run of this long first, on the same threads: fresh threads start with
   * cold JIT, so without it a short measurement says more about V8's warm-up than the client.
   */
  warmupSec?: number
  /** Called once the workers are up, just before the run starts. */
  beforeRun?: () => void | Promise<void>
}

export interface ProductRun {
  result: RunResult
  completed: number
  ok: number
  firstError: string | null
  /** CPU of the whole process (all threads) during runBenchmark. */
  cpuMs: number
  /** First send → last end, from the records (the summary's measurement window). */
  windowMs: number
  wallMs: number
  /** Requests per worker thread, when there were workers. */
  perWorker: number[] | null
  /** Time spent handing records to the raw file and the accumulator (main thread). */
  recordPathMs: number
}

export async function runProduct(
  product: Product,
  plan: RunPlan,
  options: ProductRunOptions,
): Promise<ProductRun> {
  const workers =
    options.workers > 1
      ? await product.createWorkerSend(plan, { workers: options.workers, tokenizer: null })
      : null
  const keep = options.keepRecords !== false
  const tempDir =
    keep && options.rawPath === undefined ? mkdtempSync(join(tmpdir(), 'run-bench-bench-')) : null
  const sink = keep ? product.openRawSink(options.rawPath ?? join(tempDir ?? '', 'raw.jsonl')) : null
  const accumulator = keep ? product.createSummaryAccumulator() : null
  let completed = 0
  let ok = 0
  let firstError: string | null = null
  let firstSentMs = Number.POSITIVE_INFINITY
  let lastEndedMs = Number.NEGATIVE_INFINITY
  let recordPathMs = 0
  const baseSend: Send = workers === null ? product.sendRequest : workers.send
  const send = options.wrapSend === undefined ? baseSend : options.wrapSend(baseSend)
  try {
    if (options.warmupSec !== undefined && options.warmupSec > 0) {
      const { requests: _requests, ...workload } = plan.workload
      await product.runBenchmark(
        { ...plan, workload: { ...workload, durationSec: options.warmupSec } },
        {
          signal: new AbortController().signal,
          interruptGraceMs: 1000,
          expected: null,
          countTokens: null,
          includeUsage: true,
          ignoreEos: true,
          send,
          onRecord: () => {},
        },
      )
    }
    await options.beforeRun?.()
    const cpuBase = process.cpuUsage()
    const startedMs = performance.now()
    const result = await product.runBenchmark(plan, {
      signal: new AbortController().signal,
      interruptGraceMs: 1000,
      expected: null,
      countTokens: null,
      includeUsage: true,
      ignoreEos: true,
      send,
      onRecord: (record) => {
        const recordStartMs = performance.now()
        sink?.write(record)
        accumulator?.add(record)
        recordPathMs += performance.now() - recordStartMs
        completed++
        if (record.success) ok++
        else firstError ??= `${record.outcome}: ${record.error}`
        if (record.sent_at_ms < firstSentMs) firstSentMs = record.sent_at_ms
        if (record.ended_at_ms > lastEndedMs) lastEndedMs = record.ended_at_ms
        options.onRecord?.(record)
      },
    })
    const wallMs = performance.now() - startedMs
    const cpuMs = cpuMsSince(cpuBase)
    return {
      result,
      completed,
      ok,
      firstError,
      cpuMs,
      windowMs: completed === 0 ? 0 : lastEndedMs - firstSentMs,
      wallMs,
      perWorker: workers?.sentPerWorker() ?? null,
      recordPathMs,
    }
  } finally {
    sink?.close()
    await workers?.close()
    if (tempDir !== null) rmSync(tempDir, { recursive: true, force: true })
  }
}
