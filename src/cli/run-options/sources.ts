// `run` flags of the prompt sources (issue 16): --input-tokens, --output-tokens, --dataset,
// --trace, --sessions, --prefix ….
import type { Command, OptionValues } from '@commander-js/extra-typings'
import type { Io } from '../io.js'
import type { RunExtension } from '../run-extension.js'

export type SourceFlags = {}

export function addSourceOptions<Args extends unknown[], Opts extends OptionValues>(
  command: Command<Args, Opts>,
) {
  return command
}

export async function sourceExtension(_flags: SourceFlags, _io: Io): Promise<RunExtension | null> {
  return null
}
