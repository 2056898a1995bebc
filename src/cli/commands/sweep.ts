// The `sweep` command: registered here, its work loaded only when it runs.
import { type Command, InvalidArgumentError, Option } from '@commander-js/extra-typings'
import { type RunSetting, SETTINGS } from '../../config/run-settings.js'
import type { ExitCode } from '../exit-codes.js'
import type { Io } from '../io.js'
import { SLO_HELP, SLO_HELP_AFTER } from '../run-options/gates.js'
import { integer, number, settingOption } from '../setting-option.js'

export interface SweepFlags {
  slo?: string[]
  rateRange?: string
  concurrencyRange?: string
  attainment: string
  maxSteps?: number
  tolerance: string
  configDir?: string
  /** false with --no-probe. */
  probe?: boolean
  [setting: string]: unknown
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value]
}

export function registerSweepCommand(program: Command, io: Io, setExitCode: (code: ExitCode) => void): void {
  const command = program
    .command('sweep')
    .description(
      'find the highest request rate (or concurrency) at which the SLOs still hold: one full run per step, one report',
    )
    .option('--slo <expr>', SLO_HELP, collect)
    .option('--rate-range <min:max>', 'request rates to search, req/s (default 1:200)')
    .option('--concurrency-range <min:max>', 'search the concurrency of a closed loop instead, e.g. 1:256')
    .option('--attainment <pct>', 'share of requests that must meet the per-request bounds', '90%')
    .option('--max-steps <n>', 'most runs in all, repeats included (default 8)', integer)
    .option('--tolerance <pct>', 'stop when the capacity is known to ± this', '5%')
  for (const setting of SETTINGS) {
    // The swept setting is set per step; the rest shape every step as in `run`.
    if (setting.key !== 'rps') command.addOption(settingOption(setting))
  }
  command
    .option('--config-dir <dir>', 'folder with targets.yaml, models.yaml, workloads.yaml')
    .option('--no-probe', 'skip the capability probe before the first step')
    .exitOverride()
    .addHelpText(
      'after',
      `
Each step is a full run of the workload at one rate, with its own raw files. The search
brackets the edge geometrically, then interpolates on the SLO margin (an over-saturated step
gives the served rate as the estimate) and repeats a step whose margin is within the noise.
Exit 0 with a capacity (or "at least" the top of the range), 4 when even the lowest step fails.

Examples:
  run-bench sweep --target sim --workload smoke --duration 10 --slo 'ttft_p99<=500ms'
  run-bench sweep --target vllm-local --slo 'ttft<=500ms,tpot<=50ms' --attainment 95% --rate-range 1:64
  run-bench sweep --target vllm-local --concurrency-range 1:256 --slo 'e2e_p99<=10s' --duration 30
${SLO_HELP_AFTER}`,
    )
    .action(async (options) => {
      const { sweepCommand } = await import('./sweep-command.js')
      setExitCode(await sweepCommand(options as SweepFlags, io))
    })
}
