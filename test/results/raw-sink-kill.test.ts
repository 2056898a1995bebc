import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const CHILD = fileURLToPath(new URL('./children/raw-sink-kill-child.ts', import.meta.url))

test('SIGKILL mid-run loses no record that a progress event had counted (raw lines are coalesced per turn)', async (t) => {
  const outputDir = mkdtempSync(join(tmpdir(), 'run-bench-kill-'))
  t.after(() => rmSync(outputDir, { recursive: true, force: true }))
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, outputDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (part: Buffer) => {
    stderr += part.toString()
  })
  let lastReported = 0
  let buffered = ''
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  )
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no progress in 30 s; stderr: ${stderr}`)), 30_000)
    child.stdout.on('data', (part: Buffer) => {
      buffered += part.toString()
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) lastReported = Math.max(lastReported, Number(line))
      // Killed while requests are completing: 8 in flight, hundreds per second.
      if (lastReported >= 200 && child.exitCode === null && !child.killed) {
        child.kill('SIGKILL')
        clearTimeout(timer)
        resolve()
      }
    })
    child.on('exit', () => {
      clearTimeout(timer)
      resolve()
    })
  })
  assert.equal(await exited, 'SIGKILL', stderr)
  const rawDir = join(outputDir, 'raw')
  const raw = readdirSync(rawDir).find((name) => name.endsWith('.jsonl'))
  assert.ok(raw !== undefined)
  const lines = readFileSync(join(rawDir, raw), 'utf8').split('\n')
  // The file ends with a newline: no torn line; every line is a whole record.
  assert.equal(lines.pop(), '')
  for (const line of lines) assert.equal(typeof JSON.parse(line).request_id, 'number')
  t.diagnostic(`last progress count ${lastReported}, lines on disk ${lines.length}`)
  assert.ok(lines.length >= lastReported, `${lines.length} lines on disk < ${lastReported} reported`)
})
