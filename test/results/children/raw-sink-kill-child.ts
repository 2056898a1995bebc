// Child process for raw-sink-kill.test.ts: a closed-loop run against an in-process
// simulator, printing the completed count of every progress event on stdout, until killed.
import { executeRun } from '../../../src/run/execute-run.js'
import { startSimServer } from '../../../src/sim/server.js'

const outputDir = process.argv[2] as string
const sim = await startSimServer({
  prefillBaseMs: 1,
  prefillPerTokenMs: 0,
  decodeBaseMs: 1,
  decodePerSeqMs: 0,
})
await executeRun({
  plan: {
    target: { name: 'sim', description: '', kind: 'openai', baseUrl: sim.url, headers: {}, keepalive: true },
    model: { name: 'm', fullName: 'sim-llama-8b', description: '', source: 'server' },
    workload: {
      name: 'kill',
      description: '',
      durationSec: 60,
      arrival: 'constant',
      concurrency: 8,
      maxTokens: 4,
      temperature: 0,
      promptType: 'short',
      api: 'chat',
      ignoreEos: true,
    },
    prompts: [{ text: 'hello', category: 'test' }],
    seed: 1,
    timeouts: { connectMs: 2000, firstByteMs: 5000, idleMs: 5000, totalMs: 10_000 },
    outputDir,
    graceMs: 100,
    toolVersion: 'test',
  },
  countTokens: null,
  renderSummaryCsv: () => '',
  probe: false,
  workers: 1,
  progressIntervalMs: 5,
  onEvent: (event) => {
    if (event.kind === 'progress') process.stdout.write(`${event.snapshot.completed}\n`)
  },
})
