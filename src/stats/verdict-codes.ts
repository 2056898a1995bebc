// Exit codes for gates, distinct from 1 ("run completed but no request succeeded") so a CI
// job can tell a slow server from a broken one. cli/exit-codes.ts re-exports these when the
// `--slo`/`--baseline` flags are wired; they are defined here so stats/ and report/ can name
// them without importing cli/.

/** A run-level SLO threshold failed or could not be evaluated. */
export const EXIT_SLO_FAILED = 4
/** A metric regressed beyond its tolerance against the baseline. */
export const EXIT_REGRESSION = 5

/** SLO failure wins over regression when both happen: it is the user's stated contract. */
export function gateExitCode(slosPassed: boolean, regressionFree: boolean): 0 | 4 | 5 {
  if (!slosPassed) return EXIT_SLO_FAILED
  if (!regressionFree) return EXIT_REGRESSION
  return 0
}
