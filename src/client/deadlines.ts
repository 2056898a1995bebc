// A request's deadlines: total (sent + totalMs), first byte (sent + firstByteMs, until the
// response headers) and idle (last byte + idleMs, once streaming). Pure, so the transport
// keeps one timer per request and asks here which deadline is next and which has passed.
import type { TimeoutKind, Timeouts } from '../types.js'
import { timerMs } from './pool.js'

/** performance.now() readings the deadlines are measured from. */
export interface DeadlineClock {
  sentAt: number
  lastByteAt: number
  /** True until the response headers arrived. */
  awaitingHeaders: boolean
}

/** The nearest deadline (a performance.now() reading); +Infinity when none applies. */
export function nextDeadline(timeouts: Timeouts, clock: DeadlineClock): number {
  const { firstByteMs, idleMs, totalMs } = timeouts
  let deadline = Number.POSITIVE_INFINITY
  if (timerMs(totalMs) > 0) deadline = clock.sentAt + totalMs
  if (clock.awaitingHeaders) {
    if (timerMs(firstByteMs) > 0) deadline = Math.min(deadline, clock.sentAt + firstByteMs)
  } else if (timerMs(idleMs) > 0) {
    deadline = Math.min(deadline, clock.lastByteAt + idleMs)
  }
  return deadline
}

/** Which deadline has passed at `now` (total first), or null when none has. */
export function passedDeadline(timeouts: Timeouts, clock: DeadlineClock, now: number): TimeoutKind | null {
  const { firstByteMs, idleMs, totalMs } = timeouts
  if (timerMs(totalMs) > 0 && now - clock.sentAt >= totalMs) return 'total'
  if (clock.awaitingHeaders && timerMs(firstByteMs) > 0 && now - clock.sentAt >= firstByteMs)
    return 'first_byte'
  if (!clock.awaitingHeaders && timerMs(idleMs) > 0 && now - clock.lastByteAt >= idleMs) return 'idle'
  return null
}

/** A timeout's record message, e.g. "No response headers within 5000 ms". */
export function timeoutMessage(kind: TimeoutKind, timeouts: Timeouts): string {
  switch (kind) {
    case 'connect':
      return `No connection within ${timeouts.connectMs} ms`
    case 'first_byte':
      return `No response headers within ${timeouts.firstByteMs} ms`
    case 'idle':
      return `No data for ${timeouts.idleMs} ms`
    case 'total':
      return `Request exceeded ${timeouts.totalMs} ms`
  }
}

/**
 * One timer per request for its nearest deadline. It is not moved on every chunk: when it
 * fires early because bytes came since, it re-arms for the remainder, so a healthy stream
 * costs one or two timers.
 */
export class Watchdog {
  private timer: NodeJS.Timeout | null = null
  private armedAt = Number.POSITIVE_INFINITY

  constructor(
    private readonly timeouts: Timeouts,
    private readonly clock: DeadlineClock,
    private readonly onPassed: (kind: TimeoutKind, now: number) => void,
  ) {}

  arm(now: number): void {
    const deadline = nextDeadline(this.timeouts, this.clock)
    this.armedAt = deadline
    if (deadline === Number.POSITIVE_INFINITY) return
    this.timer = setTimeout(() => this.fire(), Math.max(1, Math.ceil(deadline - now)))
  }

  /** Headers are in: from now on the idle deadline applies, which may be the nearer one. */
  rearmForBody(now: number): void {
    if (nextDeadline(this.timeouts, this.clock) < this.armedAt) {
      this.clear()
      this.arm(now)
    }
  }

  clear(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer)
      this.timer = null
    }
    this.armedAt = Number.POSITIVE_INFINITY
  }

  private fire(): void {
    this.timer = null
    const now = performance.now()
    const kind = passedDeadline(this.timeouts, this.clock, now)
    if (kind === null) this.arm(now)
    else this.onPassed(kind, now)
  }
}

/** undici's own timeout errors (a Pool made elsewhere may still carry its timeouts). */
export function undiciTimeoutKind(code: string | null): TimeoutKind | null {
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect'
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return 'first_byte'
  if (code === 'UND_ERR_BODY_TIMEOUT') return 'idle'
  return null
}
