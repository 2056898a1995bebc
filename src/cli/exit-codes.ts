// Process exit codes; the only place they are defined. Nothing calls process.exit():
// main() returns one of these and bin.ts sets process.exitCode so Node drains output.
export const EXIT_OK = 0
/** The run completed but failed its checks (e.g. no request succeeded). */
export const EXIT_CHECKS_FAILED = 1
export const EXIT_USAGE = 2
export const EXIT_TARGET_UNREACHABLE = 3
export const EXIT_INTERRUPTED = 130
/** 4: an SLO failed or could not be evaluated; 5: a regression against --baseline (issue 15). */
export { EXIT_REGRESSION, EXIT_SLO_FAILED } from '../stats/verdict-codes.js'
/** Ended by SIGTERM (128 + 15, the shell convention); SIGINT stays 130. */
export const EXIT_TERMINATED = 143

export type ExitCode = 0 | 1 | 2 | 3 | 4 | 5 | 130 | 143
