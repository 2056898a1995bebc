import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { InvalidArgumentError } from '@commander-js/extra-typings'
import { main } from '../../src/cli/main.js'
import { applySourceFlags, parseTokenLength } from '../../src/cli/run-options/sources.js'
import { createFakeIo } from '../support/fake-io.js'
import { createTempProject } from '../support/temp-project.js'

describe('prompt-source flags', () => {
  test('--input-tokens / --output-tokens: fixed, uniform and normal lengths', () => {
    assert.equal(parseTokenLength('1024'), 1024)
    assert.deepEqual(parseTokenLength('uniform:512:2048'), { min: 512, max: 2048 })
    assert.deepEqual(parseTokenLength('normal:1024:128:512:2048'), {
      mean: 1024,
      sd: 128,
      min: 512,
      max: 2048,
    })
    // Bounds default to mean ± 4 sd (at least 1 token).
    assert.deepEqual(parseTokenLength('normal:100:10'), { mean: 100, sd: 10, min: 60, max: 140 })
    assert.deepEqual(parseTokenLength('normal:10:5'), { mean: 10, sd: 5, min: 1, max: 30 })
    for (const bad of ['0', '1.5', 'uniform:9:3', 'normal:5:1:6:9', 'poisson:3', ''])
      assert.throws(() => parseTokenLength(bad), InvalidArgumentError, bad)
  })

  test('flags go over the workload keys; a flag that picks the source replaces the workload source', () => {
    const workload = {
      input_tokens: 256,
      output_tokens: 64,
      prefix: { tokens: 2000, groups: 8 },
      sessions: { turns: 5 },
    }
    assert.deepEqual(
      applySourceFlags(workload, { inputTokens: 1024, prefixMode: 'random', prime: true }, '/w'),
      {
        input_tokens: 1024,
        output_tokens: 64,
        prefix: { tokens: 2000, groups: 8, mode: 'random' },
        sessions: { turns: 5 },
      },
    )
    // A trace fixes times and lengths: the workload's source, prefix, sessions and output go.
    assert.deepEqual(
      applySourceFlags(
        workload,
        { trace: 't.csv', traceScale: 0.5, traceWindow: { durationMs: 60_000 } },
        '/w',
      ),
      { trace: { path: '/w/t.csv', time_scale: 0.5, duration_ms: 60_000 } },
    )
    assert.deepEqual(
      applySourceFlags(
        undefined,
        {
          dataset: 'd.json',
          datasetMode: 'multi-turn',
          sessionsTurns: 3,
          thinkTime: 1.5,
          onBadPrompt: 'skip',
        },
        '/w',
      ),
      {
        dataset: { path: '/w/d.json', mode: 'multi-turn' },
        sessions: { turns: 3, think_time_ms: 1500 },
        on_bad_prompt: 'skip',
      },
    )
    assert.deepEqual(applySourceFlags(workload, { prime: false }, '/w')?.prefix, {
      tokens: 2000,
      groups: 8,
      prime: false,
    })
    assert.equal(applySourceFlags(undefined, { prime: true }, '/w'), undefined)
  })

  test('conflicting sources are a usage error (exit 2) before any load', async (t) => {
    const project = createTempProject({ targets: 'targets:\n  - name: sim\n    kind: sim\n' })
    t.after(project.remove)
    const io = createFakeIo({ cwd: project.dir })
    const code = await main(
      [
        'run',
        '--config-dir',
        project.configDir,
        '--input-tokens',
        '8',
        '--trace',
        'x.csv',
        '--output-dir',
        project.outputDir,
      ],
      io,
    )
    assert.equal(code, 2)
    assert.match(io.err(), /trace \(--trace or workloads\.yaml\) cannot be combined with input_tokens/)
    const thinkOnly = createFakeIo({ cwd: project.dir })
    assert.equal(
      await main(
        ['run', '--config-dir', project.configDir, '--think-time', '2', '--output-dir', project.outputDir],
        thinkOnly,
      ),
      2,
    )
    assert.match(thinkOnly.err(), /--think-time needs --sessions-turns/)
  })
})
