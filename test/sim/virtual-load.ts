import { createEngine, type EngineClock, type EngineTiming } from '../../src/sim/engine.js'

// Drives the simulated engine on a virtual clock the way `run` drives a server: an open loop
// of evenly spaced arrivals, at most `concurrency` in flight on the client (a request that
// finds no free slot waits for one, FIFO), every answer `outputTokens` long. No real time
// passes, so the figures are exact and the same on an idle or a busy machine.

export interface VirtualLoad {
  rps: number
  concurrency: number
  durationSec: number
  promptTokens: number
  outputTokens: number
}

export interface VirtualLoadResult {
  /** Requests sent within the window (a slot was free before its end). */
  sent: number
  /** Requests that completed within the window, per second of it. */
  completedPerSec: number
  outputTokensPerSec: number
  /** Median TTFT (sent → first token) and end-to-end time of completed requests. */
  ttftP50Ms: number
  e2eP50Ms: number
  /** Median wait for a client slot (scheduled → sent) of the requests sent. */
  slotWaitP50Ms: number
  /** Scheduled requests still waiting for a slot when the window ended. */
  notSent: number
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = (sorted.length - 1) / 2
  return ((sorted[Math.floor(mid)] as number) + (sorted[Math.ceil(mid)] as number)) / 2
}

export function runVirtualLoad(timing: EngineTiming, load: VirtualLoad): VirtualLoadResult {
  let now = 0
  let timer: { atMs: number; callback: () => void } | null = null
  const clock: EngineClock = {
    nowMs: () => now,
    setTimer(callback, delayMs) {
      timer = { atMs: now + delayMs, callback }
      return timer
    },
    clearTimer() {
      timer = null
    },
  }
  const engine = createEngine(timing, clock)
  const endMs = load.durationSec * 1000
  const gapMs = 1000 / load.rps
  const slotQueue: number[] = [] // scheduled times waiting for a slot
  let inFlight = 0
  let nextArrivalMs = 0
  let sent = 0
  let completed = 0
  const ttfts: number[] = []
  const e2es: number[] = []
  const slotWaits: number[] = []

  function send(scheduledMs: number): void {
    const sentMs = now
    sent += 1
    inFlight += 1
    slotWaits.push(sentMs - scheduledMs)
    engine.submit({
      promptTokens: load.promptTokens,
      outputTokens: load.outputTokens,
      onToken(index) {
        if (index === 0) ttfts.push(now - sentMs)
      },
      onFinish() {
        completed += 1
        e2es.push(now - sentMs)
        inFlight -= 1
        const waiting = slotQueue.shift()
        if (waiting !== undefined) send(waiting)
      },
    })
  }

  for (;;) {
    const pending = timer as { atMs: number; callback: () => void } | null
    const arrivalDue = nextArrivalMs < endMs
    if (!arrivalDue && (pending === null || pending.atMs > endMs)) break
    if (arrivalDue && (pending === null || nextArrivalMs <= pending.atMs)) {
      now = nextArrivalMs
      if (inFlight < load.concurrency) send(nextArrivalMs)
      else slotQueue.push(nextArrivalMs)
      nextArrivalMs += gapMs
    } else if (pending !== null) {
      timer = null
      now = pending.atMs
      pending.callback()
    }
  }
  engine.stop()
  return {
    sent,
    completedPerSec: completed / load.durationSec,
    outputTokensPerSec: (completed * load.outputTokens) / load.durationSec,
    ttftP50Ms: median(ttfts),
    e2eP50Ms: median(e2es),
    slotWaitP50Ms: median(slotWaits),
    notSent: slotQueue.length,
  }
}
