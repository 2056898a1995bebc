// The `slurm` command: registered here, its work loaded only when it runs.
import type { Command } from '@commander-js/extra-typings'
import type { ExitCode } from '../exit-codes.js'
import type { Io } from '../io.js'

export interface SlurmSubmitFlags {
  shards: string
  partition?: string
  sbatchArg: string[]
  wait?: true
  outputDir?: string
  runId?: string
  startAt?: string
  startIn?: string
  program?: string
}

/** The argv as the user typed it: commander keeps it on the root command, untyped. */
const userArgv = (program: Command): string[] => (program as unknown as { rawArgs: string[] }).rawArgs

const collectValues = (value: string, previous: string[]) => [...previous, value]

export function registerSlurmCommand(program: Command, io: Io, setExitCode: (code: ExitCode) => void): void {
  const slurm = program
    .command('slurm')
    .description('run shards of one plan as a Slurm job array, and merge them')
    .exitOverride()
  slurm
    .command('submit')
    .description('write an sbatch job-array script (kept under <output-dir>/cluster) and submit it')
    .requiredOption('--shards <n>', 'shards (array tasks); task i runs shard i/N')
    .option('--partition <name>', 'Slurm partition')
    .option(
      '--sbatch-arg <option>',
      'one more sbatch option, e.g. --sbatch-arg=--time=00:30:00 (repeatable)',
      collectValues,
      [],
    )
    .option('--wait', 'wait for the array to end (sbatch --wait), then merge the shards')
    .option('--output-dir <dir>', 'results folder on a filesystem every node sees (default ./results)')
    .option('--run-id <id>', 'the run id (default bench_<target>_<model>_<workload>_<start>)')
    .option('--start-at <time>', 'shared start: ISO time with zone, or epoch ms (default now + --start-in)')
    .option(
      '--start-in <sec>',
      'seconds from now to the shared start: time for Slurm to start every task',
      '60',
    )
    .option('--program <cmd>', 'how the nodes call run-bench (default: this node binary and CLI)')
    .allowUnknownOption()
    .allowExcessArguments()
    .exitOverride()
    .addHelpText(
      'after',
      `
Every other flag is a run flag (run-bench run --help), passed to each shard unchanged.

Example:
  run-bench slurm submit --target my-gateway --workload chat --rps 200 --duration 300 \\
    --shards 4 --partition cpu --sbatch-arg=--time=00:20:00 --output-dir /shared/results --wait`,
    )
    .action(async (flags: SlurmSubmitFlags) => {
      const { slurmSubmitCommand } = await import('./slurm-action.js')
      setExitCode(await slurmSubmitCommand(userArgv(program), flags, io))
    })
  slurm
    .command('collect')
    .description('merge the shards of a submitted job (by job id) or of a results folder')
    .argument('<job-or-dir>', 'the Slurm job id printed by submit, or the results folder')
    .option('--output-dir <dir>', 'results folder the job was submitted with (for a job id)', 'results')
    .exitOverride()
    .action(async (jobOrDir: string, flags: { outputDir: string }) => {
      const { slurmCollectCommand } = await import('./slurm-action.js')
      setExitCode(await slurmCollectCommand(jobOrDir, flags, io))
    })
}
