import assert from 'node:assert/strict'
import { test } from 'node:test'
import { main } from '../../src/cli/main.js'
import { startSimServer } from '../../src/sim/server.js'
import { expectedShardRequests } from '../../src/workload/shard.js'
import { createFakeIo } from '../support/fake-io.js'
import { readShards } from '../support/shard-project.js'
import { createTempProject } from '../support/temp-project.js'

test('a shard expects its slice: k mod N = i of an open loop, the closed loop bound as sliced', () => {
  // 10 requests over 4 shards: k = 0,4,8 | 1,5,9 | 2,6 | 3,7.
  assert.deepEqual(
    [0, 1, 2, 3].map((index) => expectedShardRequests(10, true, { index, count: 4 })),
    [3, 3, 2, 2],
  )
  assert.equal(expectedShardRequests(80, true, { index: 0, count: 4 }), 20)
  // A closed-loop shard's plan already holds its share of the bound.
  assert.equal(expectedShardRequests(3, false, { index: 1, count: 4 }), 3)
  assert.equal(expectedShardRequests(10, true, undefined), 10)
  assert.equal(expectedShardRequests(null, true, { index: 1, count: 4 }), null)
})

test('an open-loop shard run announces and counts its own requests, not the whole run', async (t) => {
  const sim = await startSimServer()
  t.after(() => sim.close())
  const project = createTempProject({
    targets: `targets:\n  - name: front\n    base_url: ${sim.url}\n    api_key: EMPTY\n`,
    models: 'models:\n  - name: sim-llama-8b\n',
    workloads:
      'workloads:\n  - name: open\n    rps: 50\n    requests: 10\n    concurrency: 4\n    max_tokens: 2\n    prompt_type: short\n',
  })
  t.after(project.remove)
  const io = createFakeIo({ cwd: project.dir })
  const code = await main(
    [
      'run',
      ...['--config-dir', project.configDir, '--target', 'front', '--model', 'sim-llama-8b'],
      ...['--workload', 'open', '--no-probe', '--shard', '1/4', '--run-id', 'open-4'],
      ...['--output-dir', project.outputDir],
    ],
    io,
  )
  assert.equal(code, 0, io.err())
  assert.match(io.out(), /Expected total requests: 3\n/)
  assert.doesNotMatch(io.out(), /Expected total requests: 10/)
  const [shard] = readShards(project.outputDir)
  assert.deepEqual(
    shard?.records.map((r) => r.request_id).sort((a, b) => a - b),
    [1, 5, 9],
  )
})
