// The server side through the CLI: `run-bench run` against the built-in simulator writes the
// server-metrics file, the server section shows in the terminal, CSV, Markdown and HTML,
// token agreement is 100 % and tokens per joule matches the simulator's power model; a
// metrics URL that refuses or hangs leaves the run going and the report saying why.
import assert from 'node:assert/strict'
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { main } from '../../src/cli/main.js'
import { readServerMetricsFile } from '../../src/telemetry/server-side.js'
import type { RequestRecord, RunMeta, Summary } from '../../src/types.js'
import { createFakeIo } from '../support/fake-io.js'
import { createTempProject, type TempProject } from '../support/temp-project.js'

// A simulator with no idle power and 100 W per running sequence: the energy counter grows by
// exactly 100 W × the sequences' planned step times, wherever the scrapes fall. Requests never
// overlap (2 req/s, each 40 + 16 × 10 = 200 ms), so each one's sequence time is
// prefill_base_ms + max_tokens × decode_base_ms = 200 ms: 20 J for 16 tokens.
const SIM_TARGET = `targets:
  - name: sim
    kind: sim
    sim:
      max_batch_size: 8
      prefill_base_ms: 40
      prefill_per_token_ms: 0
      decode_base_ms: 10
      decode_per_seq_ms: 0
      idle_watts: 0
      watts_per_sequence: 100
`
const WORKLOADS = `workloads:
  - name: steady
    duration: 3
    rps: 2
    concurrency: 4
    max_tokens: 16
    prompt_type: short
    ignore_eos: true
`
/** 16 tokens per 100 W × 200 ms. */
const MODEL_TOKENS_PER_JOULE = 16 / 20

function project(t: { after(fn: () => void): void }): TempProject {
  const made = createTempProject({ targets: SIM_TARGET, workloads: WORKLOADS })
  t.after(made.remove)
  return made
}

async function run(p: TempProject, extra: string[]) {
  const io = createFakeIo({ cwd: p.dir })
  const args = ['run', '--config-dir', p.configDir, '--target', 'sim', '--workload', 'steady']
  const code = await main([...args, '--output-dir', p.outputDir, ...extra], io)
  const rawDir = join(p.outputDir, 'raw')
  const runId = (readdirSync(rawDir).find((f) => f.endsWith('.meta.json')) ?? '').replace('.meta.json', '')
  const records = readFileSync(join(rawDir, `${runId}.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RequestRecord)
  const meta = JSON.parse(readFileSync(join(rawDir, `${runId}.meta.json`), 'utf8')) as RunMeta
  const summary = JSON.parse(readFileSync(join(p.outputDir, 'summary', `${runId}.json`), 'utf8')) as Summary
  const csv = readFileSync(join(p.outputDir, 'summary', `${runId}.csv`), 'utf8')
  return { io, code, runId, rawDir, records, meta, summary, csv }
}

async function report(p: TempProject, formats: string): Promise<void> {
  const io = createFakeIo({ cwd: p.dir })
  const code = await main(['report', '--output-dir', p.outputDir, '--format', formats], io)
  assert.equal(code, 0, io.err())
}

describe('run-bench run with server telemetry', () => {
  test('a simulator run: raw samples, 100 % token agreement, tokens per joule of the power model, every format', async (t) => {
    const p = project(t)
    const ran = await run(p, ['--metrics-interval', '250ms'])
    assert.equal(ran.code, 0, ran.io.err() + ran.io.out())
    assert.equal(ran.records.length, 6)
    assert.ok(ran.records.every((r) => r.outcome === 'ok' && r.output_tokens === 16))

    // Raw samples beside the records, and meta's pointer to them.
    const pointer = ran.meta.serverMetrics
    assert.equal(pointer?.file, `${ran.runId}.server-metrics.jsonl`)
    assert.equal(pointer?.off, null)
    assert.equal(pointer?.intervalMs, 250)
    assert.match(pointer?.sources[0] ?? '', /^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
    const samples = await readServerMetricsFile(join(ran.rawDir, pointer?.file ?? ''))
    // The two edge scrapes plus the background ones every 250 ms over a 3 s run.
    assert.ok(samples.length >= 8, `${samples.length} samples`)
    assert.ok(samples.every((s) => s.ok))

    const server = ran.summary.server
    assert.ok(server?.available, server?.reason ?? '')
    assert.deepEqual(server.recognised, ['dcgm', 'vllm'])
    // The warm-up request is outside the window: the server counted exactly the records' tokens.
    assert.equal(server.serverGenerationTokens, 6 * 16)
    assert.equal(server.generationAgreementPercent, 100)
    assert.equal(server.promptAgreementPercent, 100)
    assert.equal(server.energy.source, 'energy_counter')
    const tokensPerJoule = server.tokensPerJoule as number
    assert.ok(
      Math.abs(tokensPerJoule - MODEL_TOKENS_PER_JOULE) / MODEL_TOKENS_PER_JOULE < 0.01,
      `${tokensPerJoule} vs ${MODEL_TOKENS_PER_JOULE}`,
    )
    assert.equal(server.serverTtft?.count, 6)
    // Series are on the run's clock: the first requests start at 0, the last ends before 3.5 s.
    const running = server.series.running
    assert.ok(running.length >= 8)
    assert.ok(
      running.every((p) => p.atMs > -1000 && p.atMs < 5000),
      JSON.stringify(running),
    )

    // Terminal: a few rows under the table.
    const out = ran.io.out()
    assert.match(out, /Server side \(dcgm, vllm\):/)
    assert.match(out, /Output tokens per joule\s+0\.(79\d|80\d)/)
    assert.match(out, /Server\/client output token agreement\s+100\.0 % \(server counted 96\)/)
    assert.match(out, /Prefix-cache hit rate\s+–/)

    // CSV: the figures as numbers.
    const csvRow = (metric: string) => ran.csv.split('\n').find((line) => line.startsWith(`${metric},`))
    assert.match(csvRow('generation_token_agreement_pct') ?? '', /^generation_token_agreement_pct,%,,100,/)
    const csvTpj = Number((csvRow('tokens_per_joule') ?? '').split(',')[3])
    assert.ok(Math.abs(csvTpj - MODEL_TOKENS_PER_JOULE) < 0.01, String(csvTpj))
    assert.match(csvRow('avg_power_w') ?? '', /^avg_power_w,W,,\d/)

    // Markdown (written by the run) and HTML (rebuilt from the files by `report`).
    const reports = join(p.outputDir, 'reports')
    const markdown = readFileSync(join(reports, 'benchmark_report.md'), 'utf8')
    assert.match(markdown, /#### Server side\n\nRecognised: dcgm, vllm\./)
    assert.match(markdown, /\| Server\/client output token agreement \| 100\.0 % \(server counted 96\) \|/)
    await report(p, 'md,html')
    const html = readFileSync(join(reports, 'benchmark_report.html'), 'utf8')
    assert.match(html, /<h2>Server side<\/h2>/)
    assert.match(html, /<th scope="row">Output tokens per joule<\/th><td>0\.(79\d|80\d)<\/td>/)
    const runPart = ran.runId.replace(/[^A-Za-z0-9_.-]/g, '-')
    assert.match(html, new RegExp(`<div class="chart" id="server-queue-${runPart}"`))
    assert.match(html, new RegExp(`"id":"server-gpu-${runPart}"`))
    // The rebuilt section (from the raw files) says what the run printed.
    const rebuilt = readFileSync(join(reports, 'benchmark_report.md'), 'utf8')
    assert.match(rebuilt, /\| Server\/client output token agreement \| 100\.0 % \(server counted 96\) \|/)
  })

  test('--server-metrics off and --gpu off: one line in every format, no file', async (t) => {
    const p = project(t)
    const ran = await run(p, ['--server-metrics', 'off', '--gpu', 'off', '--duration', '1'])
    assert.equal(ran.code, 0, ran.io.err())
    const line =
      'No server telemetry: server metrics and GPU sampling are off (--server-metrics off, --gpu off)'
    assert.equal(ran.summary.server?.reason, line.replace('No server telemetry: ', ''))
    assert.equal(ran.meta.serverMetrics?.file, null)
    assert.ok(!readdirSync(ran.rawDir).some((f) => f.endsWith('.server-metrics.jsonl')))
    assert.ok(ran.io.out().includes(line))
    assert.ok(ran.csv.includes(`server_telemetry,,,,,,,,,,"${line}"`), ran.csv)
    await report(p, 'md,html')
    const reports = join(p.outputDir, 'reports')
    assert.ok(
      readFileSync(join(reports, 'benchmark_report.md'), 'utf8').includes(`#### Server side\n\n${line}`),
    )
    const html = readFileSync(join(reports, 'benchmark_report.html'), 'utf8')
    assert.ok(html.includes(`<p>${line}</p>`))
    assert.ok(!html.includes('server-queue-'))
  })

  test('a refused and a hanging metrics URL: the run goes on and the report says what was missing', async (t) => {
    // Accepts, reads the request, never answers.
    const held: Socket[] = []
    const hanging: Server = createServer((socket) => {
      held.push(socket)
      socket.on('data', () => {})
    })
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve))
    t.after(() => {
      for (const socket of held) socket.destroy()
      hanging.close()
    })
    const port = (hanging.address() as { port: number }).port
    const refused = 'http://127.0.0.1:1/metrics'
    const hung = `http://127.0.0.1:${port}/metrics`
    const p = project(t)
    const ran = await run(p, ['--server-metrics', `auto,${refused},${hung}`, '--duration', '2'])
    assert.equal(ran.code, 0, ran.io.err())
    assert.equal(ran.records.length, 4)
    assert.ok(ran.records.every((r) => r.outcome === 'ok'))
    const server = ran.summary.server
    // The simulator's own endpoint still gives the section.
    assert.equal(server?.available, true)
    assert.equal(server?.generationAgreementPercent, 100)
    const problems = server?.problems ?? []
    assert.ok(
      problems.some((p) => p.startsWith(`${refused}: `) && p.includes('scrapes failed (ECONNREFUSED')),
      problems.join('\n'),
    )
    assert.ok(
      problems.some((p) => p.startsWith(`${hung}: `) && p.includes('scrapes failed (timed out)')),
      problems.join('\n'),
    )
    assert.match(
      ran.io.out(),
      new RegExp(`Note: ${hung.replace(/[.]/g, '\\.')}: \\d+ of \\d+ scrapes failed \\(timed out\\)`),
    )
  })

  test('a target whose /metrics does not answer: said in one line, the run is unharmed', async (t) => {
    const p = project(t)
    const ran = await run(p, ['--server-metrics', 'http://127.0.0.1:1/metrics', '--duration', '1'])
    assert.equal(ran.code, 0, ran.io.err())
    const server = ran.summary.server
    assert.equal(server?.available, false)
    assert.match(
      server?.reason ?? '',
      /^http:\/\/127\.0\.0\.1:1\/metrics: \d+ of \d+ scrapes failed \(ECONNREFUSED/,
    )
    assert.match(ran.io.out(), /No server telemetry: http:\/\/127\.0\.0\.1:1\/metrics: /)
  })

  test('bad telemetry flags are usage errors that name the flag', async (t) => {
    const p = project(t)
    for (const [flags, message] of [
      [['--metrics-interval', '5'], /--metrics-interval must be a duration with a unit \(got "5"\)/],
      [['--server-metrics', 'off,http://a/metrics'], /--server-metrics off cannot be combined with URLs/],
      [['--gpu', 'dcgm'], /--gpu takes 'local', 'off' or an http:\/\/ URL \(got "dcgm"\)/],
      [['--gpus', '0,x'], /--gpus must be GPU indices separated by commas/],
      [['--prometheus-port', 'abc'], /--prometheus-port must be a port or host:port/],
    ] as const) {
      const io = createFakeIo({ cwd: p.dir })
      const code = await main(['run', '--config-dir', p.configDir, '--target', 'sim', ...flags], io)
      assert.equal(code, 2, `${flags.join(' ')}: ${io.err()}`)
      assert.match(io.err(), message)
    }
  })
})

// A stand-in nvidia-smi: GPU 0 at a constant 150 W and GPU 1 at 200 W, one period every
// 100 ms like `-lms 100`; it knows no energy field, so energy is the power integral.
const SMI_STAND_IN = `#!/bin/sh
if [ "$1" = "--help-query-gpu" ]; then echo '"power.draw"'; exit 0; fi
while true; do
  echo "0, 150.00, 60, 1024, 45, 1410"
  echo "1, 200.00, 80, 2048, 50, 1410"
  sleep 0.1
done
`

test('--gpu local --gpus 0,5 --idle-baseline: power from nvidia-smi, the missing GPU named, dynamic energy', async (t) => {
  const p = project(t)
  const smi = join(p.dir, 'nvidia-smi')
  writeFileSync(smi, SMI_STAND_IN)
  chmodSync(smi, 0o755)
  const io = createFakeIo({ cwd: p.dir, env: { RUN_BENCH_NVIDIA_SMI: smi } })
  const args = [
    'run',
    '--config-dir',
    p.configDir,
    '--target',
    'sim',
    '--workload',
    'steady',
    '--duration',
    '2',
  ]
  const flags = ['--server-metrics', 'off', '--gpu', 'local', '--gpus', '0,5', '--idle-baseline', '500ms']
  const code = await main([...args, '--output-dir', p.outputDir, ...flags, '--metrics-interval', '100ms'], io)
  assert.equal(code, 0, io.err())
  const summaryFile = readdirSync(join(p.outputDir, 'summary')).find((f) => f.endsWith('.json')) ?? ''
  const summary = JSON.parse(readFileSync(join(p.outputDir, 'summary', summaryFile), 'utf8')) as Summary
  const server = summary.server
  assert.ok(server?.available, server?.reason ?? '')
  assert.equal(server.energy.source, 'power_integral')
  // Only GPU 0 counts: a constant 150 W, before the load (idle) and during it.
  assert.equal(server.averagePowerWatts?.toFixed(6), '150.000000')
  assert.equal(server.energy.idleWatts, 150)
  assert.ok(Math.abs(server.energy.dynamicJoules ?? Number.NaN) < 1e-6, String(server.energy.dynamicJoules))
  const joules = server.energy.joules as number
  assert.equal(((server.tokensPerJoule as number) * joules).toFixed(6), '64.000000') // 4 requests × 16 tokens
  assert.ok(
    server.problems.includes('nvidia-smi: GPU 5 does not exist (nvidia-smi lists 0, 1)'),
    server.problems.join('\n'),
  )
  assert.match(io.out(), /Note: nvidia-smi: GPU 5 does not exist/)
})

test('--prometheus-port on a port in use is a usage error before any load, with no record written', async (t) => {
  const p = project(t)
  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  t.after(() => taken.close())
  const port = (taken.address() as { port: number }).port
  const io = createFakeIo({ cwd: p.dir })
  const args = ['run', '--config-dir', p.configDir, '--target', 'sim', '--workload', 'steady']
  const code = await main([...args, '--output-dir', p.outputDir, '--prometheus-port', String(port)], io)
  assert.equal(code, 2, io.err())
  assert.match(
    io.err(),
    new RegExp(`--prometheus-port: cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`),
  )
  const raw = readdirSync(join(p.outputDir, 'raw')).find((f) => /\d\.jsonl$/.test(f)) ?? ''
  assert.equal(readFileSync(join(p.outputDir, 'raw', raw), 'utf8'), '')
})
