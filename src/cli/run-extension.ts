// What a feature adds to `run` from the command line side: a plan change (a shard's
// slice), lifecycle hooks (telemetry, live metrics), and a last word after the run is
// printed (SLO verdicts, a baseline comparison) that may worsen the exit code and add
// fields to --json. Each feature builds its extension from its own flags in
// cli/run-options/<feature>.ts; commands/run.ts applies them in order.
import type { RunHook } from '../run/run-hooks.js'
import type { RunPlan } from '../types.js'
import type { ExitCode } from './exit-codes.js'
import type { Io } from './io.js'
import type { PrintedRun } from './run-and-print.js'

export interface AfterRun {
  /** Replaces the run's exit code when it is worse (higher) than the current one. */
  exitCode?: ExitCode
  /** Fields merged into the --json object, e.g. { slo: [...] }. */
  json?: Record<string, unknown>
}

export interface RunExtension {
  name: string
  /** The plan as resolved from configs and flags → the plan that runs. */
  plan?(plan: RunPlan): RunPlan
  hooks?(plan: RunPlan): RunHook[]
  /** After the run's summary is printed (to io, which --json has pointed at stderr). */
  afterRun?(run: PrintedRun, io: Io): Promise<AfterRun> | AfterRun
}

/** The worse of two exit codes (130, interrupted, outranks every verdict). */
export function worseExitCode(current: ExitCode, next: ExitCode | undefined): ExitCode {
  if (next === undefined) return current
  return Math.max(current, next) as ExitCode
}
