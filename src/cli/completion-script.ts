// Shell completion generated from commander's own command and option tree, so a new
// command or flag completes without anyone editing a word list.
import type { Command } from '@commander-js/extra-typings'

export const COMPLETION_SHELLS = ['bash', 'zsh'] as const
export type CompletionShell = (typeof COMPLETION_SHELLS)[number]

interface CommandWords {
  name: string
  /** Long and short flags, e.g. --target, -h. */
  flags: string[]
  /** Flag → its allowed values (--lang → en ko). */
  choices: Array<{ flag: string; values: string[] }>
}

/** What completes where: the top level, then each subcommand. */
export function completionWords(program: Command): { top: CommandWords; commands: CommandWords[] } {
  const wordsOf = (command: Command, name: string): CommandWords => {
    const options = command.options
    const flags = options.flatMap((option) => [option.long, option.short].filter((f) => f !== undefined))
    // An argument with fixed values (completion <bash|zsh>) completes like a flag.
    const argumentValues = command.registeredArguments.flatMap((argument) => argument.argChoices ?? [])
    return {
      name,
      flags: [...new Set([...argumentValues, ...flags, '--help'])],
      choices: options.flatMap((option) =>
        option.long !== undefined && option.argChoices !== undefined
          ? [{ flag: option.long, values: [...option.argChoices] }]
          : [],
      ),
    }
  }
  const commands = program.commands.map((command) => wordsOf(command as Command, command.name()))
  const top = wordsOf(program, '')
  const topFlags = [...commands.map((c) => c.name), ...top.flags, '-v']
  return { top: { ...top, flags: [...new Set(topFlags)] }, commands }
}

/** A name safe inside a bash case pattern and a word list (commander names are plain words). */
function words(list: readonly string[]): string {
  return list.filter((word) => /^[\w-]+$/.test(word)).join(' ')
}

function bashFunction(program: Command): string {
  const { top, commands } = completionWords(program)
  const choiceCases = [top, ...commands]
    .flatMap((command) => command.choices)
    .filter((choice, index, all) => all.findIndex((other) => other.flag === choice.flag) === index)
    .map(
      (choice) =>
        `    ${choice.flag}) COMPREPLY=($(compgen -W "${words(choice.values)}" -- "$cur")); return ;;`,
    )
  const commandCases = commands.map((command) => `    ${command.name}) words="${words(command.flags)}" ;;`)
  return `_run_bench() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} cmd= words i
  case $prev in
${choiceCases.join('\n')}
  esac
  for ((i = 1; i < COMP_CWORD; i++)); do
    case " ${words(commands.map((command) => command.name))} " in
      *" \${COMP_WORDS[i]} "*) cmd=\${COMP_WORDS[i]}; break ;;
    esac
  done
  case $cmd in
${commandCases.join('\n')}
    *) words="${words(top.flags)}" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _run_bench run-bench
`
}

/** The script for `shell`; its first lines say how to install it. */
export function completionScript(program: Command, shell: CompletionShell): string {
  if (shell === 'bash') {
    return `# run-bench completion for bash. Install: run-bench completion bash >> ~/.bashrc
# (or: eval "$(run-bench completion bash)")
${bashFunction(program)}`
  }
  // zsh runs bash completion functions through bashcompinit: one generator for both shells.
  return `#compdef run-bench
# run-bench completion for zsh. Install: run-bench completion zsh >> ~/.zshrc
# (or: eval "$(run-bench completion zsh)")
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashFunction(program)}`
}
