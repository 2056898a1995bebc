// Holds a response's writes back for a while: the 'stall' fault. The engine keeps decoding
// meanwhile (the stall is between the server and the wire, like a proxy or a network hang),
// and everything held is written in order when the stall ends.

export interface StallGate {
  /** Runs the action now, or queues it while a stall is in progress. */
  run(action: () => void): void
  stall(durationMs: number): void
  /** Forgets queued actions and the timer (the response is gone). */
  dispose(): void
}

export function createStallGate(): StallGate {
  let held: Array<() => void> | null = null
  let timer: NodeJS.Timeout | null = null
  return {
    run(action) {
      if (held) held.push(action)
      else action()
    },
    stall(durationMs) {
      if (held) return
      held = []
      timer = setTimeout(() => {
        const actions = held ?? []
        held = null
        timer = null
        for (const action of actions) action()
      }, durationMs)
    },
    dispose() {
      if (timer) clearTimeout(timer)
      timer = null
      held = null
    },
  }
}
