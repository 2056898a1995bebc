import type { ProgressSnapshot } from '../run/run-benchmark.js'
import type { OutputStream } from './io.js'
import { formatCount, formatDuration, type Lang } from './lang.js'
import { runMessages } from './messages.js'
import { displayWidth, truncateToWidth } from './terminal-width.js'

/** How often a non-terminal gets a plain progress line (a terminal is redrawn each second). */
export const PLAIN_PROGRESS_EVERY_MS = 5000

/** Without a known terminal width, lines are cut to this (the classic terminal). */
export const FALLBACK_COLUMNS = 80

/**
 * A progress snapshot, with the outcome counts when the run reports them. Without them the
 * line derives what the snapshot allows: requests that ended without success (failed, or
 * aborted at the end) and records of requests never sent.
 */
export type ProgressView = ProgressSnapshot & Partial<{ failed: number; aborted: number; notSent: number }>

/**
 * Every request the line mentions, accounted for: sent = ok + not ok + in flight, and the
 * records of requests that were never sent apart. `notOk` is failed + aborted (the summary
 * that follows the run splits them).
 */
export function outcomeCounts(p: ProgressView): { notOk: number; notSent: number } {
  if (p.failed !== undefined && p.aborted !== undefined && p.notSent !== undefined) {
    return { notOk: p.failed + p.aborted, notSent: p.notSent }
  }
  const endedAfterSending = Math.max(0, p.sent - p.inFlight)
  return {
    notOk: Math.max(0, endedAfterSending - p.ok),
    notSent: Math.max(0, p.completed - endedAfterSending),
  }
}

/**
 * The live line, at most `columns` wide (one column is kept free: a line filling the last
 * column makes some terminals wrap, and then \r no longer redraws it in place). Parts are
 * dropped from the least important end; the head is cut with … only on very narrow screens.
 * A run bounded by a request count before its duration shows requests, not seconds.
 */
export function formatProgress(p: ProgressView, lang: Lang, columns = FALLBACK_COLUMNS): string {
  const totalSec = p.durationMs === null ? null : Math.round(p.durationMs / 1000)
  // Timers end a run a little after its duration: the line never says "22s / 20s".
  const elapsedMs = p.durationMs === null ? p.elapsedMs : Math.min(p.elapsedMs, p.durationMs)
  const elapsedSec = Math.floor(elapsedMs / 1000)
  const byTime = p.durationMs === null || p.durationMs === 0 ? null : elapsedMs / p.durationMs
  const byCount = p.expected === null || p.expected === 0 ? null : Math.min(1, p.sent / p.expected)
  // An open loop's expected count is rps x duration, so both fractions move together (the
  // count one request ahead: the schedule sends its first at 0 s); only a run whose count
  // bound is further ahead of its clock (or that has no clock) is count-bound.
  const aheadSlack = p.expected === null || p.expected === 0 ? 0 : 1 / p.expected
  const countBound = byCount !== null && (byTime === null || byCount > byTime + 0.05 + aheadSlack)
  const remainingSec = totalSec === null ? null : Math.max(0, totalSec - elapsedSec)
  const fraction = countBound ? byCount : byTime
  const segments = runMessages(lang).progress({
    elapsed: elapsedSec,
    total: totalSec,
    percent: fraction === null ? null : (100 * fraction).toFixed(1),
    countBound,
    sent: formatCount(p.sent, lang),
    expected: p.expected === null ? null : formatCount(p.expected, lang),
    remaining:
      remainingSec === null
        ? null
        : remainingSec >= 60
          ? `${remainingSec}s (${formatDuration(remainingSec, lang)})`
          : `${remainingSec}s`,
    ok: formatCount(p.ok, lang),
    notOk: formatCount(outcomeCounts(p).notOk, lang),
    notSent: formatCount(outcomeCounts(p).notSent, lang),
    ttftP50: p.ttftP50Ms === null ? '-' : `${Math.round(p.ttftP50Ms)} ms`,
    inFlight: p.inFlight,
  })
  const limit = Math.max(10, columns - 1)
  const tail = [...segments.tail]
  for (;;) {
    const line = [segments.head, ...tail].join(' | ')
    if (displayWidth(line) <= limit || tail.length === 0) return truncateToWidth(line, limit)
    tail.pop()
  }
}

/**
 * On a terminal the line is redrawn in place (\r + erase line), cut to the terminal's width so
 * it never wraps; elsewhere (CI logs, pipes)
 * a plain line is printed every few seconds so logs stay readable.
 */
export function createProgressPrinter(stream: OutputStream, lang: Lang) {
  const tty = stream.isTTY === true
  // Read at each draw: the user may resize the window during a run.
  const columns = () =>
    tty && stream.columns !== undefined && stream.columns > 0 ? stream.columns : FALLBACK_COLUMNS
  let lastPlainMs = Number.NEGATIVE_INFINITY
  let drawn = false
  return {
    update(p: ProgressView): void {
      const line = formatProgress(p, lang, tty ? columns() : Number.POSITIVE_INFINITY)
      if (tty) {
        stream.write(`\r\x1b[2K${line}`)
        drawn = true
      } else if (p.elapsedMs - lastPlainMs >= PLAIN_PROGRESS_EVERY_MS) {
        stream.write(`${line}\n`)
        lastPlainMs = p.elapsedMs
      }
    },
    /** Ends the in-place line so the next output starts on a fresh line. */
    done(p: ProgressView | null): void {
      if (p !== null) {
        const line = formatProgress(p, lang, tty ? columns() : Number.POSITIVE_INFINITY)
        stream.write(tty ? `\r\x1b[2K${line}\n` : `${line}\n`)
      } else if (tty && drawn) stream.write('\n')
    },
  }
}
