import assert from 'node:assert/strict'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { main } from '../../src/cli/main.js'
import { createFakeIo } from '../support/fake-io.js'
import { fixturePlan, fixtureRecord, writeShard } from '../support/shard-fixture.js'
import { createShardProject, runFlags } from '../support/shard-project.js'

const root = mkdtempSync(join(tmpdir(), 'shards-bad-'))
after(() => rmSync(root, { recursive: true, force: true }))
let folders = 0
const freshDir = () => join(root, `d${folders++}`)
const RECORDS = Array.from({ length: 8 }, (_, k) => fixtureRecord(k))
const project = createShardProject('http://127.0.0.1:9/v1')
after(project.remove)

async function cli(argv: string[], env: Record<string, string> = {}) {
  const io = createFakeIo({ cwd: project.dir, env })
  const code = await main(argv, io)
  return { code, out: io.out(), err: io.err() }
}

describe('run: bad shard flags are refused before anything is sent', () => {
  test('a shard index ≥ N', async () => {
    const result = await cli(['run', ...runFlags(project), '--shard', '4/4', '--run-id', 'r'])
    assert.equal(result.code, 2)
    assert.match(result.err, /--shard: shard index 4 is outside 0…3/)
  })

  test('an index from JOB_COMPLETION_INDEX ≥ N names the variable', async () => {
    const result = await cli(['run', ...runFlags(project), '--shards', '4', '--run-id', 'r'], {
      JOB_COMPLETION_INDEX: '7',
    })
    assert.equal(result.code, 2)
    assert.match(result.err, /--shards 4 with JOB_COMPLETION_INDEX: shard index 7 is outside 0…3/)
  })

  test('--shards without an index from the flag or the engine', async () => {
    const result = await cli(['run', ...runFlags(project), '--shards', '2', '--run-id', 'r'])
    assert.equal(result.code, 2)
    assert.match(result.err, /--shards 2 needs this shard's index/)
    assert.match(result.err, /JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID/)
  })

  test('a start time in the past', async () => {
    const past = new Date(Date.now() - 10_000).toISOString()
    const result = await cli(['run', ...runFlags(project), '--shard', '0/2', '--start-at', past])
    assert.equal(result.code, 2)
    assert.match(result.err, /--start-at .* is 1\d\.\d s in the past/)
  })

  test('a start time that is no time', async () => {
    const result = await cli(['run', ...runFlags(project), '--shard', '0/2', '--start-at', 'tomorrow'])
    assert.equal(result.code, 2)
    assert.match(result.err, /--start-at: "tomorrow" is not a start time/)
  })

  test('a shard without a shared run id', async () => {
    const result = await cli(['run', ...runFlags(project), '--shard', '1/2'])
    assert.equal(result.code, 2)
    assert.match(result.err, /Shard 1\/2 needs the run id all shards share/)
  })

  test('--run-id without a shard, and a run id that cannot name files', async () => {
    const alone = await cli(['run', ...runFlags(project), '--run-id', 'r'])
    assert.match(alone.err, /--run-id belongs to a sharded run/)
    const bad = await cli(['run', ...runFlags(project), '--shard', '0/2', '--run-id', '../x'])
    assert.match(bad.err, /--run-id "..\/x" cannot name result files/)
  })
})

describe('merge: shards that do not belong together', () => {
  test('the same shard twice (overlapping shards) is refused, naming both files', async () => {
    const [a, b] = [freshDir(), freshDir()]
    writeShard({ dir: a, runId: 'run-o', index: 0, count: 2, records: RECORDS.filter((_, k) => k % 2 === 0) })
    writeShard({ dir: b, runId: 'run-o', index: 0, count: 2, records: RECORDS.filter((_, k) => k % 2 === 0) })
    const result = await cli(['merge', a, b])
    assert.equal(result.code, 2)
    assert.match(
      result.err,
      /shard 0 appears twice \(overlapping shards\): .*d\d+\/shards\/run-o\.shard-0-of-2\.meta\.json and /,
    )
  })

  test('shards of different plans are refused', async () => {
    const dir = freshDir()
    writeShard({ dir, runId: 'run-p', index: 0, count: 2, records: [] })
    writeShard({ dir, runId: 'run-p', index: 1, count: 2, records: [], plan: fixturePlan({ rps: 30 }) })
    const result = await cli(['merge', dir])
    assert.equal(result.code, 2)
    assert.match(result.err, /shards come from different plans: shard 0 → \w+, shard 1 → \w+/)
  })

  test('an index ≥ the shard count submitted is refused', async () => {
    const dir = freshDir()
    writeShard({ dir, runId: 'run-i', index: 3, count: 4, records: [] })
    const result = await cli(['merge', dir, '--shards', '2'])
    assert.equal(result.code, 2)
    assert.match(result.err, /shard index 3 is outside 0…1/)
  })

  test('fewer shards than submitted: named, with the unshared folder as the likely cause; the rest merged', async () => {
    const dir = freshDir()
    writeShard({ dir, runId: 'run-f', index: 0, count: 4, records: RECORDS.filter((_, k) => k % 4 === 0) })
    writeShard({ dir, runId: 'run-f', index: 1, count: 4, records: RECORDS.filter((_, k) => k % 4 === 1) })
    const result = await cli(['merge', dir, '--shards', '4'])
    assert.equal(result.code, 1)
    assert.match(result.err, /2 of 4 shards missing \(2, 3\)/)
    assert.match(result.err, /results folder is probably not shared between the nodes/)
    assert.match(result.out, /Merged run run-f: 2 of 4 shards, 4 records/)
    assert.match(result.out, /INCOMPLETE: shards missing: 2, 3/)
  })
})

describe('slurm submit: the engine missing or refusing', () => {
  test('sbatch missing says so and where to submit', async () => {
    const outputDir = freshDir()
    const result = await cli(
      ['slurm', 'submit', ...runFlags(project), '--shards', '2', '--output-dir', outputDir],
      { PATH: '/nonexistent' },
    )
    assert.equal(result.code, 2)
    assert.match(result.err, /sbatch not found: Slurm's client tools are not installed on this machine/)
    assert.match(result.err, /\.sbatch there with sbatch/)
  })

  test('sbatch refusing the job: its own message is shown', async () => {
    const bin = freshDir()
    mkdirSync(bin)
    const fake = join(bin, 'sbatch')
    writeFileSync(fake, '#!/bin/sh\necho "sbatch: error: invalid partition specified: nope" >&2\nexit 1\n')
    chmodSync(fake, 0o755)
    const result = await cli(
      [
        'slurm',
        'submit',
        ...runFlags(project),
        '--shards',
        '2',
        '--partition',
        'nope',
        '--output-dir',
        freshDir(),
      ],
      { PATH: `${bin}:/usr/bin:/bin` },
    )
    assert.equal(result.code, 3)
    assert.match(result.err, /sbatch refused .*\.sbatch: sbatch: error: invalid partition specified: nope/)
  })

  test('a run flag the shards would refuse fails on the submitting node', async () => {
    const result = await cli(['slurm', 'submit', ...runFlags(project), '--rpss', '5', '--shards', '2'])
    assert.equal(result.code, 2)
    assert.match(result.err, /Run flags for the shards are wrong: error: unknown option '--rpss'/)
  })

  test('a start time in the past', async () => {
    const result = await cli([
      'slurm',
      'submit',
      ...runFlags(project),
      '--shards',
      '2',
      '--start-at',
      new Date(Date.now() - 60_000).toISOString(),
    ])
    assert.equal(result.code, 2)
    assert.match(result.err, /is 60\.\d s in the past/)
  })
})
