import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { main } from '../../src/cli/main.js'
import type { MergedMeta } from '../../src/results/shard-meta.js'
import { startSimServer } from '../../src/sim/server.js'
import { createFakeIo } from '../support/fake-io.js'
import { readShards } from '../support/shard-project.js'
import { createTempProject } from '../support/temp-project.js'

test('closed-loop shards split the workers and the request bound; ids are j·N + i; the merge is the plan', async (t) => {
  const sim = await startSimServer()
  t.after(() => sim.close())
  const project = createTempProject({
    targets: `targets:\n  - name: front\n    base_url: ${sim.url}\n    api_key: EMPTY\n`,
    models: 'models:\n  - name: sim-llama-8b\n',
    workloads:
      'workloads:\n  - name: closed\n    requests: 10\n    concurrency: 4\n    max_tokens: 4\n    prompt_type: short\n',
  })
  t.after(project.remove)
  const flags = ['--config-dir', project.configDir, '--target', 'front', '--model', 'sim-llama-8b']
  for (const index of [0, 1]) {
    const io = createFakeIo({ cwd: project.dir })
    const code = await main(
      [
        'run',
        ...flags,
        '--workload',
        'closed',
        '--no-probe',
        '--shard',
        `${index}/2`,
        '--run-id',
        'closed-2',
        '--output-dir',
        project.outputDir,
      ],
      io,
    )
    assert.equal(code, 0, io.err())
  }
  const shards = readShards(project.outputDir)
  assert.deepEqual(
    shards.map((s) => [s.meta.plan.workload.concurrency, s.meta.plan.workload.requests]),
    [
      [2, 5],
      [2, 5],
    ],
  )
  assert.deepEqual(
    shards.map((s) => s.records.map((r) => r.request_id).sort((a, b) => a - b)),
    [
      [0, 2, 4, 6, 8],
      [1, 3, 5, 7, 9],
    ],
  )
  // No shared start: each shard started on its own, no skew.
  assert.deepEqual(
    shards.map((s) => [s.meta.shard.startAtEpochMs, s.meta.shard.skewMs]),
    [
      [null, 0],
      [null, 0],
    ],
  )
  const io = createFakeIo({ cwd: project.dir })
  assert.equal(await main(['merge', project.outputDir], io), 0, io.err())
  const meta = JSON.parse(
    readFileSync(join(project.outputDir, 'raw', 'closed-2.meta.json'), 'utf8'),
  ) as MergedMeta
  assert.equal(meta.records, 10)
  assert.equal(meta.plan.workload.concurrency, 4)
  assert.equal(meta.plan.workload.requests, 10)
})
