import { resolve } from 'node:path'
import { readToolVersion } from '../config/package-root.js'
import type { ResolvedRun } from '../config/resolve-run.js'
import type { RunPlan } from '../types.js'
import { defaultPromptsDir, loadPrompts } from '../workload/prompts.js'

/** Turns a resolved choice into the readonly plan the engine runs (paths made absolute). */
export function buildPlan(resolved: ResolvedRun, cwd: string): RunPlan {
  return {
    target: resolved.target,
    model: resolved.model,
    workload: resolved.workload,
    prompts: loadPrompts(resolved.workload, defaultPromptsDir()),
    seed: resolved.seed,
    timeouts: resolved.timeouts,
    outputDir: resolve(cwd, resolved.outputDir),
    graceMs: resolved.graceMs,
    toolVersion: readToolVersion(),
  }
}
