// The config loader's notes and warnings (a bundled file used in place of a missing one, a
// model meant for a removed target), on stderr so they never mix with --json output.
import type { LoadedConfig } from '../config/load-config.js'
import type { Io } from './io.js'

export function printConfigNotices(config: LoadedConfig, io: Io): void {
  for (const note of config.notes ?? []) io.stderr.write(`Note: ${note}\n`)
  for (const warning of config.warnings ?? []) io.stderr.write(`Warning: ${warning}\n`)
}
