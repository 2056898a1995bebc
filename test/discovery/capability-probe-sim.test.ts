// The capability probe against the built-in simulator: both ends are ours, so this pins the
// contract between them (role chunk, usage, ignore_eos/min_tokens, keep-alive).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { probeCapabilities } from '../../src/discovery/capability-probe.js'
import { listOpenAiModels } from '../../src/discovery/openai-models.js'
import { startSimServer } from '../../src/sim/server.js'

test('the simulator honours every probed feature and keeps connections', async (t) => {
  // minOutputTokens 1: without ignore_eos/min_tokens the sim may stop early, like a real model.
  const sim = await startSimServer({
    prefillBaseMs: 1,
    prefillPerTokenMs: 0,
    decodeBaseMs: 1,
    decodePerSeqMs: 0,
    minOutputTokens: 1,
  })
  t.after(() => sim.close())
  const result = await probeCapabilities({
    baseUrl: sim.url,
    headers: {},
    model: 'sim-llama-8b',
    api: 'chat',
    timeoutMs: 2000,
  })
  assert.deepEqual(result, {
    capabilities: {
      includeUsage: true,
      ignoreEos: true,
      minTokens: true,
      reasoningField: null,
      roleOnlyFirstChunk: true,
      keepAlive: true,
    },
    notes: [],
  })
  const listed = await listOpenAiModels(
    { name: 'sim', description: '', kind: 'sim', baseUrl: sim.url, headers: {}, keepalive: true },
    { timeoutMs: 2000 },
  )
  assert.deepEqual(
    listed.models.map((model) => model.name),
    ['sim-llama-8b', 'sim-qwen3-4b'],
  )
})
