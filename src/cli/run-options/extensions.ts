// Every feature's extension of `run`, in the order they apply: shards change the plan
// first, sources next; telemetry hooks the lifecycle; gates judge the finished run.
import type { Io } from '../io.js'
import type { RunExtension } from '../run-extension.js'
import { type GateFlags, gateExtension } from './gates.js'
import { type ShardFlags, shardExtension } from './shards.js'
import { type SourceFlags, sourceExtension } from './sources.js'
import { type TelemetryFlags, telemetryExtension } from './telemetry.js'

export type ExtensionFlags = ShardFlags & SourceFlags & TelemetryFlags & GateFlags

export async function runExtensions(flags: ExtensionFlags, io: Io): Promise<RunExtension[]> {
  const built = [
    await shardExtension(flags, io),
    await sourceExtension(flags, io),
    await telemetryExtension(flags, io),
    await gateExtension(flags, io),
  ]
  return built.filter((extension): extension is RunExtension => extension !== null)
}
