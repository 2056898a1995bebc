// Plans no client process can carry out are refused before anything starts (issue 12 item
// 11): `--rps 1e9` once ran for 100 s and died of heap exhaustion. Memory stays bounded for
// any plan that passes (arrival-backlog.ts), but every arrival of an open loop is recorded,
// so an arrival rate far above what one process can even schedule only produces a raw file
// of not_sent lines.
import { UsageError } from '../errors.js'
import { groupedCount } from '../stats/grouped-number.js'
import type { Workload } from '../types.js'

/**
 * The highest open-loop rate one process accepts: 20× the 5,000 req/s that Run Bench is
 * benchmarked to hold (npm run bench); one process cannot start more requests than this.
 */
export const MAX_OPEN_LOOP_RPS = 100_000

export function assertPlanFits(workload: Pick<Workload, 'name' | 'rps'>): void {
  if (workload.rps === undefined || workload.rps <= MAX_OPEN_LOOP_RPS) return
  throw new UsageError(
    `Workload ${workload.name}: rps ${formatRate(workload.rps)} is more than one Run Bench process can send ` +
      `(at most ${groupedCount(MAX_OPEN_LOOP_RPS)} req/s)`,
    {
      hint: `lower --rps to ${groupedCount(MAX_OPEN_LOOP_RPS)} or less; to find the server's limit, run a closed loop (--concurrency N without --rps) or a sweep`,
    },
  )
}

function formatRate(rps: number): string {
  return rps >= 1e6 ? rps.toExponential() : groupedCount(rps)
}
