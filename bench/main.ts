// `npm run bench [-- --quick] [-- --workers N] [-- --source] [-- --only ceiling,accuracy,open-loop,scale,summary-memory,merge,cli]`
//
// Measures whether Run Bench's numbers can be trusted at any load: its own ceiling and CPU
// per request, its timing accuracy against a server that records the truth, open-loop rate
// accuracy, and memory at scale. Every server is a separate process on 127.0.0.1; every
// figure is printed beside a reference measured in the same run (absolute numbers on a
// shared machine move by up to 2x between runs) and beside the goal of issue 6.
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BenchContext, SectionResult } from './bench-context.js'
import { loadProduct } from './product.js'
import { renderTable } from './report-table.js'
import { abCompareSection } from './sections/ab-compare.js'
import { accuracySection } from './sections/accuracy.js'
import { ceilingSection } from './sections/ceiling.js'
import { cliSection } from './sections/cli-as-user.js'
import { coldStartSection } from './sections/cold-start.js'
import { mergeSection } from './sections/merge.js'
import { openLoopSection } from './sections/open-loop.js'
import { scaleSection } from './sections/scale.js'
import { scrapeCostSection } from './sections/scrape-cost.js'
import { summaryMemorySection } from './sections/summary-memory.js'
import { stopAllServers } from './server-process.js'

const SECTIONS: Record<string, (bench: BenchContext) => Promise<SectionResult>> = {
  'cold-start': coldStartSection,
  ceiling: ceilingSection,
  accuracy: accuracySection,
  'open-loop': openLoopSection,
  scale: scaleSection,
  'summary-memory': summaryMemorySection,
  merge: mergeSection,
  'ab-compare': abCompareSection,
  cli: cliSection,
  'scrape-cost': scrapeCostSection,
}

function flagValue(args: string[], name: string): string | undefined {
  const at = args.indexOf(name)
  return at === -1 ? undefined : args[at + 1]
}

async function main(args: string[]): Promise<void> {
  const quick = args.includes('--quick')
  const only = flagValue(args, '--only')?.split(',') ?? Object.keys(SECTIONS)
  const unknown = only.filter((name) => !(name in SECTIONS))
  if (unknown.length > 0)
    throw new Error(`Unknown section ${unknown.join(', ')}; known: ${Object.keys(SECTIONS).join(', ')}`)
  const log = (line: string) => process.stdout.write(`${line}\n`)
  const cpuCount = availableParallelism()
  const workersFlag = flagValue(args, '--workers')
  const workers = workersFlag === undefined ? Math.max(2, cpuCount) : Number(workersFlag)
  const startedMs = performance.now()
  const product = await loadProduct(args.includes('--source'), log)
  const tmpDir = mkdtempSync(join(tmpdir(), 'run-bench-bench-'))
  const bench: BenchContext = { product, quick, workers, cpus: cpuCount, tmpDir, log }

  log(`Run Bench self-benchmark${quick ? ' (--quick)' : ''}`)
  log(`  machine: ${cpuCount} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}`)
  log(`  product: ${product.origin}; multi-core rows use --workers ${workers}`)
  log('  servers: separate processes on 127.0.0.1; references measured in this same run')
  const results: SectionResult[] = []
  try {
    for (const name of only) {
      const section = SECTIONS[name]
      if (section === undefined) continue
      const sectionStartMs = performance.now()
      log('')
      const result = await section(bench)
      results.push(result)
      log(`## ${result.title} (${((performance.now() - sectionStartMs) / 1000).toFixed(1)} s)`)
      log('')
      log(renderTable(result.rows))
      for (const note of result.notes) log(`  note: ${note}`)
    }
  } finally {
    stopAllServers()
    rmSync(tmpDir, { recursive: true, force: true })
  }

  log('')
  log(`## Closing note (${((performance.now() - startedMs) / 1000).toFixed(0)} s in all)`)
  const goals = results.flatMap((result) => result.goals)
  for (const goal of goals) {
    log(
      `- ${goal.met ? 'MET' : 'NOT MET'}: ${goal.section}, ${goal.figure}: ${goal.measured} (goal ${goal.goal})`,
    )
    if (!goal.met) log(`    why: ${goal.reason}`)
  }
  const missed = goals.filter((goal) => !goal.met).length
  log('')
  log(`${goals.length - missed} of ${goals.length} goals met.`)
}

main(process.argv.slice(2)).catch((error: unknown) => {
  stopAllServers()
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exitCode = 1
})
