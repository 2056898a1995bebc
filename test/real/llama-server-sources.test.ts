// Exact lengths against llama.cpp's real llama-server (issue 16): --input-tokens 64
// --output-tokens 16 --ignore-eos gets exactly 16 completion tokens, and every record says so.
// The tiny test model has its own SentencePiece vocabulary and no tokenizer.json, so prompts
// are measured with the bundled o200k_base (approximate): the server's usage.prompt_tokens
// differs from 64 by the vocabulary difference plus the chat template, reported, not bounded.
// Skipped when no llama-server binary is found.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { main } from '../../src/cli/main.js'
import type { RequestRecord } from '../../src/types.js'
import { createFakeIo } from '../support/fake-io.js'
import {
  cachedLlamaServerPath,
  findLlamaServer,
  type LlamaServer,
  startLlamaServer,
} from '../support/llama-server.js'
import { createTempProject } from '../support/temp-project.js'

const skip =
  findLlamaServer() === null
    ? `no llama-server binary (set LLAMA_SERVER_BIN or run scripts/build-llama-server.sh, which installs ${cachedLlamaServerPath()})`
    : false

describe('exact lengths against a real llama-server', { skip, timeout: 120_000 }, () => {
  let server: LlamaServer
  before(async () => {
    server = await startLlamaServer({ slots: 2, ctx: 512 })
  })
  after(async () => {
    await server?.close()
  })

  test('--input-tokens 64 --output-tokens 16 --ignore-eos: exactly 16 completion tokens, honoured per record', async (t) => {
    const project = createTempProject({
      targets: `targets:\n  - name: llama\n    base_url: ${server.baseUrl}\n`,
      models: `models:\n  - name: tiny\n    full_name: ${server.modelName}\n`,
      workloads: 'workloads:\n  - name: exact\n    requests: 6\n    concurrency: 2\n',
    })
    t.after(project.remove)
    const io = createFakeIo({ cwd: project.dir })
    const code = await main(
      [
        'run',
        '--config-dir',
        project.configDir,
        '--target',
        'llama',
        '--model',
        'tiny',
        '--workload',
        'exact',
        '--input-tokens',
        '64',
        '--output-tokens',
        '16',
        '--ignore-eos',
        '--output-dir',
        project.outputDir,
      ],
      io,
    )
    assert.equal(code, 0, `${io.err()}${io.out()}\nllama-server log:\n${server.logTail()}`)
    const rawDir = join(project.outputDir, 'raw')
    const raw = readdirSync(rawDir).find((f) => f.endsWith('.jsonl')) as string
    const records = readFileSync(join(rawDir, raw), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RequestRecord)
    assert.equal(records.length, 6)
    for (const record of records) {
      assert.equal(record.success, true, record.error ?? '')
      assert.equal(record.requested_input_tokens, 64)
      assert.equal(record.requested_output_tokens, 16)
      assert.equal(record.output_tokens, 16)
      assert.equal(record.tokens_source, 'usage')
      assert.equal(record.requested_output_met, true)
      assert.match(record.exact_output ?? '', /ignore_eos/)
    }
    const diffs = records.map((r) => (r.input_tokens ?? Number.NaN) - 64)
    t.diagnostic(
      `usage.prompt_tokens − 64 per request: ${diffs.join(', ')} (exact_output ${records[0]?.exact_output})`,
    )
  })
})
