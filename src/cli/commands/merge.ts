// The `merge` command: registered here, its work loaded only when it runs.
import type { Command } from '@commander-js/extra-typings'
import type { ExitCode } from '../exit-codes.js'
import type { Io } from '../io.js'

export interface MergeFlags {
  outputDir?: string
  runId?: string
  shards?: string
  maxSkewMs?: string
}

export function registerMergeCommand(program: Command, io: Io, setExitCode: (code: ExitCode) => void): void {
  program
    .command('merge')
    .description("merge the shards of one run into one run: statistics from the union of the shards' records")
    .argument(
      '<dirs...>',
      'results folders the shards wrote to (or their shards/ folders, or shard meta files)',
    )
    .option('--output-dir <dir>', 'where the merged raw/, summary/ and reports/ go (default: the first DIR)')
    .option('--run-id <id>', 'which run to merge when the folders hold shards of several')
    .option('--shards <n>', 'the shard count submitted: shards that left no files are named')
    .option('--max-skew-ms <ms>', 'warn when a shard started further than this from the shared start', '1000')
    .exitOverride()
    .addHelpText(
      'after',
      '\nExamples:\n  run-bench merge /shared/results\n  run-bench merge results-0 results-1 results-2 results-3 --output-dir merged',
    )
    .action(async (dirs: string[], flags: MergeFlags) => {
      const { mergeCommand } = await import('./merge-action.js')
      setExitCode(await mergeCommand(dirs, flags, io))
    })
}
