import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { UsageError } from '../../src/errors.js'
import { seededRandom } from '../../src/seeded-random.js'
import { planArrivals } from '../../src/workload/arrivals.js'
import {
  checkRunId,
  closedLoopShare,
  globalRequestId,
  OPEN_LOOP_LEAD_MS,
  openLoopConcurrency,
  parseShard,
  parseStartAt,
  planStartWait,
  resolveShard,
  shardClockShiftMs,
  shardWaitUntilEpochMs,
  sliceArrivals,
  sliceSchedule,
  sliceWorkload,
  startSkewMs,
} from '../../src/workload/shard.js'

test('parses i/N and refuses an index ≥ N or N < 1 with a hint', () => {
  assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 })
  assert.deepEqual(parseShard(' 0 / 1 '), { index: 0, count: 1 })
  assert.throws(
    () => parseShard('4/4'),
    (e: unknown) =>
      e instanceof UsageError && /outside 0…3/.test(e.message) && /--array=0-3/.test(e.hint ?? ''),
  )
  assert.throws(
    () => parseShard('0/0'),
    (e: unknown) => e instanceof UsageError && /at least 1/.test(e.message),
  )
  assert.throws(
    () => parseShard('1-4'),
    (e: unknown) => e instanceof UsageError && /not a shard/.test(e.message),
  )
})

test('takes the index from JOB_COMPLETION_INDEX, then SLURM_ARRAY_TASK_ID', () => {
  assert.deepEqual(
    resolveShard({ shards: 4, env: { JOB_COMPLETION_INDEX: '3', SLURM_ARRAY_TASK_ID: '1' } }),
    { index: 3, count: 4 },
  )
  assert.deepEqual(resolveShard({ shards: 4, env: { SLURM_ARRAY_TASK_ID: '1' } }), { index: 1, count: 4 })
  assert.deepEqual(resolveShard({ shard: '2/3', env: { SLURM_ARRAY_TASK_ID: '0' } }), { index: 2, count: 3 })
  assert.equal(resolveShard({ env: { SLURM_ARRAY_TASK_ID: '1' } }), null)
  assert.throws(() => resolveShard({ shards: 4, env: {} }), /needs this shard's index/)
  assert.throws(() => resolveShard({ shards: 4, env: { SLURM_ARRAY_TASK_ID: '4' } }), /outside 0…3/)
  assert.throws(() => resolveShard({ shards: 4, env: { JOB_COMPLETION_INDEX: 'x' } }), /not a shard index/)
  assert.throws(() => resolveShard({ shard: '1/4', shards: 3, env: {} }), /disagrees/)
})

test('shard i gets requests k mod N = i at the global deadlines', () => {
  const global = [...planArrivals({ kind: 'constant', ratePerSec: 4, maxRequests: 10 }, seededRandom(1))]
  assert.deepEqual(global, [0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000, 2250])
  const shard1 = [...sliceArrivals(global, { index: 1, count: 3 })]
  assert.deepEqual(shard1, [
    { globalIndex: 1, scheduledAtMs: 250 },
    { globalIndex: 4, scheduledAtMs: 1000 },
    { globalIndex: 7, scheduledAtMs: 1750 },
  ])
})

test('Poisson shards together are exactly the global schedule, each request once', () => {
  const spec = { kind: 'poisson' as const, ratePerSec: 50, maxRequests: 500 }
  const global = [...planArrivals(spec, seededRandom(7))]
  const union: Array<[number, number]> = []
  for (let i = 0; i < 4; i++) {
    for (const a of sliceArrivals(planArrivals(spec, seededRandom(7)), { index: i, count: 4 })) {
      union.push([a.globalIndex, a.scheduledAtMs])
    }
  }
  union.sort((a, b) => a[0] - b[0])
  assert.deepEqual(
    union.map(([, at]) => at),
    global,
  )
  assert.deepEqual(
    union.map(([k]) => k),
    global.map((_, k) => k),
  )
})

test('the concurrency cap is split so the shares sum to it, at least 1 each', () => {
  const shares = [0, 1, 2, 3].map((index) => openLoopConcurrency(10, { index, count: 4 }).concurrency)
  assert.deepEqual(shares, [3, 3, 2, 2])
  const small = [0, 1, 2, 3].map((index) => openLoopConcurrency(2, { index, count: 4 }))
  assert.deepEqual(
    small.map((s) => s.concurrency),
    [1, 1, 1, 1],
  )
  assert.equal(small[0]?.exceedsCap, true)
  assert.equal(openLoopConcurrency(4, { index: 0, count: 4 }).exceedsCap, false)
})

test('a closed loop splits its workers and request bound; fewer workers than shards is refused', () => {
  assert.deepEqual(closedLoopShare(5, 11, { index: 0, count: 2 }), { workers: 3, maxRequests: 6 })
  assert.deepEqual(closedLoopShare(5, 11, { index: 1, count: 2 }), { workers: 2, maxRequests: 5 })
  assert.deepEqual(closedLoopShare(4, undefined, { index: 3, count: 4 }), { workers: 1 })
  assert.throws(
    () => closedLoopShare(2, undefined, { index: 0, count: 4 }),
    (e: unknown) => e instanceof UsageError && /at least 4/.test(e.hint ?? ''),
  )
})

test('start time: ISO or epoch ms; waits, tolerates 2 s late, refuses older', () => {
  assert.equal(parseStartAt('2026-12-03T20:00:00Z'), 1796328000000)
  assert.equal(parseStartAt('2026-12-03T21:00:00+01:00'), 1796328000000)
  assert.equal(parseStartAt('1796328000000'), 1796328000000)
  assert.throws(() => parseStartAt('2026-12-03T20:00:00'), /not a start time/)
  assert.throws(() => parseStartAt('soon'), /not a start time/)
  assert.deepEqual(planStartWait(10_000, 7_500), { waitMs: 2500, lateByMs: 0 })
  assert.deepEqual(planStartWait(10_000, 11_500), { waitMs: 0, lateByMs: 1500 })
  assert.throws(
    () => planStartWait(10_000, 12_001),
    (e: unknown) => e instanceof UsageError && /2\.0 s in the past/.test(e.message),
  )
  assert.equal(startSkewMs(10_000, 10_012), 12)
})

describe('the executors’ view of a shard', () => {
  test('sliceSchedule keeps k mod N = i and counts every global request walked', () => {
    const schedule = sliceSchedule([0, 25, 50, 75, 100, 125, 150], { index: 2, count: 3 })
    assert.deepEqual(
      [...schedule.arrivals],
      [
        { globalIndex: 2, scheduledAtMs: 50 },
        { globalIndex: 5, scheduledAtMs: 125 },
      ],
    )
    assert.equal(schedule.walked(), 7)
    const whole = sliceSchedule([0, 10], undefined)
    assert.deepEqual(
      [...whole.arrivals].map((a) => a.globalIndex),
      [0, 1],
    )
  })

  test('the clock shift is the clock start minus the shared start (negative: started a lead early)', () => {
    assert.equal(shardClockShiftMs({ startAtEpochMs: 10_000 }, 7_000), -3000)
    assert.equal(shardClockShiftMs({ startAtEpochMs: 10_000 }, 10_040), 40)
    assert.equal(shardClockShiftMs({ startAtEpochMs: null }, 10_040), 0)
    assert.equal(shardClockShiftMs(undefined, 10_040), 0)
    assert.equal(shardWaitUntilEpochMs(10_000, true), 10_000 - OPEN_LOOP_LEAD_MS)
    assert.equal(shardWaitUntilEpochMs(10_000, false), 10_000)
  })

  test('closed-loop request j of shard i is j·N + i', () => {
    assert.deepEqual(
      [0, 1, 2].map((j) => globalRequestId(j, { index: 1, count: 4 })),
      [1, 5, 9],
    )
    assert.equal(globalRequestId(7, undefined), 7)
  })

  test('sliceWorkload: the open loop splits the cap, the closed loop workers and the request bound', () => {
    assert.deepEqual(sliceWorkload({ rps: 10, concurrency: 10, requests: 99 }, { index: 3, count: 4 }), {
      workload: { rps: 10, concurrency: 2, requests: 99 },
      exceedsCap: false,
    })
    assert.deepEqual(sliceWorkload({ rps: 10, concurrency: 2 }, { index: 3, count: 4 }), {
      workload: { rps: 10, concurrency: 1 },
      exceedsCap: true,
    })
    assert.deepEqual(sliceWorkload({ concurrency: 10, requests: 99 }, { index: 0, count: 4 }), {
      workload: { concurrency: 3, requests: 25 },
      exceedsCap: false,
    })
  })

  test('a run id must be able to name files and a Job', () => {
    assert.equal(checkRunId('bench_sim_m_w_20261203_200000Z'), 'bench_sim_m_w_20261203_200000Z')
    for (const bad of ['', '../x', 'a b', '-x', 'x'.repeat(201)]) {
      assert.throws(() => checkRunId(bad), UsageError)
    }
  })
})
