import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Job } from 'kubernetes-models/batch/v1/Job'
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap'
import { parseAllDocuments } from 'yaml'
import { jobName, podCommand, renderIndexedJob, renderManifestYaml } from '../../src/cluster/k8s-manifests.js'
import { shardRunArgv } from '../../src/cluster/shard-command.js'
import { quoteShellArg } from '../../src/cluster/shell-quote.js'
import { renderSbatchScript } from '../../src/cluster/slurm-script.js'
import { UsageError } from '../../src/errors.js'
import { parseStartAt, resolveShard } from '../../src/workload/shard.js'

const RUN = {
  program: ['run-bench'],
  runArgs: ['--target', 'sim', '--workload', 'smoke', '--prompt', "it's a test"],
  runId: 'bench_sim_m_smoke_20261203_200000',
  shards: 4,
  startAtEpochMs: 1_796_328_000_000,
  outputDir: '/shared/results',
}

test('the sbatch script is a 4-task array running shard $SLURM_ARRAY_TASK_ID/4 from the shared start', () => {
  const script = renderSbatchScript({
    run: RUN,
    partition: 'gpu',
    sbatchArgs: ['--time=00:30:00', '--account=lab'],
  })
  assert.equal(
    script,
    [
      '#!/bin/bash',
      '# run-bench shard array for run bench_sim_m_smoke_20261203_200000: 4 shards from a shared start at 2026-12-03T20:00:00.000Z.',
      '# Task i runs shard i of the one global plan (requests k with k mod N = i).',
      '#SBATCH --job-name=run-bench-bench_sim_m_smoke_20261203_200000',
      '#SBATCH --array=0-3',
      '#SBATCH --ntasks=1',
      '#SBATCH --output=/shared/results/cluster/bench_sim_m_smoke_20261203_200000.shard-%a.out',
      '#SBATCH --error=/shared/results/cluster/bench_sim_m_smoke_20261203_200000.shard-%a.err',
      '#SBATCH --partition=gpu',
      '#SBATCH --time=00:30:00',
      '#SBATCH --account=lab',
      'set -euo pipefail',
      `exec run-bench run --target sim --workload smoke --prompt 'it'\\''s a test' --run-id bench_sim_m_smoke_20261203_200000 --start-at 2026-12-03T20:00:00.000Z --output-dir /shared/results --shard "\${SLURM_ARRAY_TASK_ID}/4"`,
      '',
    ].join('\n'),
  )
})

test('refuses flags the submitter owns, and sbatch args that are not one option', () => {
  assert.throws(
    () => shardRunArgv({ ...RUN, runArgs: ['--shard', '0/2'] }),
    (e: unknown) => e instanceof UsageError && /--shard cannot be given/.test(e.message),
  )
  assert.throws(
    () => shardRunArgv({ ...RUN, runArgs: ['--output-dir=/x'] }),
    /--output-dir=\/x cannot be given/,
  )
  assert.throws(() => renderSbatchScript({ run: RUN, sbatchArgs: ['time=1'] }), /not one sbatch option/)
  assert.throws(
    () => renderSbatchScript({ run: RUN, sbatchArgs: ['--x=1\nrm -rf /'] }),
    /not one sbatch option/,
  )
  assert.throws(
    () => renderSbatchScript({ run: { ...RUN, outputDir: '/my results' } }),
    /cannot go into an #SBATCH line/,
  )
})

test('shell quoting keeps every argument intact', () => {
  assert.equal(quoteShellArg('plain/path-1.yaml'), 'plain/path-1.yaml')
  assert.equal(quoteShellArg('a b'), "'a b'")
  assert.equal(quoteShellArg('$HOME'), "'$HOME'")
  assert.equal(quoteShellArg("it's"), "'it'\\''s'")
  assert.equal(quoteShellArg(''), "''")
})

test('the Indexed Job and ConfigMap validate against the Kubernetes OpenAPI schemas', () => {
  const manifests = renderIndexedJob({
    run: RUN,
    image: 'registry.example/run-bench:0.1',
    namespace: 'bench',
    results: { kind: 'pvc', claimName: 'bench-results' },
    configFiles: { 'targets.yaml': 'targets: {}\n' },
  })
  const job = new Job(manifests.job as ConstructorParameters<typeof Job>[0])
  job.validate()
  new ConfigMap(manifests.configMap as ConstructorParameters<typeof ConfigMap>[0]).validate()
  assert.equal(job.spec?.completionMode, 'Indexed')
  assert.equal(job.spec?.completions, 4)
  assert.equal(job.spec?.parallelism, 4)
  assert.equal(job.spec?.template.spec?.restartPolicy, 'Never')
  assert.deepEqual(job.spec?.template.spec?.volumes?.[1], {
    name: 'results',
    persistentVolumeClaim: { claimName: 'bench-results' },
  })
  // The YAML kubectl applies parses back to the same two objects.
  const docs = parseAllDocuments(renderManifestYaml(manifests)).map((doc) => doc.toJS())
  assert.deepEqual(docs, [manifests.configMap, manifests.job])
})

test('a schema violation is caught by the same validation (the check can fail)', () => {
  const manifests = renderIndexedJob({
    run: RUN,
    image: 'img',
    results: { kind: 'emptyDir', holdSec: 600 },
    configFiles: {},
  })
  const spec = (manifests.job as { spec: Record<string, unknown> }).spec
  assert.throws(() =>
    new Job({ ...manifests.job, spec: { ...spec, completions: 'four' } } as never).validate(),
  )
  new Job(manifests.job as never).validate()
})

test('each pod runs the same command; JOB_COMPLETION_INDEX=0…3 makes shards 0/4…3/4', () => {
  const argv = podCommand({ run: RUN, results: { kind: 'pvc', claimName: 'c' } })
  assert.deepEqual(argv, [
    'run-bench',
    'run',
    '--target',
    'sim',
    '--workload',
    'smoke',
    '--prompt',
    "it's a test",
    '--run-id',
    RUN.runId,
    '--start-at',
    '2026-12-03T20:00:00.000Z',
    '--output-dir',
    '/results',
    '--shards',
    '4',
  ])
  // What the run command will do with these flags in each pod (the Job controller sets the env).
  const shards = [0, 1, 2, 3].map((index) => {
    const at = argv.indexOf('--shards')
    return resolveShard({ shards: Number(argv[at + 1]), env: { JOB_COMPLETION_INDEX: String(index) } })
  })
  assert.deepEqual(
    shards,
    [0, 1, 2, 3].map((index) => ({ index, count: 4 })),
  )
  assert.equal(parseStartAt(argv[argv.indexOf('--start-at') + 1] ?? ''), RUN.startAtEpochMs)
  const held = podCommand({ run: RUN, results: { kind: 'emptyDir', holdSec: 600 } })
  assert.equal(held[0], 'sh')
  assert.match(held[2] ?? '', /'--shards' '4'; status=\$\?; sleep 600; exit \$status$/)
})

test('job names are DNS-1123 and short enough for pod labels', () => {
  assert.equal(jobName('smoke_20261203_200000'), 'run-bench-smoke-20261203-200000')
  // 55 characters: the first 43 and a hash of the whole id (sha256 → 163d7f68).
  const long = 'bench_sim_Qwen-Qwen3-4B_smoke_20261203_200000'
  assert.equal(jobName(long), 'run-bench-bench-sim-qwen-qwen3-4b-smoke-202-163d7f68')
  assert.notEqual(jobName(long), jobName(long.replace(/0$/, '1')))
  assert.ok(jobName('x'.repeat(100)).length <= 52)
})
