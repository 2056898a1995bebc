// `run` flags of the shards (issue 17): --shard, --shards, --run-id,
// --start-at.
import type { Command, OptionValues } from '@commander-js/extra-typings'
import type { Io } from '../io.js'
import type { RunExtension } from '../run-extension.js'

export type ShardFlags = {}

export function addShardOptions<Args extends unknown[], Opts extends OptionValues>(
  command: Command<Args, Opts>,
) {
  return command
}

export async function shardExtension(_flags: ShardFlags, _io: Io): Promise<RunExtension | null> {
  return null
}
