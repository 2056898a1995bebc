import { resolve } from 'node:path'
import { confirm, input, select } from '@inquirer/prompts'
import { loadConfig } from '../../config/load-config.js'
import { unknownEnvWarnings } from '../../config/run-overrides.js'
import { createCatalogDiscovery } from '../../discovery/model-catalog.js'
import { buildRunSource } from '../../run/run-source.js'
import { createSourceHook } from '../../run/source-hook.js'
import { createTokenCounter } from '../../workload/tokenizer.js'
import { printConfigNotices } from '../config-notices.js'
import type { DiscoverModels, PromptFns } from '../dialog/dialog.js'
import { needsTerminalError, runInteractive } from '../dialog/run-interactive.js'
import type { ExitCode } from '../exit-codes.js'
import type { Io } from '../io.js'
import { detectLang } from '../lang.js'
import { runAndPrint } from '../run-and-print.js'
import { buildPlan, resolveConfigDir } from './run.js'

export interface InteractiveFlags {
  lang?: 'en' | 'ko'
  configDir?: string
  outputDir: string
  tokenizer?: string
}

export interface InteractiveDeps {
  /** Lists what the chosen target serves; by default its /v1/models (LiteLLM: /v1/model/info). */
  discoverModels?: DiscoverModels
  /** The real @inquirer prompts unless given. */
  prompts?: PromptFns
}

/** `run-bench` with no arguments: the original tool's dialog, then the run it settles on. */
export async function interactiveCommand(
  flags: InteractiveFlags,
  io: Io,
  deps: InteractiveDeps = {},
): Promise<ExitCode> {
  const lang = detectLang(io.env, flags.lang)
  for (const warning of unknownEnvWarnings(io.env)) io.stderr.write(`Warning: ${warning}\n`)
  const config = loadConfig({ configDir: resolveConfigDir(io, flags.configDir), env: io.env })
  printConfigNotices(config, io)
  if (!io.stdinIsTTY) throw needsTerminalError(config, lang)
  return runInteractive({
    config,
    lang,
    io,
    prompts: deps.prompts ?? { select, input, confirm },
    discoverModels: deps.discoverModels ?? createCatalogDiscovery(io.env),
    outputDir: resolve(io.cwd, flags.outputDir),
    start: async ({ resolved }) => {
      const countTokens = await createTokenCounter(
        flags.tokenizer === undefined
          ? { kind: 'default' }
          : { kind: 'tokenizer-json', path: resolve(io.cwd, flags.tokenizer) },
      )
      const built = buildPlan(resolved, io.cwd)
      const plan =
        flags.tokenizer === undefined ? built : { ...built, tokenizer: resolve(io.cwd, flags.tokenizer) }
      // A workload with a prompt source (issue 16) primes its prefixes and checks the cache.
      const source = buildRunSource(plan, countTokens, false)
      const hooks = source === null ? [] : [createSourceHook(source)]
      const { exitCode } = await runAndPrint({ plan, lang, io, countTokens, hooks })
      return exitCode
    },
  })
}
