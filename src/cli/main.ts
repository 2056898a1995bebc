import { CommanderError } from '@commander-js/extra-typings'
import { BenchError } from '../errors.js'
import { EXIT_OK, EXIT_TARGET_UNREACHABLE, EXIT_USAGE, type ExitCode } from './exit-codes.js'
import type { Io } from './io.js'
import { buildProgram } from './program.js'

/**
 * The CLI entry: parses argv, runs one command and returns its exit code. The only place
 * that catches BenchErrors: it prints message + hint without a stack. Anything else is a
 * bug and keeps its stack.
 */
export async function main(argv: string[], io: Io): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT_OK
  const program = buildProgram(io, (code) => {
    exitCode = code
  })
  try {
    await program.parseAsync(normalizeArgv(argv, io), { from: 'user' })
    return exitCode
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end here with code 0; usage mistakes were already printed.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE
    }
    if (error instanceof BenchError) {
      io.stderr.write(`Error: ${error.message}\n`)
      if (error.hint !== undefined) io.stderr.write(`Hint: ${error.hint}\n`)
      return error.code === 'target' ? EXIT_TARGET_UNREACHABLE : EXIT_USAGE
    }
    throw error
  }
}

/** Options the dialog takes (`interactive`): given alone, they open the dialog. */
const DIALOG_OPTIONS = ['--lang', '--config-dir', '--output-dir', '--tokenizer']

/**
 * The original tool took its flags without a subcommand (`--target x --workload y`);
 * keep that working by routing such argv to `run`. No arguments at all opens the dialog
 * (which explains itself when there is no terminal), and so do the dialog's own options
 * alone (`run-bench --lang ko`): a run that long starts only from its confirmation screen.
 * `-v` is the version, as most CLIs have it (commander knows only `-V`).
 */
export function normalizeArgv(argv: string[], _io: Io): string[] {
  if (argv.length === 0) return ['interactive']
  const first = argv[0] ?? ''
  if (first === '-v') return ['--version', ...argv.slice(1)]
  const isGlobal = first === '--help' || first === '-h' || first === '--version' || first === '-V'
  if (first.startsWith('-') && !isGlobal)
    return onlyDialogOptions(argv) ? ['interactive', ...argv] : ['run', ...argv]
  return argv
}

/** Every argument is a dialog option (`--lang ko`, `--lang=ko`) or the value of one. */
function onlyDialogOptions(argv: string[]): boolean {
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? ''
    const name = arg.split('=')[0] ?? arg
    if (!DIALOG_OPTIONS.includes(name)) return false
    if (!arg.includes('=')) index += 1
  }
  return true
}
