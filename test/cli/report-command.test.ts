import assert from 'node:assert/strict'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { main } from '../../src/cli/main.js'
import { createFakeIo } from '../support/fake-io.js'

const FIXTURE = new URL('../fixtures/records/small.jsonl', import.meta.url)

/** A results folder holding the fixture as two runs; the second was interrupted (meta complete: false). */
function resultsFolder(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'run-bench-report-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'raw'))
  copyFileSync(FIXTURE, join(dir, 'raw', 'bench_sim_tiny-model_smoke_20251128_132500.jsonl'))
  const cut = 'bench_sim_tiny-model_smoke_20251128_140000'
  copyFileSync(FIXTURE, join(dir, 'raw', `${cut}.jsonl`))
  writeFileSync(
    join(dir, 'raw', `${cut}.meta.json`),
    JSON.stringify({ runId: cut, complete: false, incompleteReason: 'interrupted by SIGINT' }),
  )
  return dir
}

describe('report command', () => {
  test('without Chromium: says what was written and what was not, and exits 2', async (t) => {
    const dir = resultsFolder(t)
    // An explicit CHROMIUM_PATH that is not executable means "no Chromium", whatever is installed.
    const io = createFakeIo({ cwd: dir, env: { CHROMIUM_PATH: join(dir, 'no-chromium') } })
    const code = await main(['report', '--output-dir', '.', '--format', 'md,html,png,pdf'], io)
    assert.equal(code, 2)
    const pngs = readdirSync(join(dir, 'reports', 'charts')).filter((name) => name.endsWith('.png'))
    // 2 runs: TTFT CDF, vs offered load, tokens/sec per run + 3 timelines per run.
    assert.equal(pngs.length, 9)
    const out = io.out()
    assert.match(out, /^Report over 2 run\(s\):\n/)
    assert.ok(out.includes(join(dir, 'reports', 'benchmark_report.md')), out)
    assert.ok(out.includes(join(dir, 'reports', 'benchmark_report.html')), out)
    for (const png of pngs) assert.ok(out.includes(png), png)
    assert.ok(!out.includes('benchmark_report.pdf'))
    assert.ok(existsSync(join(dir, 'reports', 'benchmark_report.md')))
    assert.ok(existsSync(join(dir, 'reports', 'benchmark_report.html')))
    assert.equal(
      io.err(),
      [
        'Not written: pdf: PDF output needs a headless Chromium and none was found',
        '  Hint: install Chromium: apt-get install chromium, or set CHROMIUM_PATH',
        'Error: pdf not written; the 11 file(s) listed above were written',
        '',
      ].join('\n'),
    )
  })

  test('an interrupted run is marked incomplete in the reports', async (t) => {
    const dir = resultsFolder(t)
    const io = createFakeIo({ cwd: dir })
    assert.equal(await main(['report', '--output-dir', '.', '--format', 'md'], io), 0)
    const md = readFileSync(join(dir, 'reports', 'benchmark_report.md'), 'utf8')
    assert.match(md, /\*\*Incomplete run\*\* \(interrupted by SIGINT\)/)
    assert.match(md, /### bench_sim_tiny-model_smoke_20251128_140000 \(incomplete\)\n/)
  })

  test('--lang ko, or a Korean LANG, writes Korean headings; --lang en wins over LANG', async (t) => {
    const dir = resultsFolder(t)
    const korean = createFakeIo({ cwd: dir, env: { LANG: 'ko_KR.UTF-8' } })
    assert.equal(await main(['report', '--output-dir', '.', '--format', 'md,html'], korean), 0)
    assert.match(readFileSync(join(dir, 'reports', 'benchmark_report.md'), 'utf8'), /^# Run Bench 보고서/)
    assert.match(readFileSync(join(dir, 'reports', 'benchmark_report.html'), 'utf8'), /<h2>지연 시간<\/h2>/)
    const english = createFakeIo({ cwd: dir, env: { LANG: 'ko_KR.UTF-8' } })
    assert.equal(await main(['report', '--output-dir', '.', '--format', 'md', '--lang', 'en'], english), 0)
    assert.match(readFileSync(join(dir, 'reports', 'benchmark_report.md'), 'utf8'), /^# Run Bench report/)
    const flag = createFakeIo({ cwd: dir })
    assert.equal(await main(['report', '--output-dir', '.', '--format', 'md', '--lang', 'ko'], flag), 0)
    assert.match(readFileSync(join(dir, 'reports', 'benchmark_report.md'), 'utf8'), /^# Run Bench 보고서/)
  })
})
