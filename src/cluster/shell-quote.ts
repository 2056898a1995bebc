/**
 * One argument for a POSIX shell, in single quotes unless it is plainly safe: the rendered
 * sbatch script must run exactly the argv the user gave, whatever a prompt or path holds.
 */
export function quoteShellArg(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg
  return `'${arg.replace(/'/g, `'\\''`)}'`
}

export function quoteShellCommand(argv: readonly string[]): string {
  return argv.map(quoteShellArg).join(' ')
}
