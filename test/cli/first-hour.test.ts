// Issue 12 items 8, 12 and 14: what a new user types first does what it says. The dialog's
// options alone open the dialog (never a run without its confirmation screen), `-v` prints
// the version, SIGTERM exits 143, --closed-loop drops the workload's rps, --json and
// --quiet speak to scripts, and hints name the command the user actually ran.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { main, normalizeArgv } from '../../src/cli/main.js'
import { readToolVersion } from '../../src/config/package-root.js'
import { createFakeIo } from '../support/fake-io.js'
import { createTempProject } from '../support/temp-project.js'

const SIM = `targets:
  - name: sim
    kind: sim
    sim: { max_batch_size: 8, prefill_base_ms: 1, prefill_per_token_ms: 0, decode_base_ms: 1, decode_per_seq_ms: 0 }
`
// An open-loop workload, as the bundled ones are: --closed-loop must drop its rps.
const WORKLOADS = `workloads:
  - name: quick
    duration: 2
    rps: 4
    concurrency: 2
    max_tokens: 4
    prompt_type: short
`

function project(t: { after: (fn: () => void) => void }) {
  const created = createTempProject({ targets: SIM, workloads: WORKLOADS })
  t.after(created.remove)
  return created
}

function rawFiles(outputDir: string): string[] {
  try {
    return readdirSync(join(outputDir, 'raw'))
  } catch {
    return []
  }
}

describe('the dialog opens for its own options', () => {
  test('--lang, --config-dir, --output-dir and --tokenizer alone route to the dialog; run flags to run', () => {
    const io = createFakeIo({ cwd: '/' })
    assert.deepEqual(normalizeArgv(['--lang', 'ko'], io), ['interactive', '--lang', 'ko'])
    assert.deepEqual(normalizeArgv(['--config-dir', 'x', '--lang=en'], io), [
      'interactive',
      '--config-dir',
      'x',
      '--lang=en',
    ])
    assert.deepEqual(normalizeArgv(['--lang', 'ko', '--workload', 'smoke'], io), [
      'run',
      '--lang',
      'ko',
      '--workload',
      'smoke',
    ])
    assert.deepEqual(normalizeArgv(['-v'], io), ['--version'])
  })

  test('`run-bench --lang ko --config-dir X` without a terminal starts no run: it says how to run instead', async (t) => {
    const p = project(t)
    const io = createFakeIo({ cwd: p.dir })
    const code = await main(['--lang', 'ko', '--config-dir', p.configDir, '--output-dir', p.outputDir], io)
    assert.equal(code, 2)
    assert.match(io.err(), /Error: 대화형 실행에는 터미널이 필요한데/)
    assert.deepEqual(rawFiles(p.outputDir), [])
  })

  test('-v prints the version like -V and --version', async () => {
    for (const flag of ['-v', '-V', '--version']) {
      const io = createFakeIo({ cwd: '/' })
      assert.equal(await main([flag], io), 0)
      assert.equal(io.out(), `${readToolVersion()}\n`)
    }
  })
})

describe('signals and load shape', () => {
  test('SIGTERM ends the run with 143 (SIGINT keeps 130), files written and marked incomplete', async (t) => {
    const p = project(t)
    const io = createFakeIo({ cwd: p.dir })
    const running = main(
      [
        'run',
        '--config-dir',
        p.configDir,
        '--workload',
        'quick',
        '--duration',
        '30',
        '--output-dir',
        p.outputDir,
      ],
      io,
    )
    const until = Date.now() + 15_000
    while (!rawFiles(p.outputDir).some((name) => name.endsWith('.jsonl')) && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    io.raise('SIGTERM')
    assert.equal(await running, 143)
    const meta = rawFiles(p.outputDir).find((name) => name.endsWith('.meta.json'))
    assert.ok(meta !== undefined)
    const parsed = JSON.parse(readFileSync(join(p.outputDir, 'raw', meta), 'utf8'))
    assert.equal(parsed.complete, false)
    assert.equal(parsed.incompleteReason, 'interrupted by SIGTERM')
  })

  test('--closed-loop runs concurrency workers over a workload that has an rps', async (t) => {
    const p = project(t)
    const io = createFakeIo({ cwd: p.dir })
    const argv = ['run', '--config-dir', p.configDir, '--workload', 'quick', '--output-dir', p.outputDir]
    const code = await main([...argv, '--closed-loop', '--requests', '6', '--duration', '0'], io)
    assert.equal(code, 0, io.err())
    assert.match(io.out(), /Plan: closed loop, 2 workers at most 6 requests/)
    const meta = rawFiles(p.outputDir).find((name) => name.endsWith('.meta.json')) ?? ''
    const workload = JSON.parse(readFileSync(join(p.outputDir, 'raw', meta), 'utf8')).plan.workload
    assert.equal(workload.rps, undefined)
    const both = createFakeIo({ cwd: p.dir })
    assert.equal(await main([...argv, '--closed-loop', '--rps', '3'], both), 2)
    assert.match(both.err(), /Error: --closed-loop cannot be combined with --rps/)
  })

  test('every README and --help example that says "closed loop" asks for one', async () => {
    const help = createFakeIo({ cwd: '/' })
    await main(['run', '--help'], help)
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8')
    const examples = `${readme}\n${help.out()}`
      .split('\n')
      .filter((line) => /run-bench run .*closed loop/.test(line))
    assert.ok(examples.length >= 2, examples.join('\n'))
    for (const line of examples) assert.match(line, /--closed-loop/, line)
  })
})

describe('scripting', () => {
  test('--json prints one JSON object on stdout: the summary, its files; human text goes to stderr', async (t) => {
    const p = project(t)
    const io = createFakeIo({ cwd: p.dir })
    const argv = ['run', '--config-dir', p.configDir, '--output-dir', p.outputDir, '--json']
    const code = await main([...argv, '--requests', '3', '--duration', '0'], io)
    assert.equal(code, 0, io.err())
    const lines = io.out().trim().split('\n')
    assert.equal(lines.length, 1, io.out())
    const object = JSON.parse(lines[0] ?? '')
    assert.deepEqual(object.requests, { total: 3, ok: 3, failed: 0, aborted: 0, notSent: 0 })
    assert.equal(object.exitCode, 0)
    assert.equal(object.files.summary, join(p.outputDir, 'summary', `${object.runId}.json`))
    // The summary file and the printed object hold the same summary.
    const file = JSON.parse(readFileSync(object.files.summary, 'utf8'))
    assert.deepEqual(
      { ...object, exitCode: undefined, files: undefined },
      { ...file, exitCode: undefined, files: undefined },
    )
    assert.match(io.err(), /Done: 3 requests, 3 succeeded \(100\.0%\)/)
  })

  test('--quiet prints only the last line', async (t) => {
    const p = project(t)
    const io = createFakeIo({ cwd: p.dir })
    const argv = ['run', '--config-dir', p.configDir, '--output-dir', p.outputDir, '--quiet']
    assert.equal(await main([...argv, '--requests', '3', '--duration', '0'], io), 0, io.err())
    assert.equal(io.out(), '✅ Done: 3 requests, 3 succeeded (100.0%)\n')
  })

  test('next-step hints name the command the launcher says it was started as', async (t) => {
    const p = project(t)
    const io = createFakeIo({ cwd: p.dir, env: { RUN_BENCH_COMMAND: 'bin/run-bench' } })
    const argv = ['run', '--config-dir', p.configDir, '--output-dir', p.outputDir]
    assert.equal(await main([...argv, '--requests', '2', '--duration', '0'], io), 0, io.err())
    assert.match(
      io.out(),
      /\n {2}bin\/run-bench summarize .*\.jsonl\n {2}bin\/run-bench report --output-dir /,
    )
    assert.doesNotMatch(io.out(), /\n {2}run-bench /)
  })
})
