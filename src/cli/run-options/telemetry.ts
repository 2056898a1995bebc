// `run` flags of the server side (issue 14): --server-metrics, --metrics-interval, --gpu,
// --gpus, --idle-baseline, --prometheus-port, --pushgateway.
import type { Command, OptionValues } from '@commander-js/extra-typings'
import type { Io } from '../io.js'
import type { RunExtension } from '../run-extension.js'

export type TelemetryFlags = {}

export function addTelemetryOptions<Args extends unknown[], Opts extends OptionValues>(
  command: Command<Args, Opts>,
) {
  return command
}

export async function telemetryExtension(_flags: TelemetryFlags, _io: Io): Promise<RunExtension | null> {
  return null
}
