import type { EngineClock } from '../../src/sim/engine.js'

// A virtual clock: timers fire in deadline order when the test advances time. `lateMs`
// makes every timer fire that much after its deadline, like a busy event loop.
export function createVirtualClock(lateMs = 0) {
  let now = 0
  let timers: Array<{ atMs: number; callback: () => void }> = []
  const clock: EngineClock = {
    nowMs: () => now,
    setTimer(callback, delayMs) {
      const timer = { atMs: now + delayMs + lateMs, callback }
      timers.push(timer)
      return timer
    },
    clearTimer(handle) {
      timers = timers.filter((timer) => timer !== handle)
    },
  }
  function advanceTo(targetMs: number): void {
    for (;;) {
      const next = timers.reduce<(typeof timers)[number] | null>(
        (soonest, timer) => (soonest === null || timer.atMs < soonest.atMs ? timer : soonest),
        null,
      )
      if (next === null || next.atMs > targetMs) break
      timers = timers.filter((timer) => timer !== next)
      now = next.atMs
      next.callback()
    }
    now = targetMs
  }
  return { clock, advanceTo, pendingTimers: () => timers.length }
}
