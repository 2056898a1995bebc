// `run` flags of the gates (issue 15): --slo, --junit, --baseline,
// --regression-tolerance.
import type { Command, OptionValues } from '@commander-js/extra-typings'
import type { Io } from '../io.js'
import type { RunExtension } from '../run-extension.js'

export type GateFlags = {}

export function addGateOptions<Args extends unknown[], Opts extends OptionValues>(
  command: Command<Args, Opts>,
) {
  return command
}

export async function gateExtension(_flags: GateFlags, _io: Io): Promise<RunExtension | null> {
  return null
}
