import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runBenchmark } from '../../src/run/run-benchmark.js'
import type { ProgressSnapshot } from '../../src/run/run-state.js'
import { startSimServer } from '../../src/sim/server.js'

test("a closed loop's progress counts its workers' requests in flight (it takes no slots)", async (t) => {
  // 40 ms of prefill per request: 4 workers keep 4 requests in flight nearly all the time.
  const sim = await startSimServer({
    prefillBaseMs: 40,
    prefillPerTokenMs: 0,
    decodeBaseMs: 1,
    decodePerSeqMs: 0,
  })
  t.after(() => sim.close())
  const snapshots: ProgressSnapshot[] = []
  await runBenchmark(
    {
      target: {
        name: 'sim',
        description: '',
        kind: 'openai',
        baseUrl: sim.url,
        headers: {},
        keepalive: true,
      },
      model: { name: 'm', fullName: 'sim-llama-8b', description: '', source: 'server' },
      workload: {
        name: 'w',
        description: '',
        requests: 12,
        arrival: 'constant',
        concurrency: 4,
        maxTokens: 2,
        temperature: 0,
        promptType: 'short',
        api: 'chat',
        ignoreEos: true,
      },
      prompts: [{ text: 'hello', category: 'test' }],
      seed: 1,
      timeouts: { connectMs: 2000, firstByteMs: 5000, idleMs: 5000, totalMs: 10_000 },
      outputDir: '',
      graceMs: 1000,
      toolVersion: 'test',
    },
    {
      signal: new AbortController().signal,
      interruptGraceMs: 100,
      expected: 12,
      countTokens: null,
      includeUsage: true,
      ignoreEos: true,
      progressIntervalMs: 5,
      onProgress: (snapshot) => snapshots.push(snapshot),
      onRecord: () => {},
    },
  )
  // Every snapshot: in flight = sent − completed, never above the 4 workers; the last is 0.
  for (const snapshot of snapshots) {
    assert.equal(snapshot.inFlight, snapshot.sent - snapshot.completed)
    assert.ok(snapshot.inFlight <= 4)
  }
  assert.ok(
    snapshots.some((snapshot) => snapshot.inFlight > 0),
    'in flight was 0 in every snapshot',
  )
  assert.equal(snapshots.at(-1)?.inFlight, 0)
  assert.equal(snapshots.at(-1)?.completed, 12)
})
