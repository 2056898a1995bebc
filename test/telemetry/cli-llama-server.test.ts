// `run-bench run` against llama.cpp's real llama-server started with --metrics: the default
// /metrics next to /v1 is found and scraped, and the server's llamacpp:tokens_predicted_total
// delta over the window equals the output tokens of the run's records (the probe and the
// warm-up request fall outside the window). Skipped when no llama-server binary is found.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { main } from '../../src/cli/main.js'
import type { RequestRecord, Summary } from '../../src/types.js'
import { createFakeIo } from '../support/fake-io.js'
import { cachedLlamaServerPath, findLlamaServer, startLlamaServer } from '../support/llama-server.js'
import { createTempProject } from '../support/temp-project.js'

const skip =
  findLlamaServer() === null
    ? `no llama-server binary (set LLAMA_SERVER_BIN or run scripts/build-llama-server.sh, which installs ${cachedLlamaServerPath()})`
    : false

test('llama-server --metrics through the CLI: server-counted output tokens equal the records', {
  skip,
  timeout: 180_000,
}, async (t) => {
  const server = await startLlamaServer({ slots: 2, ctx: 512, extraArgs: ['--metrics'] })
  t.after(() => server.close())
  const project = createTempProject({
    targets: `targets:\n  - name: llama\n    base_url: ${server.baseUrl}\n`,
    workloads: `workloads:\n  - name: few\n    requests: 6\n    concurrency: 2\n    max_tokens: 12\n    ignore_eos: true\n    prompt_type: short\n`,
  })
  t.after(project.remove)
  const io = createFakeIo({ cwd: project.dir })
  const code = await main(
    [
      'run',
      ...['--config-dir', project.configDir, '--target', 'llama', '--model', server.modelName],
      ...['--workload', 'few', '--output-dir', project.outputDir, '--metrics-interval', '200ms'],
    ],
    io,
  )
  assert.equal(code, 0, io.err() + io.out())
  const rawDir = join(project.outputDir, 'raw')
  const rawFile = readdirSync(rawDir).find((f) => /\d\.jsonl$/.test(f)) ?? ''
  assert.ok(readdirSync(rawDir).includes(rawFile.replace(/\.jsonl$/, '.server-metrics.jsonl')))
  const records = readFileSync(join(rawDir, rawFile), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RequestRecord)
  assert.equal(records.length, 6)
  assert.ok(records.every((r) => r.outcome === 'ok' && r.tokens_source === 'usage'))
  const outputTokens = records.reduce((sum, r) => sum + r.output_tokens, 0)
  assert.equal(outputTokens, 6 * 12)
  const summary = JSON.parse(
    readFileSync(join(project.outputDir, 'summary', rawFile.replace(/\.jsonl$/, '.json')), 'utf8'),
  ) as Summary
  const serverSide = summary.server
  assert.ok(serverSide?.available, serverSide?.reason ?? 'no server section')
  assert.deepEqual(serverSide.recognised, ['llamacpp'])
  assert.equal(serverSide.serverGenerationTokens, outputTokens)
  assert.equal(serverSide.generationAgreementPercent, 100)
  assert.match(io.out(), /Server\/client output token agreement\s+100\.0 % \(server counted 72\)/)
})
