// `run` flags of how the run talks to its caller (issue 12): --json prints the run's summary
// as one JSON object on stdout with every human line on stderr; --quiet keeps only the
// run's last line (and errors, which go to stderr anyway).
import type { Command, OptionValues } from '@commander-js/extra-typings'
import type { Io } from '../io.js'
import type { Lang } from '../lang.js'
import { doneLine, type PrintedRun } from '../run-and-print.js'

export type OutputFlags = { json?: true; quiet?: true }

export function addOutputOptions<Args extends unknown[], Opts extends OptionValues>(
  command: Command<Args, Opts>,
) {
  return command
    .option('--json', "print the run's summary as one JSON object on stdout (everything else goes to stderr)")
    .option('--quiet', "print only the run's last line (and errors)")
}

/** Dropped output: --quiet's progress line and tables. */
const discard = { write: () => true, isTTY: false }

/** The Io the run prints its human text through: stderr for --json, nowhere for --quiet. */
export function humanIo(flags: OutputFlags, io: Io): Io {
  if (flags.json === true) return { ...io, stdout: io.stderr }
  if (flags.quiet === true) return { ...io, stdout: discard }
  return io
}

/**
 * What --json and --quiet print once the run is done: the summary (as in
 * results/summary/<run>.json) with the run's files and the fields extensions add, or the
 * run's last line.
 */
export function printRunOutcome(
  flags: OutputFlags,
  io: Io,
  lang: Lang,
  printed: PrintedRun,
  extensionFields: Record<string, unknown>,
  /** The run's exit code after the extensions' verdicts. */
  exitCode: number,
): void {
  if (flags.json === true) {
    const files = {
      raw: printed.paths.raw,
      meta: printed.paths.meta,
      summary: printed.paths.summaryJson,
      summaryCsv: printed.paths.summaryCsv,
      report: printed.reportPath,
    }
    const object = { ...printed.summary, exitCode, files, ...extensionFields }
    io.stdout.write(`${JSON.stringify(object)}\n`)
  } else if (flags.quiet === true) io.stdout.write(`${doneLine(printed.summary, lang)}\n`)
}
