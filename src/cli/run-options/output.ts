// `run` flags of how the run talks to its caller (issue 12): --json, --quiet.
import type { Command, OptionValues } from '@commander-js/extra-typings'

export type OutputFlags = {}

export function addOutputOptions<Args extends unknown[], Opts extends OptionValues>(
  command: Command<Args, Opts>,
) {
  return command
}
