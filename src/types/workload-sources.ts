// A workload's prompt sources as workloads.yaml states them (issue 16; docs/workload-sources.md).
/** A token length: fixed, uniform {min, max} (inclusive), or normal {mean, sd, min, max} (clipped). */
export type TokenLength =
  | number
  | { min: number; max: number }
  | { mean: number; sd: number; min: number; max: number }

/**
 * A workload's prompt-source keys, in workloads.yaml's snake_case (validated by
 * config/workload-sources-schema.ts; paths absolute once loaded).
 */
export interface WorkloadSources {
  input_tokens?: TokenLength
  output_tokens?: TokenLength
  on_bad_prompt?: 'skip' | 'stop'
  dataset?: {
    path: string
    mode?: 'first-turn' | 'multi-turn'
    min_input_tokens?: number
    max_input_tokens?: number
    exact_output?: boolean
  }
  sessions?: { turns: number; think_time_ms?: number }
  prefix?: { tokens: number; groups?: number; mode?: 'shared' | 'random'; prime?: boolean }
  trace?: { path: string; time_scale?: number; start_ms?: number; duration_ms?: number }
}
