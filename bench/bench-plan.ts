// The RunPlan every bench section hands to runBenchmark: the product path, pointed at a
// bench server on 127.0.0.1.
import type { RunPlan, Workload } from '../src/types.js'

export function benchPlan(baseUrl: string, workload: Partial<Workload>, outputDir = ''): RunPlan {
  return {
    target: { name: 'bench', description: '', kind: 'openai', baseUrl, headers: {}, keepalive: true },
    model: { name: 'bench', fullName: 'bench', description: '', source: 'server' },
    workload: {
      name: 'bench',
      description: '',
      arrival: 'constant',
      concurrency: 64,
      maxTokens: 128,
      temperature: 0,
      promptType: 'short',
      api: 'chat',
      ignoreEos: true,
      ...workload,
    },
    prompts: [{ text: 'Write one short sentence about the sea.', category: 'bench' }],
    seed: 42,
    timeouts: { connectMs: 10_000, firstByteMs: 30_000, idleMs: 30_000, totalMs: 60_000 },
    outputDir,
    graceMs: 10_000,
    toolVersion: 'bench',
  }
}
