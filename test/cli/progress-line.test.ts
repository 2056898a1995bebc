import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createProgressPrinter, formatProgress, outcomeCounts } from '../../src/cli/progress-line.js'
import { displayWidth } from '../../src/cli/terminal-width.js'
import type { ProgressSnapshot } from '../../src/run/run-benchmark.js'

const timed: ProgressSnapshot = {
  elapsedMs: 125_400,
  durationMs: 300_000,
  sent: 2508,
  expected: 6000,
  completed: 2460,
  ok: 2460,
  inFlight: 48,
  waiting: 0,
  ttftP50Ms: 12.4,
}
// A 20 s run whose timers ended it at 22.3 s.
const late: ProgressSnapshot = {
  ...timed,
  elapsedMs: 22_300,
  durationMs: 20_000,
  sent: 100,
  expected: 100,
  completed: 52,
  ok: 52,
}
// `--requests 30` under the default 600 s bound: done after 0.4 s.
const countBound: ProgressSnapshot = {
  elapsedMs: 400,
  durationMs: 600_000,
  sent: 30,
  expected: 30,
  completed: 30,
  ok: 30,
  inFlight: 0,
  waiting: 0,
  ttftP50Ms: 9,
}

describe('progress line', () => {
  test('display width: ⏱️ and Hangul take two columns each', () => {
    assert.equal(displayWidth('⏱️  ab'), 6)
    assert.equal(displayWidth('요청: 3'), 7)
  })

  test('at 120 columns every part fits', () => {
    assert.equal(
      formatProgress(timed, 'en', 120),
      '⏱️  Progress: 125s / 300s (41.8%) | requests: 2,508 / 6,000 | ok: 2,460 | in flight: 48 | TTFT p50: 12 ms',
    )
  })

  test('at 80 columns the least important parts are dropped, never wrapped', () => {
    assert.equal(
      formatProgress(timed, 'en', 80),
      '⏱️  Progress: 125s / 300s (41.8%) | requests: 2,508 / 6,000 | ok: 2,460',
    )
    // Hangul is two columns wide: 79 columns, one short of the terminal's 80.
    const ko = formatProgress(timed, 'ko', 80)
    assert.equal(ko, '⏱️  진행: 125s / 300s (41.8%) | 요청: 2,508 / 6,000 | 성공: 2,460 | 처리 중: 48')
    assert.equal(displayWidth(ko), 79)
  })

  test('at 40 columns only the head is left', () => {
    assert.equal(formatProgress(timed, 'en', 40), '⏱️  Progress: 125s / 300s (41.8%)')
    assert.equal(formatProgress(countBound, 'en', 40), '⏱️  Progress: 30 / 30 requests (100.0%)')
    assert.equal(displayWidth(formatProgress(countBound, 'en', 40)), 39)
  })

  test('never past the duration: "20s / 20s (100.0%)", not "22s / 20s"', () => {
    assert.equal(
      formatProgress(late, 'en', 120),
      '⏱️  Progress: 20s / 20s (100.0%) | requests: 100 / 100 | ok: 52 | in flight: 48 | TTFT p50: 12 ms | remaining: 0s',
    )
  })

  test('a count-bounded run shows requests, not "0s / 600s (0.1%) … remaining: 600s"', () => {
    assert.equal(
      formatProgress(countBound, 'en', 120),
      '⏱️  Progress: 30 / 30 requests (100.0%) | ok: 30 | in flight: 0 | TTFT p50: 9 ms | elapsed: 0s',
    )
    assert.equal(
      formatProgress(countBound, 'ko', 120),
      '⏱️  진행: 요청 30 / 30개 (100.0%) | 성공: 30 | 처리 중: 0 | TTFT 중앙값: 9 ms | 경과: 0s',
    )
  })

  test('on a terminal the line is redrawn in place at its width; a pipe gets whole lines', () => {
    const written: string[] = []
    const printer = createProgressPrinter({ isTTY: true, columns: 40, write: (t) => written.push(t) }, 'en')
    printer.update(timed)
    assert.deepEqual(written, ['\r\x1b[2K⏱️  Progress: 125s / 300s (41.8%)'])
    const piped: string[] = []
    createProgressPrinter({ write: (t) => piped.push(t) }, 'en').update(timed)
    assert.equal(piped.length, 1)
    assert.ok((piped[0] as string).endsWith('| TTFT p50: 12 ms | remaining: 175s (2m 55s)\n'), piped[0])
  })

  test('every request is accounted for: failed or aborted and never-sent requests are shown', () => {
    // The line "requests: 10 / 20 | ok: 8 | in flight: 0" left 2 requests unexplained.
    const ended: ProgressSnapshot = {
      elapsedMs: 20_000,
      durationMs: 20_000,
      sent: 10,
      expected: 20,
      completed: 10,
      ok: 8,
      inFlight: 0,
      waiting: 0,
      ttftP50Ms: 9,
    }
    assert.equal(
      formatProgress(ended, 'en', 200),
      '⏱️  Progress: 20s / 20s (100.0%) | requests: 10 / 20 | ok: 8 | failed/aborted: 2 | in flight: 0 | TTFT p50: 9 ms | remaining: 0s',
    )
    // The 10 never sent are recorded as not_sent at the end: 20 records, 10 of them unsent.
    const withUnsent = { ...ended, completed: 20 }
    assert.equal(
      formatProgress(withUnsent, 'en', 200),
      '⏱️  Progress: 20s / 20s (100.0%) | requests: 10 / 20 | ok: 8 | failed/aborted: 2 | not sent: 10 | in flight: 0 | TTFT p50: 9 ms | remaining: 0s',
    )
    assert.equal(
      formatProgress(withUnsent, 'ko', 200),
      '⏱️  진행: 20s / 20s (100.0%) | 요청: 10 / 20 | 성공: 8 | 실패/중단: 2 | 미전송: 10 | 처리 중: 0 | TTFT 중앙값: 9 ms | 남은 시간: 0s',
    )
    // Exact counts, when the run reports them, win over what the snapshot implies.
    assert.deepEqual(outcomeCounts({ ...withUnsent, failed: 1, aborted: 1, notSent: 10 }), {
      notOk: 2,
      notSent: 10,
    })
    // Mid-run: 48 in flight are neither ok nor failed.
    assert.deepEqual(outcomeCounts(timed), { notOk: 0, notSent: 0 })
  })

  test('an open loop one request ahead of its clock still shows seconds, not a request count', () => {
    // 4 req/s for 2 s: at 1 s the schedule has sent 5 of 8 (0 s, 0.25 s, …, 1 s), 62.5 % vs 50 %.
    const openLoop: ProgressSnapshot = {
      elapsedMs: 1000,
      durationMs: 2000,
      sent: 5,
      expected: 8,
      completed: 4,
      ok: 4,
      inFlight: 1,
      waiting: 0,
      ttftP50Ms: 9,
    }
    assert.equal(
      formatProgress(openLoop, 'en', 200),
      '⏱️  Progress: 1s / 2s (50.0%) | requests: 5 / 8 | ok: 4 | in flight: 1 | TTFT p50: 9 ms | remaining: 1s',
    )
  })
})
