// What a feature can attach to a run's lifecycle without editing execute-run.ts: telemetry
// scrapes around the measurement window, a live exporter watches records, a shard waits
// for its start time. Hooks run in the order given; each sees the same meta and summary
// objects, and may add to them before they are written.
import type { ResultPaths } from '../results/result-paths.js'
import type { RequestRecord, RunMeta, RunPlan, Summary } from '../types.js'
import type { ProgressSnapshot, RunResult } from './run-benchmark.js'

export interface RunHookContext {
  /** The plan as it runs (probed, the simulator's URL filled in). */
  plan: RunPlan
  paths: ResultPaths
  /** Written again after afterLoad: fields a hook adds here reach meta.json. */
  meta: RunMeta
  signal: AbortSignal
}

export interface RunHook {
  /** For error messages: which feature a failing hook belongs to. */
  name: string
  /** After meta.json's first write, before the load: the measurement window opens when all resolve. */
  beforeLoad?(ctx: RunHookContext): Promise<void> | void
  /**
   * After the warm-up (connections and JIT, nothing recorded), just before the clock starts:
   * counters read here see no warm-up traffic.
   */
  windowStart?(ctx: RunHookContext): Promise<void> | void
  /** Every progress snapshot (about once a second, and the last one). Must not throw or block. */
  onProgress?(snapshot: ProgressSnapshot): void
  /** Every record, as it is written to the raw file. Must not throw or block. */
  onRecord?(record: RequestRecord): void
  /** The load is over, before meta and summary are written: add to them here. */
  afterLoad?(ctx: RunHookContext & { result: RunResult; summary: Summary }): Promise<void> | void
  /** Always called, also when the run fails: stop timers, child processes, servers. */
  close?(): Promise<void> | void
}
