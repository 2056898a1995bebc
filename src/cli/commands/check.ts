// The `check` command: registered here, its work loaded only when it runs.
import { type Command, Option } from '@commander-js/extra-typings'
import type { ExitCode } from '../exit-codes.js'
import type { Io } from '../io.js'
import { SLO_HELP, SLO_HELP_AFTER } from '../run-options/gates.js'

export interface CheckFlags {
  slo?: string[]
  baseline?: string
  regressionTolerance?: string
  junit?: string
  json?: true
  format?: 'text' | 'markdown'
  force?: true
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value]
}

export function registerCheckCommand(program: Command, io: Io, setExitCode: (code: ExitCode) => void): void {
  program
    .command('check')
    .description('apply SLOs and a baseline to existing raw files, without sending a request')
    .argument('<raw...>', 'raw .jsonl files or results folders (several: judged as one group)')
    .option('--slo <expr>', SLO_HELP, collect)
    .option(
      '--baseline <dir|file>',
      'stored run to compare with; exit 5 on a regression beyond the tolerance',
    )
    .option('--regression-tolerance <pct>', 'how much worse than the baseline a metric may get (default 10%)')
    .option('--junit <file>', 'write the verdicts as JUnit XML')
    .option('--json', 'print the verdicts as one JSON object')
    .addOption(
      new Option('--format <format>', 'text for the terminal, markdown for a CI step summary')
        .choices(['text', 'markdown'] as const)
        .default('text' as const),
    )
    .option('--force', 'compare with a baseline of another workload or model anyway')
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  run-bench check results/raw/bench_sim_sim-llama-8b_smoke_20261128_140000.jsonl --slo 'ttft_p99<=500ms'
  run-bench check results --slo 'ttft<=500ms,tpot<=50ms' --slo 'attainment>=95%' --junit junit.xml
  run-bench check results/raw --baseline baseline/ --format markdown >> "$GITHUB_STEP_SUMMARY"
${SLO_HELP_AFTER}`,
    )
    .action(async (raw, options) => {
      const { checkCommand } = await import('./check-command.js')
      setExitCode(await checkCommand(raw, options as CheckFlags, io))
    })
}
