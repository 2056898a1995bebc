import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { type LoadedConfig, loadConfig } from '../../config/load-config.js'
import { findPackageRoot, readToolVersion } from '../../config/package-root.js'
import { type ResolvedRun, type RunChoice, resolveRun } from '../../config/resolve-run.js'
import type { RunPlan } from '../../types.js'
import { defaultPromptsDir, loadPrompts } from '../../workload/prompts.js'
import { createTokenCounter } from '../../workload/tokenizer.js'
import { executeRun } from '../execute-run.js'
import { EXIT_OK, type ExitCode } from '../exit-codes.js'
import type { Io } from '../io.js'
import { detectLang, type Lang } from '../lang.js'

export interface RunFlags {
  target?: string
  model?: string
  workload?: string
  duration?: number
  requests?: number
  rps?: number
  arrival?: 'constant' | 'poisson'
  concurrency?: number
  maxTokens?: number
  temperature?: number
  promptType?: 'short' | 'medium' | 'long'
  promptFile?: string
  api?: 'chat' | 'completions'
  ignoreEos?: true
  seed?: number
  timeout?: number
  outputDir?: string
  configDir?: string
  tokenizer?: string
  lang?: 'en' | 'ko'
}

/** ./configs when the user has one, else the configs bundled with the package. */
export function resolveConfigDir(io: Io, flag: string | undefined): string {
  if (flag !== undefined) return resolve(io.cwd, flag)
  const local = resolve(io.cwd, 'configs')
  return existsSync(join(local, 'targets.yaml')) ? local : join(findPackageRoot(), 'configs')
}

export function choiceFromFlags(flags: RunFlags, io: Io): RunChoice {
  const choice: RunChoice = {}
  if (flags.target !== undefined) choice.target = flags.target
  if (flags.model !== undefined) choice.model = flags.model
  if (flags.workload !== undefined) choice.workload = flags.workload
  if (flags.duration !== undefined) choice.durationSec = flags.duration
  if (flags.requests !== undefined) choice.requests = flags.requests
  if (flags.rps !== undefined) choice.rps = flags.rps
  if (flags.arrival !== undefined) choice.arrival = flags.arrival
  if (flags.concurrency !== undefined) choice.concurrency = flags.concurrency
  if (flags.maxTokens !== undefined) choice.maxTokens = flags.maxTokens
  if (flags.temperature !== undefined) choice.temperature = flags.temperature
  if (flags.promptType !== undefined) choice.promptType = flags.promptType
  if (flags.promptFile !== undefined) choice.promptFile = resolve(io.cwd, flags.promptFile)
  if (flags.api !== undefined) choice.api = flags.api
  if (flags.ignoreEos !== undefined) choice.ignoreEos = true
  if (flags.seed !== undefined) choice.seed = flags.seed
  if (flags.timeout !== undefined) choice.timeoutSec = flags.timeout
  if (flags.outputDir !== undefined) choice.outputDir = resolve(io.cwd, flags.outputDir)
  return choice
}

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

export async function runCommand(flags: RunFlags, io: Io): Promise<ExitCode> {
  const lang: Lang = detectLang(io.env, flags.lang)
  const config: LoadedConfig = loadConfig({ configDir: resolveConfigDir(io, flags.configDir), env: io.env })
  const resolved = resolveRun(config, choiceFromFlags(flags, io), io.env)
  const plan = buildPlan(resolved, io.cwd)
  const countTokens = await createTokenCounter(
    flags.tokenizer === undefined
      ? { kind: 'default' }
      : { kind: 'tokenizer-json', path: resolve(io.cwd, flags.tokenizer) },
  )
  const { exitCode } = await executeRun({ plan, lang, io, countTokens })
  return exitCode ?? EXIT_OK
}
