// What the CLI rows share: the server's truths of one run's requests, and the error of the
// TTFT a CLI run reported against them.
import type { CliRun } from '../cli-run.js'
import { meanOf, percentileOf } from '../report-table.js'
import type { ServerProcess } from '../server-process.js'
import type { ServedTruth } from '../servers/truth-server.js'

export function ratio(measured: number | null, reference: number | null, digits = 2): string {
  if (measured === null || reference === null || reference === 0) return '-'
  return `${(measured / reference).toFixed(digits)}×`
}

/** The true TTFTs of the requests with this max_tokens (the CLI's probe asks 8, its warm-up 4). */
export async function truthsOf(server: ServerProcess, maxTokens: number): Promise<number[]> {
  const { truths } = await server.ask<{ truths: ServedTruth[] }>('truths')
  return truths.filter((truth) => truth.maxTokens === maxTokens).map((truth) => truth.ttftMs)
}

export interface TtftError {
  meanMs: number | null
  p99Ms: number | null
}

/** Reported − true TTFT, mean and p99, of one CLI run against the truths of its requests. */
export function ttftError(run: CliRun, truths: number[]): TtftError {
  const reported = run.summary.ttftMs
  const trueMean = meanOf(truths)
  const trueP99 = percentileOf(truths, 99)
  return {
    meanMs: reported === null || trueMean === null ? null : reported.mean - trueMean,
    p99Ms: reported === null || trueP99 === null ? null : reported.p99 - trueP99,
  }
}

/** The same for a reference client's own timings. */
export function rawTtftError(reportedMs: number[], truths: number[]): TtftError {
  const mean = meanOf(reportedMs)
  const p99 = percentileOf(reportedMs, 99)
  const trueMean = meanOf(truths)
  const trueP99 = percentileOf(truths, 99)
  return {
    meanMs: mean === null || trueMean === null ? null : mean - trueMean,
    p99Ms: p99 === null || trueP99 === null ? null : p99 - trueP99,
  }
}
