import type { ProgressSnapshot } from '../run/run-benchmark.js'
import type { OutputStream } from './io.js'
import { formatCount, formatDuration, type Lang } from './lang.js'
import { runMessages } from './messages.js'

/** How often a non-terminal gets a plain progress line (a terminal is redrawn each second). */
export const PLAIN_PROGRESS_EVERY_MS = 5000

export function formatProgress(p: ProgressSnapshot, lang: Lang): string {
  const elapsedSec = Math.floor(p.elapsedMs / 1000)
  const totalSec = p.durationMs === null ? null : Math.round(p.durationMs / 1000)
  const remainingSec = totalSec === null ? null : Math.max(0, totalSec - elapsedSec)
  return runMessages(lang).progress({
    elapsed: elapsedSec,
    total: totalSec,
    percent: totalSec === null ? null : Math.min(100, (100 * p.elapsedMs) / (totalSec * 1000)).toFixed(1),
    sent: formatCount(p.sent, lang),
    expected: p.expected === null ? null : formatCount(p.expected, lang),
    remaining:
      remainingSec === null
        ? null
        : remainingSec >= 60
          ? `${remainingSec}s (${formatDuration(remainingSec, lang)})`
          : `${remainingSec}s`,
    ok: formatCount(p.ok, lang),
    ttftP50: p.ttftP50Ms === null ? '-' : `${Math.round(p.ttftP50Ms)} ms`,
    inFlight: p.inFlight,
  })
}

/**
 * On a terminal the line is redrawn in place (\r + erase line); elsewhere (CI logs, pipes)
 * a plain line is printed every few seconds so logs stay readable.
 */
export function createProgressPrinter(stream: OutputStream, lang: Lang) {
  const tty = stream.isTTY === true
  let lastPlainMs = Number.NEGATIVE_INFINITY
  let drawn = false
  return {
    update(p: ProgressSnapshot): void {
      const line = formatProgress(p, lang)
      if (tty) {
        stream.write(`\r\x1b[2K${line}`)
        drawn = true
      } else if (p.elapsedMs - lastPlainMs >= PLAIN_PROGRESS_EVERY_MS) {
        stream.write(`${line}\n`)
        lastPlainMs = p.elapsedMs
      }
    },
    /** Ends the in-place line so the next output starts on a fresh line. */
    done(p: ProgressSnapshot | null): void {
      if (p !== null) {
        const line = formatProgress(p, lang)
        stream.write(tty ? `\r\x1b[2K${line}\n` : `${line}\n`)
      } else if (tty && drawn) stream.write('\n')
    },
  }
}
