import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { main } from '../../src/cli/main.js'
import { type SimServer, startSimServer } from '../../src/sim/server.js'
import type { RequestRecord, RunMeta, Summary } from '../../src/types.js'
import { createFakeIo } from '../support/fake-io.js'
import { type LitellmProxy, startLitellmProxy } from '../support/litellm-proxy.js'
import { createTempProject, type TempProject } from '../support/temp-project.js'

// A discovered-model run end to end: a LiteLLM-shaped proxy (test/support/litellm-proxy.ts)
// serves two groups that map to the simulator's two models. models.yaml is empty, so the
// group names are known only from the proxy's /v1/model/info.

const MASTER_KEY = 'sk-test-master-1234'
const GROUPS = [
  { name: 'proxy-llama', upstreamModel: 'sim-llama-8b', id: 'deployment-llama-1' },
  { name: 'proxy-qwen', upstreamModel: 'sim-qwen3-4b', id: 'deployment-qwen-1' },
]

let sim: SimServer
let proxy: LitellmProxy
const projects: TempProject[] = []

before(async () => {
  // Fast and deterministic: 2 ms prefill, 1 ms per decode step.
  sim = await startSimServer({ prefillBaseMs: 2, prefillPerTokenMs: 0, decodeBaseMs: 1, decodePerSeqMs: 0 })
  proxy = await startLitellmProxy({
    upstreamUrl: sim.url,
    masterKey: MASTER_KEY,
    groups: GROUPS,
    overheadMs: '1.5',
  })
})
after(async () => {
  await proxy.close()
  await sim.close()
  for (const project of projects) project.remove()
})

function newProject(): TempProject {
  const project = createTempProject({
    targets: `targets:
  - name: proxy
    kind: litellm
    description: LiteLLM-shaped proxy in front of the simulator
    base_url: ${proxy.origin}/v1
    api_key_env: LITELLM_MASTER_KEY
`,
    workloads: `workloads:
  - name: quick
    duration: 20
    concurrency: 1
    max_tokens: 16
    prompt_type: short
`,
  })
  projects.push(project)
  return project
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

function records(path: string): RequestRecord[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RequestRecord)
}

describe('a LiteLLM proxy target in front of the simulator', () => {
  test('--model all benchmarks both discovered groups and compares them in one report', async () => {
    const project = newProject()
    const io = createFakeIo({ cwd: project.dir, env: { LITELLM_MASTER_KEY: MASTER_KEY } })
    const code = await main(
      [
        'run',
        '--config-dir',
        project.configDir,
        '--target',
        'proxy',
        '--model',
        'all',
        '--requests',
        '6',
        '--concurrency',
        '2',
        '--max-tokens',
        '8',
        '--output-dir',
        project.outputDir,
      ],
      io,
    )
    assert.equal(code, 0, io.err() + io.out())
    const out = io.out()
    assert.ok(
      out.includes(
        'Benchmarking 2 models of target proxy one after another: proxy-llama, proxy-qwen\n\n[1/2] proxy-llama\n',
      ),
      out,
    )
    assert.ok(out.includes('\n[2/2] proxy-qwen\n'), out)

    const rawDir = join(project.outputDir, 'raw')
    const raws = readdirSync(rawDir)
      .filter((name) => name.endsWith('.jsonl') && !name.endsWith('.server-metrics.jsonl'))
      .sort()
    assert.equal(raws.length, 2, raws.join(', '))
    for (const [index, group] of GROUPS.entries()) {
      const raw = raws[index] ?? ''
      assert.match(raw, new RegExp(`^bench_proxy_${group.name}_quick_\\d{8}_\\d{6}\\.jsonl$`))
      const runRecords = records(join(rawDir, raw))
      assert.equal(runRecords.length, 6)
      for (const record of runRecords) {
        assert.equal(record.success, true, JSON.stringify(record))
        assert.equal(record.model, group.name)
        assert.equal(record.output_tokens, 8)
        assert.equal(record.litellm_model_id, group.id)
        assert.equal(record.litellm_overhead_ms, 1.5)
      }
      const meta = JSON.parse(
        readFileSync(join(rawDir, raw.replace(/\.jsonl$/, '.meta.json')), 'utf8'),
      ) as RunMeta
      assert.equal(meta.plan.model.fullName, group.name)
      assert.equal(meta.plan.model.source, 'proxy API')
      assert.equal(meta.plan.target.apiKey, 'sk-…1234')
      const summary = JSON.parse(
        readFileSync(join(project.outputDir, 'summary', raw.replace(/\.jsonl$/, '.json')), 'utf8'),
      ) as Summary
      assert.equal(summary.proxyOverheadMs?.count, 6)
      assert.equal(summary.proxyOverheadMs?.mean, 1.5)
      assert.equal(summary.proxyOverheadMs?.p99, 1.5)
    }
    // The terminal summary of each run reports the proxy's own time.
    assert.equal(
      out.split('Proxy overhead (x-litellm-overhead-duration-ms): mean 1.50 ms, p99 1.50 ms').length - 1,
      2,
      out,
    )

    const report = readFileSync(join(project.outputDir, 'reports', 'benchmark_report.md'), 'utf8')
    assert.ok(out.includes('Comparison of 2 runs (models side by side):\n'), out)
    assert.ok(report.includes('Run Bench report'), report)
    assert.ok(report.includes('· 2 runs'), report)
    // The by-workload comparison puts the two models side by side.
    assert.ok(report.includes('### Workload: quick (2 runs)'), report)
    assert.ok(report.includes('| proxy-llama @ proxy |'), report)
    assert.ok(report.includes('| proxy-qwen @ proxy |'), report)
    assert.match(report, /\| Proxy overhead \(ms\) \| 6 \| 1\.5 \|/)

    // Requests reached the simulator through the proxy, one group each, with the master key.
    const completions = proxy.seen.filter((request) => request.path.endsWith('/chat/completions'))
    assert.ok(completions.length >= 12, String(completions.length))
    assert.ok(completions.every((request) => request.headers.authorization === `Bearer ${MASTER_KEY}`))
    assert.ok(proxy.seen.some((request) => request.path === '/v1/model/info'))

    // The master key is in no result file and in no output.
    const files = filesUnder(project.outputDir)
    assert.ok(files.length >= 9, files.join('\n'))
    for (const file of files) {
      assert.ok(!readFileSync(file).includes(MASTER_KEY), `the master key is in ${file}`)
    }
    assert.ok(!out.includes(MASTER_KEY) && !io.err().includes(MASTER_KEY))
  })

  test('Ctrl-C during --model all ends the sequence with 130 and still writes the report', async () => {
    const project = newProject()
    const io = createFakeIo({ cwd: project.dir, env: { LITELLM_MASTER_KEY: MASTER_KEY } })
    // No request bound: the first model runs until interrupted (the workload's 20 s at most).
    const running = main(
      [
        ...['run', '--config-dir', project.configDir, '--target', 'proxy', '--model', 'all'],
        ...['--max-tokens', '4', '--output-dir', project.outputDir],
      ],
      io,
    )
    // Interrupt once the first record is on disk: the run is past its preflight by then.
    const rawDir = join(project.outputDir, 'raw')
    const deadline = Date.now() + 5000
    for (;;) {
      const raw = existsSync(rawDir) ? readdirSync(rawDir).find((name) => name.endsWith('.jsonl')) : undefined
      if (raw !== undefined && readFileSync(join(rawDir, raw), 'utf8').includes('\n')) break
      assert.ok(Date.now() < deadline, 'no record within 5 s')
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    io.raise('SIGINT')
    assert.equal(await running, 130, io.err())
    assert.deepEqual(
      readdirSync(rawDir)
        .filter((name) => name.endsWith('.jsonl') && !name.endsWith('.server-metrics.jsonl'))
        .map((name) => name.split('_')[2]),
      ['proxy-llama'],
    )
    assert.ok(io.out().includes('\nInterrupted: not run: proxy-qwen\n'), io.out())
    assert.ok(io.out().includes('Comparison of 1 run (models side by side):\n'), io.out())
  })

  test('--model <group> works for a group only the proxy knows; an unknown name lists the groups', async () => {
    const project = newProject()
    const env = { LITELLM_MASTER_KEY: MASTER_KEY }
    const args = ['run', '--config-dir', project.configDir, '--target', 'proxy', '--requests', '2']
    const io = createFakeIo({ cwd: project.dir, env })
    const code = await main([...args, '--model', 'proxy-qwen', '--output-dir', project.outputDir], io)
    assert.equal(code, 0, io.err() + io.out())
    const raws = readdirSync(join(project.outputDir, 'raw')).filter(
      (name) => name.endsWith('.jsonl') && !name.endsWith('.server-metrics.jsonl'),
    )
    assert.equal(raws.length, 1)
    const runRecords = records(join(project.outputDir, 'raw', raws[0] ?? ''))
    assert.deepEqual(
      runRecords.map((record) => [record.model, record.success, record.litellm_model_id]),
      [
        ['proxy-qwen', true, 'deployment-qwen-1'],
        ['proxy-qwen', true, 'deployment-qwen-1'],
      ],
    )

    const typo = createFakeIo({ cwd: project.dir, env })
    assert.equal(await main([...args, '--model', 'proxy-qwn', '--output-dir', project.outputDir], typo), 2)
    assert.match(
      typo.err(),
      /^Error: Unknown model "proxy-qwn" \(--model\); valid models: proxy-llama, proxy-qwen — did you mean `proxy-qwen`\?\n/,
    )
  })
})
