import { createHash } from 'node:crypto'
import { basename } from 'node:path'
import { stringify } from 'yaml'
import { UsageError } from '../errors.js'
import { type ShardRun, shardRunArgv } from './shard-command.js'

/** Where shards write results inside the pod. */
export const POD_RESULTS_DIR = '/results'
/** Where the ConfigMap's files appear inside the pod. */
export const POD_CONFIG_DIR = '/config'

/**
 * The results volume: a PersistentVolumeClaim every pod mounts (ReadWriteMany, so all
 * shards write into one folder that `k8s collect` merges), or an emptyDir per pod, whose
 * files live only while the pod does: each pod then waits holdSec after its run so
 * `kubectl cp` can fetch raw/ (docs/shards.md).
 */
export type ResultsVolume = { kind: 'pvc'; claimName: string } | { kind: 'emptyDir'; holdSec: number }

export interface IndexedJobOptions {
  /** The shard run; its outputDir is ignored (pods write to POD_RESULTS_DIR). */
  run: Omit<ShardRun, 'outputDir'>
  image: string
  namespace?: string
  results: ResultsVolume
  /** Config files by name (e.g. targets.yaml → its text), mounted read-only at /config. */
  configFiles: Readonly<Record<string, string>>
}

export interface IndexedJobManifests {
  configMap: Record<string, unknown>
  job: Record<string, unknown>
}

/**
 * The pod's exact argv. The Job controller sets JOB_COMPLETION_INDEX=0…N-1 in each pod;
 * `--shards N` tells run-bench to read its index from there, so every pod runs the same
 * command. With an emptyDir the run is wrapped in `sh -c` to hold the pod open afterwards.
 */
export function podCommand(options: Pick<IndexedJobOptions, 'run' | 'results'>): string[] {
  const argv = [
    ...shardRunArgv({ ...options.run, outputDir: POD_RESULTS_DIR }),
    '--shards',
    String(options.run.shards),
  ]
  if (options.results.kind === 'pvc') return argv
  const quoted = argv.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ')
  return ['sh', '-c', `${quoted}; status=$?; sleep ${options.results.holdSec}; exit $status`]
}

/**
 * A Kubernetes object name from a run id: lowercase DNS-1123, at most 52 characters (the
 * Job name limit that leaves room for pod-name suffixes). A longer id keeps its start and a
 * hash of the whole id, so two runs a second apart never share a name.
 */
export function jobName(runId: string): string {
  const name = `run-bench-${runId}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/-+$/, '')
  if (name.length <= 52) return name
  const hash = createHash('sha256').update(runId).digest('hex').slice(0, 8)
  return `${name.slice(0, 43).replace(/-+$/, '')}-${hash}`
}

/**
 * An Indexed Job (batch/v1, completionMode Indexed, parallelism = completions = N) and a
 * ConfigMap with the config files. backoffLimit 0: a retried pod would start after the
 * shared start and be refused, so a failed shard is left missing and the merge names it.
 */
export function renderIndexedJob(options: IndexedJobOptions): IndexedJobManifests {
  const name = jobName(options.run.runId)
  const namespace = options.namespace === undefined ? {} : { namespace: options.namespace }
  const labels = {
    'app.kubernetes.io/name': 'run-bench',
    'run-bench/run-id': name.slice('run-bench-'.length),
  }
  for (const file of Object.keys(options.configFiles)) {
    if (basename(file) !== file || !/^[-._a-zA-Z0-9]+$/.test(file)) {
      throw new UsageError(`Config file name "${file}" cannot be a ConfigMap key`, {
        hint: 'name config files with letters, digits, -, _ and . only',
      })
    }
  }
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${name}-config`, labels, ...namespace },
    data: { ...options.configFiles },
  }
  const resultsVolume =
    options.results.kind === 'pvc'
      ? { name: 'results', persistentVolumeClaim: { claimName: options.results.claimName } }
      : { name: 'results', emptyDir: {} }
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, labels, ...namespace },
    spec: {
      completionMode: 'Indexed',
      completions: options.run.shards,
      parallelism: options.run.shards,
      backoffLimit: 0,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          // The image runs as the `node` user (uid/gid 1000): fsGroup lets it write to the
          // results volume, whose root a fresh PVC gives to root.
          securityContext: { fsGroup: 1000 },
          containers: [
            {
              name: 'shard',
              image: options.image,
              command: podCommand(options),
              workingDir: POD_CONFIG_DIR,
              volumeMounts: [
                { name: 'config', mountPath: POD_CONFIG_DIR, readOnly: true },
                { name: 'results', mountPath: POD_RESULTS_DIR },
              ],
            },
          ],
          volumes: [{ name: 'config', configMap: { name: `${name}-config` } }, resultsVolume],
        },
      },
    },
  }
  return { configMap, job }
}

/** Both objects as one multi-document YAML file for `kubectl apply -f`. */
export function renderManifestYaml(manifests: IndexedJobManifests): string {
  return [manifests.configMap, manifests.job].map((doc) => stringify(doc, { lineWidth: 0 })).join('---\n')
}
