// The `completion` command: a bash or zsh script completing every command, flag and choice.
import { Argument, type Command } from '@commander-js/extra-typings'
import { COMPLETION_SHELLS, type CompletionShell, completionScript } from '../completion-script.js'
import { EXIT_OK, type ExitCode } from '../exit-codes.js'
import type { Io } from '../io.js'

export function registerCompletionCommand(
  program: Command,
  io: Io,
  setExitCode: (code: ExitCode) => void,
): void {
  program
    .command('completion')
    .description('print a shell completion script: eval "$(run-bench completion bash)"')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(COMPLETION_SHELLS))
    .exitOverride()
    .addHelpText(
      'after',
      '\nExamples:\n  run-bench completion bash >> ~/.bashrc\n  run-bench completion zsh >> ~/.zshrc',
    )
    .action((shell) => {
      io.stdout.write(completionScript(program, shell as CompletionShell))
      setExitCode(EXIT_OK)
    })
}
