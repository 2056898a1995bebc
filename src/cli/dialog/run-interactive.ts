// What the `interactive` command does around the questions: cancelling, and the error shown
// when there is no terminal to ask in. Kept apart from the command so tests can drive it
// with prompts of their own and a config built by hand.

import type { LoadedConfig } from '../../config/load-config.js'
import { UsageError } from '../../errors.js'
import { EXIT_INTERRUPTED, EXIT_OK, type ExitCode } from '../exit-codes.js'
import type { Lang } from '../lang.js'
import { applicableModels, type DialogAnswer, type DialogDeps, runDialog } from './dialog.js'
import { dialogMessages } from './dialog-messages.js'

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

/** The hint spells out the flags that run what pressing Enter at every question would run. */
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
