import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { main } from '../../src/cli/main.js'
import type { RunMeta } from '../../src/types.js'
import { createTempProject } from '../support/config-dir.js'
import { createFakeIo } from '../support/fake-io.js'

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

function rawFiles(outputDir: string) {
  const dir = join(outputDir, 'raw')
  const files = readdirSync(dir)
  const raw = join(dir, files.find((f) => f.endsWith('.jsonl')) ?? '')
  const meta = join(dir, files.find((f) => f.endsWith('.meta.json')) ?? '')
  return { raw, meta }
}

describe('interruptions', () => {
  test('Ctrl-C stops sending, records the rest as aborted, writes everything and exits 130', async (t) => {
    const project = createTempProject({ targets: TARGETS, workloads: WORKLOADS })
    t.after(project.remove)
    const io = createFakeIo({ cwd: project.dir })
    const running = main(
      ['run', '--config-dir', project.configDir, '--workload', 'long', '--output-dir', project.outputDir],
      io,
    )
    await new Promise((resolve) => setTimeout(resolve, 1200))
    io.raise('SIGINT')
    const code = await running
    assert.equal(code, 130)
    const { raw, meta: metaPath } = rawFiles(project.outputDir)
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as RunMeta
    assert.equal(meta.complete, false)
    assert.equal(meta.incompleteReason, 'interrupted by SIGINT')
    const records = readFileSync(raw, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    // ~24 sent in 1.2 s; every one of them has a record, finished or aborted.
    assert.ok(records.length >= 15 && records.length <= 40, `records ${records.length}`)
    assert.ok(records.some((r) => r.outcome === 'ok'))
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
    await new Promise((resolve) => setTimeout(resolve, 500))
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
      ['--import', 'tsx', bin, 'run', '--config-dir', project.configDir, '--workload', 'long', '--output-dir', project.outputDir],
      // cwd is the repository so that `--import tsx` resolves; all paths are absolute.
      { cwd: root, stdio: 'ignore' },
    )
    const exited = new Promise((resolve) => child.once('exit', resolve))
    await new Promise((resolve) => setTimeout(resolve, 3500))
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
