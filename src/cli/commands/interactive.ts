import { resolve } from 'node:path'
import { confirm, input, select } from '@inquirer/prompts'
import { type LoadedConfig, loadConfig } from '../../config/load-config.js'
import { UsageError } from '../../errors.js'
import { createTokenCounter } from '../../workload/tokenizer.js'
import {
  applicableModels,
  type DialogAnswer, type DialogDeps, type DiscoverModels, type PromptFns, runDialog } from '../dialog/dialog.js'
import { dialogMessages } from '../dialog/dialog-messages.js'
import { executeRun } from '../execute-run.js'
import { EXIT_INTERRUPTED, EXIT_OK, type ExitCode } from '../exit-codes.js'
import type { Io } from '../io.js'
import { detectLang, type Lang } from '../lang.js'
import { buildPlan, resolveConfigDir } from './run.js'

export interface InteractiveFlags {
  lang?: 'en' | 'ko'
  configDir?: string
  outputDir: string
  tokenizer?: string
}

export interface InteractiveDeps {
  /** Lists what the chosen target serves (LiteLLM / OpenAI discovery); optional. */
  discoverModels?: DiscoverModels
  /** The real @inquirer prompts unless given. */
  prompts?: PromptFns
}

/** `run-bench` with no arguments: the original tool's dialog, then the run it settles on. */
export async function interactiveCommand(flags: InteractiveFlags, io: Io, deps: InteractiveDeps = {}): Promise<ExitCode> {
  const lang = detectLang(io.env, flags.lang)
  const config = loadConfig({ configDir: resolveConfigDir(io, flags.configDir), env: io.env })
  if (!io.stdinIsTTY) throw needsTerminalError(config, lang)
  return runInteractive({
    config,
    lang,
    io,
    prompts: deps.prompts ?? { select, input, confirm },
    ...(deps.discoverModels === undefined ? {} : { discoverModels: deps.discoverModels }),
    outputDir: resolve(io.cwd, flags.outputDir),
    start: async ({ resolved }) => {
      const countTokens = await createTokenCounter(
        flags.tokenizer === undefined
          ? { kind: 'default' }
          : { kind: 'tokenizer-json', path: resolve(io.cwd, flags.tokenizer) },
      )
      const { exitCode } = await executeRun({ plan: buildPlan(resolved), lang, io, countTokens })
      return exitCode
    },
  })
}

/**
 * The dialog, then `start` with what it settled on. "No" at "Start?" ends with exit 0 and
 * Ctrl-C at any question with 130; both say "Cancelled" and start nothing.
 */
export async function runInteractive(
  options: DialogDeps & { start: (answer: DialogAnswer) => Promise<ExitCode> },
): Promise<ExitCode> {
  const msg = dialogMessages(options.lang)
  let answer: DialogAnswer | null
  try {
    answer = await runDialog(options)
  } catch (error) {
    if (!isPromptExit(error)) throw error
    options.io.stdout.write(`\n${msg.cancelled}\n`)
    return EXIT_INTERRUPTED
  }
  if (answer === null) {
    options.io.stdout.write(`\n${msg.cancelled}\n`)
    return EXIT_OK
  }
  return options.start(answer)
}

/** Inquirer rejects with ExitPromptError on Ctrl-C (and when the terminal goes away). */
function isPromptExit(error: unknown): boolean {
  return error instanceof Error && error.name === 'ExitPromptError'
}

/** The hint spells out the flags that run what pressing Enter three times would have run. */
export function needsTerminalError(config: LoadedConfig, lang: Lang): UsageError {
  const msg = dialogMessages(lang)
  const target = config.targets[0]
  const model = target === undefined ? undefined : applicableModels(config, target)[0]
  const command = [
    'run-bench run',
    ...(target === undefined ? [] : [`--target ${target.name}`]),
    ...(model === undefined ? [] : [`--model ${model.name}`]),
    `--workload ${config.defaultWorkload}`,
  ].join(' ')
  return new UsageError(msg.needsTerminal, { hint: msg.needsTerminalHint(command) })
}
