// The concurrency cap: at most `capacity` requests in flight. A request whose slot is not
// free waits in FIFO order (its wait becomes slot_wait_ms); when the run ends, waiters are
// released with `false` so they are recorded, never silently dropped.

export interface SlotQueue {
  /** Resolves true when a slot is held, false when the queue was closed first. */
  acquire(): Promise<boolean> | boolean
  release(): void
  /** Refuse new waiters and release every current one with false. */
  close(): void
  inUse(): number
  waiting(): number
  /**
   * Calls `callback` once, as soon as fewer than `limit` requests wait (the open loop's
   * bound on waiters, see arrival-backlog.ts); null cancels. One registration at a time.
   */
  onWaitingBelow(limit: number, callback: (() => void) | null): void
}

export function createSlotQueue(capacity: number): SlotQueue {
  let used = 0
  let closed = false
  // A growable ring would be leaner; an array with a moving head is O(1) amortised and
  // compacts itself when half of it is spent.
  let waiters: Array<(granted: boolean) => void> = []
  let head = 0
  let roomLimit = 0
  let onRoom: (() => void) | null = null
  const notifyRoom = () => {
    if (onRoom === null || waiters.length - head >= roomLimit) return
    const callback = onRoom
    onRoom = null
    callback()
  }
  return {
    acquire() {
      if (closed) return false
      if (used < capacity && head === waiters.length) {
        used++
        return true
      }
      return new Promise<boolean>((resolve) => waiters.push(resolve))
    },
    release() {
      if (head < waiters.length) {
        const next = waiters[head++] as (granted: boolean) => void
        if (head > 1024 && head * 2 > waiters.length) {
          waiters = waiters.slice(head)
          head = 0
        }
        next(true) // the slot passes straight to the next waiter
        notifyRoom()
      } else {
        used--
      }
    },
    close() {
      closed = true
      const pending = waiters.slice(head)
      waiters = []
      head = 0
      for (const resolve of pending) resolve(false)
      notifyRoom()
    },
    inUse: () => used,
    waiting: () => waiters.length - head,
    onWaitingBelow(limit, callback) {
      roomLimit = limit
      onRoom = callback
      notifyRoom()
    },
  }
}
