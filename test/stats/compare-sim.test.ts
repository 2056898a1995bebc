import assert from 'node:assert/strict'
import { test } from 'node:test'
import { renderCompareText } from '../../src/report/compare-text.js'
import { runBenchmark } from '../../src/run/run-benchmark.js'
import { startSimServer } from '../../src/sim/server.js'
import { compareRuns, type RunSample } from '../../src/stats/compare.js'
import { summarize } from '../../src/stats/summarize.js'
import type { RequestRecord, RunPlan } from '../../src/types.js'

/**
 * 80 requests at 20 req/s (constant arrivals, one client seed) with 16 tokens each against a
 * simulator with its own seed, summarized. Arrivals are the same in every run so the runs differ
 * only by the server and the host's noise, which is what an A/A test is meant to show.
 */
async function simRun(seed: number, slowdown: number): Promise<RunSample> {
  const server = await startSimServer({ seed, decodeBaseMs: 5 * slowdown, decodePerSeqMs: 0.5 * slowdown })
  try {
    const plan: RunPlan = {
      target: {
        name: 'sim',
        description: '',
        kind: 'openai',
        baseUrl: server.url,
        headers: {},
        keepalive: true,
      },
      model: { name: 'sim-llama-8b', fullName: 'sim-llama-8b', description: '', source: 'server' },
      workload: {
        name: 'ab',
        description: '',
        requests: 80,
        rps: 20,
        arrival: 'constant',
        concurrency: 32,
        maxTokens: 16,
        temperature: 0,
        promptType: 'short',
        api: 'chat',
        ignoreEos: true,
      },
      prompts: [{ text: 'Say something.', category: 'test' }],
      seed: 7,
      timeouts: { connectMs: 2000, firstByteMs: 10_000, idleMs: 10_000, totalMs: 20_000 },
      outputDir: '',
      graceMs: 3000,
      toolVersion: 'test',
    }
    const records: RequestRecord[] = []
    await runBenchmark(plan, {
      signal: new AbortController().signal,
      interruptGraceMs: 1000,
      onRecord: (record) => records.push(record),
      expected: 80,
      countTokens: null,
      includeUsage: true,
      ignoreEos: true,
    })
    const info = {
      runId: `seed${seed}`,
      target: 'sim',
      model: 'sim-llama-8b',
      workload: 'ab',
      startedAt: '',
      offeredRps: 20,
      concurrency: 32,
      clientHealth: null,
    }
    return { summary: summarize(records, info), records }
  } finally {
    await server.close()
  }
}

test('simulator A/A shows no TPOT difference; a configured 10% TPOT slowdown is detected as worse', async () => {
  // A first run warms the JIT and the sockets' code paths; it would otherwise be the slow one.
  await simRun(9, 1)
  const a = await simRun(1, 1)
  const aPrime = await simRun(2, 1)
  const b = await simRun(3, 1.1)
  const aa = compareRuns(a, aPrime, { seed: 11 })
  const ab = compareRuns(a, b, { seed: 11 })
  console.log(`A/A\n${renderCompareText(aa)}\n\nA/B (TPOT +10%)\n${renderCompareText(ab)}`)
  const verdict = (comparison: typeof aa, id: string) => comparison.metrics.find((m) => m.id === id)?.verdict
  assert.equal(verdict(aa, 'tpot_mean'), 'no_difference')
  assert.equal(verdict(aa, 'tpot_p50'), 'no_difference')
  assert.equal(verdict(ab, 'tpot_mean'), 'worse')
  assert.equal(verdict(ab, 'tpot_p50'), 'worse')
})
