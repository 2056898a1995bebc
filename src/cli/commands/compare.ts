// The `compare` command: registered here, its work loaded only when it runs.
import type { Command } from '@commander-js/extra-typings'
import type { ExitCode } from '../exit-codes.js'
import type { Io } from '../io.js'

export interface CompareFlags {
  format?: string
  outputDir: string
  force?: true
  resamples?: string
  seed?: string
  json?: true
}

export function registerCompareCommand(
  program: Command,
  io: Io,
  setExitCode: (code: ExitCode) => void,
): void {
  program
    .command('compare')
    .description(
      'A/B verdicts with confidence: for each metric B − A, its 95% block-bootstrap interval, and better / worse / no detectable difference',
    )
    .argument(
      '<a>',
      'run A: a raw .jsonl file or a results folder (a folder, or a comma list, is a group of runs)',
    )
    .argument('<b>', 'run B, as A')
    .option('--format <list>', 'reports to write besides the terminal table: comma list of md,html')
    .option('--output-dir <dir>', 'results folder whose reports/ receives them', 'results')
    .option('--force', 'compare runs of different workloads or models anyway')
    .option('--resamples <n>', 'bootstrap resamples (default 1000)')
    .option('--seed <n>', 'seed of the resampling (default 1)')
    .option('--json', 'print the comparison as one JSON object')
    .exitOverride()
    .addHelpText(
      'after',
      `
Method: requests under load are not independent, so each run's requests (in send order) are
resampled in blocks (circular block bootstrap, block length n^(1/3)). A difference is called
better or worse only when its 95% interval excludes 0 and it is at least 2% of A.

Examples:
  run-bench compare results/raw/bench_a.jsonl results/raw/bench_b.jsonl
  run-bench compare baseline/ results/ --format md,html
  run-bench compare a1.jsonl,a2.jsonl b1.jsonl,b2.jsonl    two groups of runs`,
    )
    .action(async (a, b, options) => {
      const { compareCommand } = await import('./compare-command.js')
      setExitCode(await compareCommand(a, b, options as CompareFlags, io))
    })
}
