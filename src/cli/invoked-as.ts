// How the user started run-bench, for the commands we suggest next. The offline package's
// launcher (bin/run-bench) is on no PATH until the user links it, so it says how it was
// called in RUN_BENCH_COMMAND; hints then print `bin/run-bench report …`, which works.

/** The variable the offline launcher sets; not a BENCH_* setting. */
export const INVOKED_AS_ENV = 'RUN_BENCH_COMMAND'

/** The command to print in hints: the launcher's word for itself, else `run-bench`. */
export function invokedAs(env: Readonly<Record<string, string | undefined>>): string {
  const command = env[INVOKED_AS_ENV]?.trim()
  if (command === undefined || command === '') return 'run-bench'
  // A path with spaces must survive a copy and paste into a shell.
  return /^[\w./-]+$/.test(command) ? command : `'${command.replaceAll("'", "'\\''")}'`
}
