import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createEngine, type EngineTiming } from '../../src/sim/engine.js'
import { createVirtualClock } from '../support/virtual-clock.js'

const TIMING: EngineTiming = {
  maxBatchSize: 2,
  prefillBaseMs: 10,
  prefillPerTokenMs: 1,
  decodeBaseMs: 5,
  decodePerSeqMs: 1,
}

function recorder(clockNow: () => number) {
  const log: string[] = []
  const spec = (name: string, promptTokens: number, outputTokens: number) => ({
    promptTokens,
    outputTokens,
    onToken: (index: number) => log.push(`${clockNow()} ${name}${index}`),
    onFinish: () => log.push(`${clockNow()} ${name} done`),
  })
  return { log, spec }
}

describe('simulated engine (continuous batching)', () => {
  test('batches, queues FIFO, and charges prefill to the step that admits', () => {
    const { clock, advanceTo } = createVirtualClock()
    const engine = createEngine(TIMING, clock)
    const { log, spec } = recorder(clock.nowMs)
    // t=0: A admitted alone: prefill 10 + 1×4 = 14, decode 5 + 1×1 = 6 → step ends at 20.
    engine.submit(spec('A', 4, 3))
    advanceTo(3)
    // t=3: B and C wait for the step boundary.
    engine.submit(spec('B', 2, 2))
    engine.submit(spec('C', 0, 1))
    assert.deepEqual(engine.stats(), { running: 1, waiting: 2, completed: 0, maxRunningSeen: 1, steps: 0 })
    // t=20: B admitted (prefill 12), decode 5 + 1×2 = 7 → 39. Batch full, C keeps waiting.
    // t=39: decode only → 46, where A and B finish. t=46: C admitted: 10 + 6 → 62.
    advanceTo(1000)
    assert.deepEqual(log, [
      '20 A0',
      '39 A1',
      '39 B0',
      '46 A2',
      '46 A done',
      '46 B1',
      '46 B done',
      '62 C0',
      '62 C done',
    ])
    assert.deepEqual(engine.stats(), { running: 0, waiting: 0, completed: 3, maxRunningSeen: 2, steps: 4 })
  })

  test('plans each step from the previous planned end, so late timers do not drift', () => {
    const { clock, advanceTo } = createVirtualClock(3)
    const engine = createEngine({ ...TIMING, maxBatchSize: 1 }, clock)
    const { log, spec } = recorder(clock.nowMs)
    // Planned ends: 0 + 10 + 6 = 16, then 22, 28, 34; each fires 3 ms late, never 6, 9, 12.
    engine.submit(spec('A', 0, 4))
    advanceTo(1000)
    assert.deepEqual(log, ['19 A0', '25 A1', '31 A2', '37 A3', '37 A done'])
  })

  test('a cancelled sequence leaves the batch or the queue and the engine goes idle', () => {
    const { clock, advanceTo, pendingTimers } = createVirtualClock()
    const engine = createEngine({ ...TIMING, maxBatchSize: 1 }, clock)
    const { log, spec } = recorder(clock.nowMs)
    const a = spec('A', 0, 5)
    const cancelA = engine.submit({
      ...a,
      onToken: (index) => {
        a.onToken(index)
        if (index === 1) cancelA()
      },
    })
    const cancelB = engine.submit(spec('B', 0, 5))
    cancelB()
    advanceTo(1000)
    // A: 16, 22, then cancelled by its own callback: no more tokens, no 'done'. B never ran.
    assert.deepEqual(log, ['16 A0', '22 A1'])
    assert.deepEqual(engine.stats(), { running: 0, waiting: 0, completed: 0, maxRunningSeen: 1, steps: 2 })
    assert.equal(pendingTimers(), 0)
  })

  test('stop clears the pending step timer', () => {
    const { clock, pendingTimers } = createVirtualClock()
    const engine = createEngine(TIMING, clock)
    engine.submit({ promptTokens: 0, outputTokens: 3, onToken() {}, onFinish() {} })
    assert.equal(pendingTimers(), 1)
    engine.stop()
    assert.equal(pendingTimers(), 0)
    assert.deepEqual(engine.stats().running, 0)
  })
})
