import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { main } from '../../src/cli/main.js'
import type { RunMeta } from '../../src/types.js'
import { createFakeIo } from '../support/fake-io.js'
import { createTempProject } from '../support/temp-project.js'

const TARGETS = `targets:
  - name: sim
    kind: sim
    sim: { max_batch_size: 4, prefill_base_ms: 5, prefill_per_token_ms: 0, decode_base_ms: 20, decode_per_seq_ms: 0 }
`
// 60 s at 20 req/s with 50-token answers (~1 s each): plenty in flight when interrupted.
const WORKLOADS = `workloads:
  - name: long
    duration: 60
    rps: 20
    concurrency: 8
    max_tokens: 50
    prompt_type: short
`

/** Waits until the run has written at least `count` records (the probe and warm-up come first). */
async function waitForRecords(outputDir: string, count: number, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    try {
      const { raw } = rawFiles(outputDir)
      if (readFileSync(raw, 'utf8').split('\n').length - 1 >= count) return
    } catch {
      // The raw file does not exist yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`fewer than ${count} records after ${timeoutMs} ms`)
}

function rawFiles(outputDir: string) {
  const dir = join(outputDir, 'raw')
  const files = readdirSync(dir)
  const raw = join(dir, files.find((f) => f.endsWith('.jsonl')) ?? '')
  const meta = join(dir, files.find((f) => f.endsWith('.meta.json')) ?? '')
  return { raw, meta }
}

describe('interruptions', () => {
  test('Ctrl-C stops sending, records the rest as aborted or not_sent, writes everything and exits 130', async (t) => {
    const project = createTempProject({ targets: TARGETS, workloads: WORKLOADS })
    t.after(project.remove)
    const io = createFakeIo({ cwd: project.dir })
    const running = main(
      ['run', '--config-dir', project.configDir, '--workload', 'long', '--output-dir', project.outputDir],
      io,
    )
    await waitForRecords(project.outputDir, 5)
    io.raise('SIGINT')
    const code = await running
    assert.equal(code, 130)
    const { raw, meta: metaPath } = rawFiles(project.outputDir)
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as RunMeta
    assert.equal(meta.complete, false)
    assert.equal(meta.incompleteReason, 'interrupted by SIGINT')
    const records = readFileSync(raw, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    // Interrupted after 5 completed: the 8 in flight (the cap) end as ok or aborted, and
    // nothing more is sent. The load (20/s) exceeds what 8 slots serve (~8/s), so arrivals
    // were waiting for a slot: they are recorded as not_sent (NOT_SENT), not dropped.
    const neverSent = records.filter((r) => r.outcome === 'not_sent')
    assert.ok(neverSent.every((r) => r.error_code === 'NOT_SENT' && /^Not sent/.test(r.error ?? '')))
    const sent = records.length - neverSent.length
    assert.ok(sent >= 5 && sent <= 5 + 8 + 2, `sent ${sent}`)
    assert.ok(records.some((r) => r.outcome === 'ok'))
    // In flight (~1 s answers, 3 s grace): ok or aborted, never failed; the waiting ones: not_sent.
    assert.ok(neverSent.length > 0, 'arrivals waiting for a slot are recorded as not_sent')
    assert.deepEqual(
      records.filter((r) => !['ok', 'aborted', 'not_sent'].includes(r.outcome)),
      [],
      'an interrupt is no server failure',
    )
    const ids = new Set(records.map((r) => r.request_id))
    assert.equal(ids.size, records.length)
    assert.ok(readdirSync(join(project.outputDir, 'summary')).some((f) => f.endsWith('.csv')))
    assert.match(io.out(), /Interrupted \(interrupted by SIGINT\)/)
  })

  test('a second Ctrl-C exits at once', async (t) => {
    const project = createTempProject({ targets: TARGETS, workloads: WORKLOADS })
    t.after(project.remove)
    const io = createFakeIo({ cwd: project.dir })
    const running = main(
      ['run', '--config-dir', project.configDir, '--workload', 'long', '--output-dir', project.outputDir],
      io,
    )
    await waitForRecords(project.outputDir, 1)
    io.raise('SIGINT')
    io.raise('SIGINT')
    assert.deepEqual(io.killed, ['SIGINT'])
    assert.match(io.err(), /Second interrupt/)
    await running
  })

  test('SIGKILL leaves a raw file whose complete lines all parse, and summarize accepts it', async (t) => {
    const project = createTempProject({ targets: TARGETS, workloads: WORKLOADS })
    t.after(project.remove)
    const root = join(import.meta.dirname, '..', '..')
    const bin = join(root, 'src', 'cli', 'bin.ts')
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        bin,
        'run',
        '--config-dir',
        project.configDir,
        '--workload',
        'long',
        '--output-dir',
        project.outputDir,
      ],
      // cwd is the repository so that `--import tsx` resolves; all paths are absolute.
      { cwd: root, stdio: 'ignore' },
    )
    const exited = new Promise((resolve) => child.once('exit', resolve))
    await waitForRecords(project.outputDir, 10)
    assert.equal(child.exitCode, null, 'the run was still going when killed')
    child.kill('SIGKILL')
    await exited
    const { raw } = rawFiles(project.outputDir)
    const lines = readFileSync(raw, 'utf8').split('\n')
    const complete = lines.slice(0, -1)
    assert.ok(complete.length > 0, 'some records were on disk before the kill')
    for (const line of complete) JSON.parse(line)
    const io = createFakeIo({ cwd: project.dir })
    assert.equal(await main(['summarize', raw], io), 0, io.err())
    assert.match(io.out(), /Summary written to/)
  })
})
