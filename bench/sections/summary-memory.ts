// 5. Summary memory: a 24-hour soak at 1,000 req/s is 86.4 M records; the summary must fit
// whatever the count. 20 M synthetic records (11 metrics each, as summarize() keeps) go
// through the summary accumulator (every column bounded) in a fresh process; the reference
// is the unbounded exact FloatColumns the summary kept before, measured in the same run at
// 2 M records (20 M exact would need ~3 GB at the peak of a column's last doubling, on a
// shared machine).
import type { BenchContext, SectionResult } from '../bench-context.js'
import { count, fixed, type GoalResult, mib, type Row } from '../report-table.js'
import { runBenchChild } from '../server-process.js'
import type { SummaryMemoryResult } from '../summary-memory-child.js'

/** 512 MiB for 86.4 M records (24 h at 1,000 req/s): the goal, per record. */
const SOAK_RECORDS = 86_400_000
const SOAK_BUDGET_BYTES = 512 * 1024 * 1024

export async function summaryMemorySection(bench: BenchContext): Promise<SectionResult> {
  const records = bench.quick ? 4_000_000 : 20_000_000
  const referenceRecords = bench.quick ? 1_000_000 : 2_000_000
  const bounded = await runBenchChild<SummaryMemoryResult>('summary-memory-child', [
    '--mode',
    'summary',
    '--records',
    String(records),
  ])
  const exact = await runBenchChild<SummaryMemoryResult>('summary-memory-child', [
    '--mode',
    'exact',
    '--records',
    String(referenceRecords),
  ])
  const perRecord = (r: SummaryMemoryResult) => r.retainedBytes / r.records
  // Flat memory: what 86.4 M records would retain is what 20 M do (the histograms are full
  // size by then), so the soak's estimate is the measured total, not per record × count.
  const soakEstimate = bounded.retainedBytes
  const exactSoakEstimate = perRecord(exact) * SOAK_RECORDS
  const met = soakEstimate < SOAK_BUDGET_BYTES && bounded.peakRssBytes < SOAK_BUDGET_BYTES
  const rows: Row[] = [
    {
      figure: `${count(records)} records x 11 metrics: retained`,
      measured: mib(bounded.retainedBytes),
      reference: `${mib(exact.retainedBytes)} for ${count(referenceRecords)} exact`,
      goal: 'printed',
      met: null,
    },
    {
      figure: '  bytes per record',
      measured: fixed(perRecord(bounded), 2),
      reference: `${fixed(perRecord(exact), 1)} exact`,
      goal: 'falls with the count',
      met: perRecord(bounded) < perRecord(exact) / 4,
    },
    {
      figure: '  peak RSS of the process',
      measured: mib(bounded.peakRssBytes),
      reference: `${mib(exact.peakRssBytes)} exact at ${count(referenceRecords)}`,
      goal: '< 512 MiB',
      met: bounded.peakRssBytes < SOAK_BUDGET_BYTES,
    },
    {
      figure: '  24 h at 1,000 req/s (86.4 M records): summary memory',
      measured: mib(soakEstimate),
      reference: `${mib(exactSoakEstimate)} exact (extrapolated)`,
      goal: '< 512 MiB',
      met,
    },
    {
      figure: '  first metric p99 / method',
      measured: `${fixed(bounded.p99, 3)} / ${bounded.method}`,
      reference: `${fixed(exact.p99, 3)} / exact`,
      goal: 'within 0.1 %',
      met: Math.abs(bounded.p99 - exact.p99) / exact.p99 <= 0.002,
    },
    {
      figure: '  time to push the records',
      measured: `${fixed(bounded.seconds, 1)} s`,
      reference: `${fixed(exact.seconds, 1)} s for ${count(referenceRecords)}`,
      goal: 'printed',
      met: null,
    },
  ]
  const goals: GoalResult[] = [
    {
      section: 'Summary memory',
      figure: 'a 24-hour soak at 1,000 req/s fits in 512 MiB',
      measured: `${mib(soakEstimate)} retained, peak RSS ${mib(bounded.peakRssBytes)} at ${count(records)} records`,
      goal: '< 512 MiB',
      met,
      reason: 'the summary columns grew with the record count',
    },
  ]
  return {
    title: `5. Summary memory: ${count(records)} synthetic records through the summary accumulator`,
    rows,
    goals,
    notes: [
      'exact up to 1,000,000 values per metric, then HdrHistogram (3 significant digits, within 0.1 %)',
      'the p99 rows compare different record counts (same value distribution): a sanity check, not the error bound (test/stats/bounded-column.test.ts proves that)',
    ],
  }
}
