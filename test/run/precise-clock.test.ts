import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { PreciseClock } from '../../src/run/precise-clock.js'

const CHILD = fileURLToPath(new URL('./children/precise-clock-child.ts', import.meta.url))

test('sleepers wake in deadline order and never before their deadline', async (t) => {
  const clock = new PreciseClock()
  t.after(() => clock.close())
  // Given out of order; sub-ms gaps, which libuv's whole-ms timers cannot tell apart.
  const offsetsMs = [3, 1, 2.2, 0.4, 2.5, 1.3, 0.7]
  const startMs = performance.now() + 50
  const woke: Array<{ index: number; lateMs: number }> = []
  const sleeping = offsetsMs.map((offsetMs, index) =>
    clock.sleepUntil(startMs + offsetMs).then(() => {
      woke.push({ index, lateMs: performance.now() - (startMs + offsetMs) })
    }),
  )
  // A sleeper already due when asked resolves at once, in call order: only those still
  // ahead once all were asked (all of them, unless the machine stalled 50 ms) are ordered.
  const askedMs = performance.now()
  await Promise.all(sleeping)
  const ahead = woke.filter((w) => startMs + (offsetsMs[w.index] ?? 0) > askedMs).map((w) => w.index)
  // Ascending offsets: 0.4 (3), 0.7 (6), 1 (1), 1.3 (5), 2.2 (2), 2.5 (4), 3 (0).
  assert.deepEqual(
    ahead,
    [3, 6, 1, 5, 2, 4, 0].filter((index) => ahead.includes(index)),
  )
  if (askedMs < startMs) assert.equal(ahead.length, offsetsMs.length)
  for (const w of woke) assert.ok(w.lateMs >= 0, `woke ${-w.lateMs} ms early`)
})

test('a sequence of sub-ms sleeps, each from the previous deadline, is never early', async (t) => {
  const clock = new PreciseClock()
  t.after(() => clock.close())
  let dueMs = performance.now()
  for (let i = 0; i < 200; i++) {
    dueMs += 0.25
    await clock.sleepUntil(dueMs)
    assert.ok(performance.now() >= dueMs, `sleep ${i} woke early`)
  }
})

test('a deadline already past resolves at once; close() wakes every sleeper and later sleeps', async () => {
  const clock = new PreciseClock()
  await clock.sleepUntil(performance.now() - 1)
  const minuteAway = performance.now() + 60_000
  const pending = Promise.all([clock.sleepUntil(minuteAway), clock.sleepUntil(minuteAway + 1)])
  clock.close()
  await pending // would hold the test for a minute without close()
  assert.ok(performance.now() < minuteAway)
  await clock.sleepUntil(performance.now() + 60_000)
})

/** Runs the child; resolves with its stdout and exit code, or rejects after 30 s (a hang). */
function runChild(mode: 'pending' | 'idle'): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (part: Buffer) => {
      stdout += part.toString()
    })
    child.stderr.on('data', (part: Buffer) => {
      stderr += part.toString()
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${mode}: still running after 30 s; stderr: ${stderr}`))
    }, 30_000)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout })
    })
  })
}

test('a pending sleeper keeps the process alive; the idle thread does not', async () => {
  assert.deepEqual(await runChild('pending'), { code: 0, stdout: 'woke on time\n' })
  assert.deepEqual(await runChild('idle'), { code: 0, stdout: 'woke on time\n' })
})
