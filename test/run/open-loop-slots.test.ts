import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { main } from '../../src/cli/main.js'
import { sendRequest } from '../../src/client/send-request.js'
import { createBlockedTime, MAX_WAITING_ARRIVALS } from '../../src/run/arrival-backlog.js'
import { runBenchmark } from '../../src/run/run-benchmark.js'
import { startSimServer } from '../../src/sim/server.js'
import { summarize } from '../../src/stats/summarize.js'
import type { RequestRecord, RunPlan, Workload } from '../../src/types.js'
import { createFakeIo } from '../support/fake-io.js'
import { createTempProject } from '../support/temp-project.js'

function planFor(baseUrl: string, workload: Partial<Workload>): RunPlan {
  return {
    target: { name: 'sim', description: '', kind: 'openai', baseUrl, headers: {}, keepalive: true },
    model: { name: 'm', fullName: 'sim-llama-8b', description: '', source: 'server' },
    workload: {
      name: 'w',
      description: '',
      arrival: 'constant',
      concurrency: 4,
      maxTokens: 4,
      temperature: 0,
      promptType: 'short',
      api: 'chat',
      ignoreEos: true,
      ...workload,
    },
    prompts: [{ text: 'hello', category: 'test' }],
    seed: 1,
    timeouts: { connectMs: 2000, firstByteMs: 5000, idleMs: 5000, totalMs: 10_000 },
    outputDir: '',
    graceMs: 200,
    toolVersion: 'test',
  }
}

const SUMMARY_INFO = {
  runId: 'r',
  target: 'sim',
  model: 'm',
  workload: 'w',
  startedAt: '',
  offeredRps: 1,
  concurrency: 4,
  clientHealth: null,
}

/** Runs the plan, counting the requests in flight at once as the client saw them. */
async function runCounting(plan: RunPlan, onRecord: (record: RequestRecord) => void = () => {}) {
  let inFlight = 0
  let maxInFlight = 0
  let maxWaiting = 0
  const result = await runBenchmark(plan, {
    signal: new AbortController().signal,
    interruptGraceMs: 200,
    expected: null,
    countTokens: null,
    includeUsage: true,
    ignoreEos: true,
    progressIntervalMs: 20,
    onProgress: (snapshot) => {
      maxWaiting = Math.max(maxWaiting, snapshot.waiting)
    },
    onRecord,
    send: async (spec, ctx) => {
      if (spec.requestId < 0) return sendRequest(spec, ctx) // the unrecorded warm-up
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      try {
        return await sendRequest(spec, ctx)
      } finally {
        inFlight--
      }
    },
  })
  return { result, maxInFlight, maxWaiting }
}

describe('slot wait and schedule lag are recorded apart (issue 12 item 3)', () => {
  test('a run that cannot fill its slots (10 requests, cap 16) reports 0 waited for a slot', async (t) => {
    // Whatever the machine's load, 10 requests never hold 16 slots: every slot wait is 0, and
    // any lateness (a busy loop, late timers) is the client's own schedule lag.
    const sim = await startSimServer({
      prefillBaseMs: 2,
      prefillPerTokenMs: 0,
      decodeBaseMs: 3,
      decodePerSeqMs: 0,
    })
    t.after(() => sim.close())
    const records: RequestRecord[] = []
    const { maxInFlight } = await runCounting(
      planFor(sim.url, { rps: 20, durationSec: 0.5, concurrency: 16 }),
      (r) => records.push(r),
    )
    assert.equal(records.length, 10)
    assert.ok(maxInFlight <= 10, `max in flight ${maxInFlight}`)
    // A slot free at once is no wait at all; lateness goes to schedule_lag_ms.
    for (const record of records) {
      assert.equal(record.slot_wait_ms, 0)
      assert.equal(typeof record.schedule_lag_ms, 'number')
      // queue_ms = sent − scheduled still holds the whole delay (lag + dispatch).
      assert.ok((record.queue_ms as number) >= (record.schedule_lag_ms as number) - 1e-9)
    }
    assert.equal(summarize(records, SUMMARY_INFO).queuedRequests, 0)
  })

  test('a run whose one slot is always busy counts the waits as slot waits', async (t) => {
    // Each answer takes ≥ 20 ms of prefill; 10 arrivals 1 ms apart queue behind one slot
    // (a count bound: the run waits for the last one).
    const sim = await startSimServer({
      prefillBaseMs: 20,
      prefillPerTokenMs: 0,
      decodeBaseMs: 1,
      decodePerSeqMs: 0,
    })
    t.after(() => sim.close())
    const records: RequestRecord[] = []
    await runCounting(planFor(sim.url, { rps: 1000, requests: 10, concurrency: 1 }), (r) => records.push(r))
    assert.equal(records.length, 10)
    const sorted = [...records].sort((a, b) => a.request_id - b.request_id)
    assert.equal(sorted[0]?.slot_wait_ms, 0)
    for (let k = 1; k < sorted.length; k++) {
      const record = sorted[k] as RequestRecord
      const previous = sorted[k - 1] as RequestRecord
      // Request k got the slot request k−1 released when its response ended, which is at or
      // after the end of stream its record states (the response may linger after [DONE]).
      const grantedAtMs =
        (record.scheduled_at_ms as number) +
        (record.schedule_lag_ms as number) +
        (record.slot_wait_ms as number)
      assert.ok(
        grantedAtMs >= previous.ended_at_ms - 0.01,
        `request ${k}: granted ${grantedAtMs}, previous ended ${previous.ended_at_ms}`,
      )
      assert.ok((record.slot_wait_ms as number) > 1)
    }
    assert.equal(summarize(records, SUMMARY_INFO).queuedRequests, 9)
  })

  test('blocked time is attributed to the arrivals that came due during it', () => {
    const blocked = createBlockedTime()
    blocked.add(100, 150)
    blocked.add(150.5, 160) // merged with the first: the gap is under 1 ms
    blocked.add(200, 210)
    assert.equal(blocked.within(90, 95), 0)
    assert.equal(blocked.within(120, 205), 40 + 5)
    assert.equal(blocked.within(170, 300), 10)
  })
})

describe('memory stays bounded whatever rps × duration (issue 12 item 11)', () => {
  test('100,000 req/s for 0.2 s offered to 2 slots: every arrival is recorded, at most the bound wait in memory', async (t) => {
    const sim = await startSimServer({
      prefillBaseMs: 50,
      prefillPerTokenMs: 0,
      decodeBaseMs: 1,
      decodePerSeqMs: 0,
    })
    t.after(() => sim.close())
    const outcomes: Record<string, number> = {}
    let unsentWithSlotWait = 0
    const { result, maxWaiting } = await runCounting(
      planFor(sim.url, { rps: 100_000, durationSec: 0.2, concurrency: 2 }),
      (record) => {
        outcomes[record.outcome] = (outcomes[record.outcome] ?? 0) + 1
        if (record.outcome === 'not_sent' && (record.slot_wait_ms ?? 0) > 0) unsentWithSlotWait++
      },
    )
    // 0.2 s × 100,000/s = arrivals at 0, 0.01, …, 199.99 ms: 20,000, each one record,
    // twice the number allowed to wait in memory.
    assert.equal(result.completed, 20_000)
    const total = Object.values(outcomes).reduce((a, b) => a + b, 0)
    assert.equal(total, 20_000)
    assert.ok((outcomes.not_sent ?? 0) > 19_000, JSON.stringify(outcomes))
    assert.ok(unsentWithSlotWait > 19_000, `not_sent with a slot wait: ${unsentWithSlotWait}`)
    assert.ok(maxWaiting <= MAX_WAITING_ARRIVALS, `waiting peaked at ${maxWaiting}`)
  })

  test('an interrupt while the waiters are at their bound records every arrival already due, ids without gaps', async (t) => {
    const sim = await startSimServer({
      prefillBaseMs: 50,
      prefillPerTokenMs: 0,
      decodeBaseMs: 1,
      decodePerSeqMs: 0,
    })
    t.after(() => sim.close())
    const interrupt = new AbortController()
    const ids: number[] = []
    let lastScheduledMs = 0
    const runStartMs = performance.now()
    setTimeout(() => interrupt.abort('interrupted by SIGINT'), 300)
    const result = await runBenchmark(planFor(sim.url, { rps: 100_000, durationSec: 30, concurrency: 1 }), {
      signal: interrupt.signal,
      interruptGraceMs: 100,
      expected: null,
      countTokens: null,
      includeUsage: true,
      ignoreEos: true,
      warmup: false,
      onRecord: (record) => {
        ids.push(record.request_id)
        lastScheduledMs = Math.max(lastScheduledMs, record.scheduled_at_ms ?? 0)
      },
    })
    assert.equal(result.interruptedBy, 'interrupted by SIGINT')
    ids.sort((a, b) => a - b)
    // More than the bound of waiters: the drain ran; 0..n−1: none dropped on the way.
    assert.ok(ids.length > MAX_WAITING_ARRIVALS, `${ids.length} records`)
    assert.deepEqual(
      ids,
      Array.from({ length: ids.length }, (_, i) => i),
    )
    // Only arrivals due by the interrupt: none scheduled after the run's end.
    assert.ok(lastScheduledMs <= performance.now() - runStartMs)
  })

  test('run --rps 1e9 is refused up front with the fix, before any file is written', async (t) => {
    // The shipped configs (read only): the smoke workload against the built-in simulator.
    const project = createTempProject({})
    t.after(project.remove)
    const io = createFakeIo({ cwd: project.dir })
    const code = await main(
      [
        'run',
        '--config-dir',
        fileURLToPath(new URL('../../configs', import.meta.url)),
        '--target',
        'sim',
        '--workload',
        'smoke',
        '--rps',
        '1e9',
        '--duration',
        '1',
        '--output-dir',
        project.outputDir,
      ],
      io,
    )
    assert.equal(code, 2, io.err() + io.out())
    assert.match(io.err(), /rps 1e\+9 is more than one Run Bench process can send \(at most 100,000 req\/s\)/)
    assert.match(io.err(), /lower --rps/)
  })
})
