// `run-bench k8s render`: the Indexed Job and ConfigMap (cluster/k8s-manifests.ts).
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { POD_CONFIG_DIR, renderIndexedJob, renderManifestYaml } from '../../cluster/k8s-manifests.js'
import { UsageError } from '../../errors.js'
import { checkRunId } from '../../workload/shard.js'
import { checkRunArgs, chooseStartAt, runArgsAfter, stripFlags, submittedRunId } from '../cluster-run-args.js'
import { EXIT_OK, type ExitCode } from '../exit-codes.js'
import type { Io } from '../io.js'
import type { K8sRenderFlags } from './k8s.js'
import { wholeNumber } from './merge-action.js'
import { resolveConfigDir } from './run.js'

const CONFIG_FILES = ['targets.yaml', 'models.yaml', 'workloads.yaml'] as const

export async function k8sRenderCommand(
  userArgv: readonly string[],
  flags: K8sRenderFlags,
  io: Io,
): Promise<ExitCode> {
  const shards = wholeNumber('--shards', flags.shards, 1)
  // The pods read their configs from the ConfigMap at /config, whatever folder was given here.
  const runArgs = [
    ...stripFlags(runArgsAfter(userArgv, ['k8s', 'render']), { '--config-dir': true }),
    '--config-dir',
    POD_CONFIG_DIR,
  ]
  const opts = await checkRunArgs(runArgs)
  const startAtEpochMs = chooseStartAt(flags, Number(flags.startIn))
  const runId = checkRunId(flags.runId ?? submittedRunId(opts, startAtEpochMs))
  const configDir = resolveConfigDir(io, flags.configDir)
  const configFiles = Object.fromEntries(
    CONFIG_FILES.filter((name) => existsSync(join(configDir, name))).map((name) => [
      name,
      readFileSync(join(configDir, name), 'utf8'),
    ]),
  )
  if (configFiles['targets.yaml'] === undefined) {
    throw new UsageError(`No targets.yaml in ${configDir} for the pods' ConfigMap`, {
      hint: 'point --config-dir at the folder holding targets.yaml (and models.yaml, workloads.yaml)',
    })
  }
  const holdSec = wholeNumber('--hold-sec', flags.holdSec, 0)
  const manifests = renderIndexedJob({
    run: { program: ['run-bench'], runArgs, runId, shards, startAtEpochMs },
    image: flags.image,
    ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
    results: flags.pvc === undefined ? { kind: 'emptyDir', holdSec } : { kind: 'pvc', claimName: flags.pvc },
    configFiles,
  })
  const yaml = renderManifestYaml(manifests)
  if (flags.output === undefined) {
    io.stdout.write(yaml)
  } else {
    const path = resolve(io.cwd, flags.output)
    writeFileSync(path, yaml)
    io.stdout.write(
      `Wrote ${path}: Indexed Job ${String((manifests.job.metadata as { name: string }).name)} with ${shards} shards of run ${runId}, shared start ${new Date(startAtEpochMs).toISOString()}\n` +
        `Next: kubectl apply -f ${flags.output}   (before the shared start)\n`,
    )
  }
  return EXIT_OK
}
