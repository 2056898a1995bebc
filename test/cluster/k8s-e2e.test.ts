import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { after, before, describe, test } from 'node:test'
import { Job } from 'kubernetes-models/batch/v1/Job'
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap'
import { parseAllDocuments } from 'yaml'
import { main } from '../../src/cli/main.js'
import type { MergedMeta } from '../../src/results/shard-meta.js'
import { startSimServer } from '../../src/sim/server.js'
import { OPEN_LOOP_LEAD_MS } from '../../src/workload/shard.js'
import { CLI_PROGRAM, REPO_ROOT, spawnCli } from '../support/cli-process.js'
import { type CountingFront, startCountingFront } from '../support/counting-front.js'
import { createFakeIo } from '../support/fake-io.js'
import { createShardProject, PLAN, readShards, runFlags } from '../support/shard-project.js'

interface Container {
  command: string[]
  workingDir: string
}

// No Kubernetes cluster runs here. The rendered objects are validated against Kubernetes'
// OpenAPI schemas, then the pod's exact command is run once per index with
// JOB_COMPLETION_INDEX set, as the Job controller does, with the ConfigMap's files as
// /config and one folder as the /results volume; `k8s collect` merges what they wrote.
describe('run-bench k8s render, the pods run locally, k8s collect', () => {
  let sim: Awaited<ReturnType<typeof startSimServer>>
  let front: CountingFront
  let processStartMs = 0
  before(async () => {
    sim = await startSimServer()
    front = await startCountingFront(sim.url)
    const startedMs = performance.now()
    const help = await spawnCli(['run', '--help'], { cwd: REPO_ROOT }).done
    assert.equal(help.code, 0, help.stderr)
    processStartMs = performance.now() - startedMs
  })
  after(async () => {
    await front?.close()
    await sim?.close()
  })

  test('3 pods of an Indexed Job with a PVC give one complete merged run', async (t) => {
    const project = createShardProject(front.url)
    t.after(project.remove)
    const jobFile = join(project.dir, 'job.yaml')
    const startInSec = Math.ceil((OPEN_LOOP_LEAD_MS + 2000 + Math.max(1500, processStartMs) * 4) / 1000)
    const io = createFakeIo({ cwd: project.dir })
    const flags = [...runFlags(project), '--shards', '3', '--image', 'registry.test/run-bench:0.1.0']
    const code = await main(
      [
        'k8s',
        'render',
        ...flags,
        '--pvc',
        'bench-results',
        '--run-id',
        'k8s-e2e',
        '--start-in',
        String(startInSec),
        '--output',
        jobFile,
      ],
      io,
    )
    assert.equal(code, 0, io.err())
    assert.match(io.out(), /Indexed Job run-bench-k8s-e2e with 3 shards of run k8s-e2e/)

    const docs = parseAllDocuments(readFileSync(jobFile, 'utf8')).map((doc) => doc.toJS())
    assert.equal(docs.length, 2)
    const configMap = new ConfigMap(docs[0])
    configMap.validate()
    const job = new Job(docs[1])
    job.validate()
    assert.equal(job.spec?.completionMode, 'Indexed')
    assert.equal(job.spec?.parallelism, 3)
    assert.equal(job.spec?.completions, 3)
    assert.equal(job.spec?.backoffLimit, 0)
    const container = job.spec?.template.spec?.containers[0] as unknown as Container
    const command = container.command
    assert.deepEqual(command.slice(0, 2), ['run-bench', 'run'])
    assert.deepEqual(command.slice(-2), ['--shards', '3'])
    assert.equal(command[command.indexOf('--config-dir') + 1], '/config')
    assert.equal(command[command.indexOf('--output-dir') + 1], '/results')
    assert.equal(command.filter((arg) => arg === '--config-dir').length, 1)

    // The pods: the ConfigMap's files become /config, one shared folder the /results volume.
    const podConfig = join(project.dir, 'pod-config')
    const volume = join(project.dir, 'pvc')
    mkdirSync(podConfig)
    for (const [name, text] of Object.entries(configMap.data ?? {}))
      writeFileSync(join(podConfig, name), text)
    const local = command
      .slice(1)
      .map((arg) => (arg === '/config' ? podConfig : arg === '/results' ? volume : arg))
    const pods = [0, 1, 2].map((index) =>
      spawnCli(local, {
        cwd: container.workingDir === '/config' ? podConfig : project.dir,
        env: { JOB_COMPLETION_INDEX: String(index) },
        program: CLI_PROGRAM,
      }),
    )
    const results = await Promise.all(pods.map((pod) => pod.done))
    for (const [i, result] of results.entries()) assert.equal(result.code, 0, `pod ${i}: ${result.stderr}`)

    const collect = createFakeIo({ cwd: project.dir })
    assert.equal(await main(['k8s', 'collect', volume, '--shards', '3'], collect), 0, collect.err())
    assert.match(collect.out(), /Merged run k8s-e2e: 3 of 3 shards, 80 records/)
    assert.deepEqual(
      readShards(volume).map((s) => [s.meta.shard.index, s.records.length]),
      [
        [0, 27],
        [1, 27],
        [2, 26],
      ],
    )
    const meta = JSON.parse(readFileSync(join(volume, 'raw', 'k8s-e2e.meta.json'), 'utf8')) as MergedMeta
    assert.equal(meta.complete, true)
    assert.equal(meta.records, PLAN.requests)
  })

  test('without a PVC each pod keeps its results (emptyDir) for kubectl cp, and the objects validate', async (t) => {
    const project = createShardProject(front.url)
    t.after(project.remove)
    const io = createFakeIo({ cwd: project.dir })
    const code = await main(
      [
        'k8s',
        'render',
        ...runFlags(project),
        '--shards',
        '2',
        '--image',
        'img:1',
        '--namespace',
        'bench',
        '--hold-sec',
        '300',
        '--run-id',
        'k8s-empty',
      ],
      io,
    )
    assert.equal(code, 0, io.err())
    const docs = parseAllDocuments(io.out()).map((doc) => doc.toJS())
    new ConfigMap(docs[0]).validate()
    const job = new Job(docs[1])
    job.validate()
    assert.equal(job.metadata?.namespace, 'bench')
    const pod = job.spec?.template.spec
    assert.deepEqual(pod?.volumes?.[1], { name: 'results', emptyDir: {} })
    const command = (pod?.containers[0] as unknown as Container | undefined)?.command ?? []
    assert.equal(command[0], 'sh')
    assert.match(command[2] ?? '', /'--shards' '2'; status=\$\?; sleep 300; exit \$status$/)
  })
})
