import assert from 'node:assert/strict'
import { test } from 'node:test'
import { renderSweepMarkdown, sweepKneeChart } from '../../src/report/sweep-report.js'
import { runBenchmark } from '../../src/run/run-benchmark.js'
import { sweep } from '../../src/run/sweep.js'
import { startSimServer } from '../../src/sim/server.js'
import { parseSlos } from '../../src/stats/slo-spec.js'
import { summarize } from '../../src/stats/summarize.js'
import { createStepJudge, type StepData } from '../../src/stats/sweep-judge.js'
import type { RequestRecord, RunPlan } from '../../src/types.js'

// Simulator capacity, derived from its options. With no prefill cost, a decode step over b
// sequences takes decodeBaseMs + decodePerSeqMs × b and gives each of them one token. The
// service rate b / (OUTPUT_TOKENS × step(b)) grows with b, so the most it sustains is at a
// full batch, b = MAX_BATCH: 4 / (10 × (8 + 0.5 × 4) ms) = 4 / 100 ms = 40 req/s. Below it
// a constant-rate arrival stream finds the batch not full (at 38 req/s the occupancy b solves
// b = 0.38 × (8 + 0.5b) → 3.75), so TTFT stays at about one step; above it the FIFO queue
// grows by (rate − 40) requests per second and TTFT with it.
const MAX_BATCH = 4
const DECODE_BASE_MS = 8
const DECODE_PER_SEQ_MS = 0.5
const OUTPUT_TOKENS = 10
const CAPACITY_PER_SEC =
  (MAX_BATCH * 1000) / (OUTPUT_TOKENS * (DECODE_BASE_MS + DECODE_PER_SEQ_MS * MAX_BATCH))
const STEP_SEC = 3

function planFor(baseUrl: string, rate: number): RunPlan {
  return {
    target: { name: 'sim', description: '', kind: 'openai', baseUrl, headers: {}, keepalive: true },
    model: { name: 'sim-llama-8b', fullName: 'sim-llama-8b', description: '', source: 'server' },
    workload: {
      name: 'sweep-step',
      description: '',
      durationSec: STEP_SEC,
      rps: rate,
      arrival: 'constant',
      concurrency: 128,
      maxTokens: OUTPUT_TOKENS,
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
}

async function runStep(rate: number): Promise<StepData> {
  const server = await startSimServer({
    maxBatchSize: MAX_BATCH,
    prefillBaseMs: 0,
    prefillPerTokenMs: 0,
    decodeBaseMs: DECODE_BASE_MS,
    decodePerSeqMs: DECODE_PER_SEQ_MS,
    defaultOutputTokens: OUTPUT_TOKENS,
  })
  try {
    const plan = planFor(server.url, rate)
    const records: RequestRecord[] = []
    await runBenchmark(plan, {
      signal: new AbortController().signal,
      interruptGraceMs: 1000,
      onRecord: (record) => records.push(record),
      expected: null,
      countTokens: null,
      includeUsage: true,
      ignoreEos: true,
    })
    const summary = summarize(records, {
      runId: `step-${rate}`,
      target: 'sim',
      model: plan.model.name,
      workload: plan.workload.name,
      startedAt: new Date().toISOString(),
      offeredRps: rate,
      concurrency: plan.workload.concurrency,
      clientHealth: null,
    })
    return { summary, records }
  } finally {
    await server.close()
  }
}

test('finds the simulator capacity (40 req/s from its options) within ±5% in at most 8 steps', async () => {
  assert.equal(CAPACITY_PER_SEC, 40)
  const sloTexts = ['ttft_p99<=200ms', 'success_rate>=99%']
  const slos = parseSlos(sloTexts)
  const result = await sweep({ runStep, judge: createStepJudge(slos, null), minRate: 12, maxRate: 200 })
  console.log(renderSweepMarkdown(result, sloTexts))
  const chart = sweepKneeChart(result, slos)
  assert.equal((chart.option.series as unknown[]).length, 4)
  assert.ok(result.steps.length <= 8, `${result.steps.length} steps`)
  assert.equal(result.outcome.kind, 'capacity')
  if (result.outcome.kind !== 'capacity') return
  const error = Math.abs(result.outcome.capacity - CAPACITY_PER_SEC) / CAPACITY_PER_SEC
  assert.ok(error <= 0.05, `capacity ${result.outcome.capacity} is ${(error * 100).toFixed(1)}% off 40`)
  assert.ok(result.outcome.converged)
})
