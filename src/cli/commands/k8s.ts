// The `k8s` command: registered here, its work loaded only when it runs.
import type { Command } from '@commander-js/extra-typings'
import type { ExitCode } from '../exit-codes.js'
import type { Io } from '../io.js'

export interface K8sRenderFlags {
  shards: string
  image: string
  namespace?: string
  pvc?: string
  holdSec: string
  output?: string
  runId?: string
  startAt?: string
  startIn: string
  configDir?: string
}

/** The argv as the user typed it: commander keeps it on the root command, untyped. */
const userArgv = (program: Command): string[] => (program as unknown as { rawArgs: string[] }).rawArgs

export function registerK8sCommand(program: Command, io: Io, setExitCode: (code: ExitCode) => void): void {
  const k8s = program
    .command('k8s')
    .description('run shards of one plan as a Kubernetes Indexed Job, and merge them')
    .exitOverride()
  k8s
    .command('render')
    .description('write a ConfigMap and an Indexed Job (batch/v1) for `kubectl apply -f`')
    .requiredOption('--shards <n>', 'shards (parallelism = completions = N); pod i runs shard i/N')
    .requiredOption('--image <image>', 'the worker image (deploy/docker/Dockerfile)')
    .option('--namespace <ns>', 'namespace of the Job and the ConfigMap')
    .option('--pvc <claim>', 'a ReadWriteMany PersistentVolumeClaim for /results (default: emptyDir per pod)')
    .option('--hold-sec <sec>', 'with emptyDir: seconds a pod stays up after its run, for kubectl cp', '600')
    .option('--output <file>', 'write the YAML here (default: stdout)')
    .option('--run-id <id>', 'the run id (default bench_<target>_<model>_<workload>_<start>)')
    .option('--start-at <time>', 'shared start: ISO time with zone, or epoch ms (default now + --start-in)')
    .option(
      '--start-in <sec>',
      'seconds from now to the shared start: time to apply and pull the image',
      '180',
    )
    .option(
      '--config-dir <dir>',
      'configs to put in the ConfigMap (targets.yaml, models.yaml, workloads.yaml)',
    )
    .allowUnknownOption()
    .allowExcessArguments()
    .exitOverride()
    .addHelpText(
      'after',
      `
Every other flag is a run flag (run-bench run --help), passed to each pod unchanged.

Example:
  run-bench k8s render --target my-gateway --workload chat --rps 200 --duration 300 \\
    --shards 4 --image registry.example/run-bench:0.1.0 --pvc bench-results --output job.yaml
  kubectl apply -f job.yaml`,
    )
    .action(async (flags: K8sRenderFlags) => {
      const { k8sRenderCommand } = await import('./k8s-action.js')
      setExitCode(await k8sRenderCommand(userArgv(program), flags, io))
    })
  k8s
    .command('collect')
    .description("merge the pods' results: one shared volume folder, or one folder per pod")
    .argument('<dirs...>', 'folders holding the shards/ the pods wrote (kubectl cp <pod>:/results DIR)')
    .option('--output-dir <dir>', 'where the merged run goes (default: the first DIR)')
    .option('--shards <n>', 'the shard count rendered: shards that left no files are named')
    .option('--run-id <id>', 'which run to merge when the folders hold several')
    .exitOverride()
    .action(async (dirs: string[], flags: { outputDir?: string; shards?: string; runId?: string }) => {
      const { mergeCommand } = await import('./merge-action.js')
      setExitCode(await mergeCommand(dirs, flags, io))
    })
}
