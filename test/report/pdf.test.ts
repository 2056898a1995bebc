import assert from 'node:assert/strict'
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { OutputError, UsageError } from '../../src/errors.js'
import { renderHtmlReport } from '../../src/report/html.js'
import { findChromium, renderPdf } from '../../src/report/pdf.js'
import { distribution, lowTail, summary, threeSecondSeries } from '../support/summary-fixture.js'

const dir = mkdtempSync(join(tmpdir(), 'run-bench-pdf-'))
after(() => rmSync(dir, { recursive: true, force: true }))

function script(name: string, body: string): string {
  const path = join(dir, name)
  writeFileSync(path, `#!/bin/sh\n${body}\n`)
  chmodSync(path, 0o755)
  return path
}

describe('findChromium', () => {
  test('takes CHROMIUM_PATH when it is executable', () => {
    assert.equal(findChromium({ CHROMIUM_PATH: process.execPath }), process.execPath)
  })

  test('an explicit CHROMIUM_PATH that is missing or not executable finds nothing', () => {
    assert.equal(findChromium({ CHROMIUM_PATH: join(dir, 'nope') }), null)
    const plain = join(dir, 'not-executable')
    writeFileSync(plain, 'x')
    chmodSync(plain, 0o644)
    assert.equal(findChromium({ CHROMIUM_PATH: plain }), null)
  })
})

describe('renderPdf', () => {
  test('without Chromium: a UsageError that says how to get it', async () => {
    await assert.rejects(renderPdf(join(dir, 'r.html'), join(dir, 'r.pdf'), null), (error: unknown) => {
      assert.ok(error instanceof UsageError)
      assert.equal(error.hint, 'install Chromium: apt-get install chromium, or set CHROMIUM_PATH')
      return true
    })
  })

  test('a browser that writes no PDF is an OutputError quoting its stderr', async () => {
    const broken = script('broken-chromium', 'echo "cannot open display" >&2\nexit 3')
    writeFileSync(join(dir, 'r.html'), '<p>x</p>')
    await assert.rejects(renderPdf(join(dir, 'r.html'), join(dir, 'r.pdf'), broken), (error: unknown) => {
      assert.ok(error instanceof OutputError)
      assert.match(error.message, /exit code 3/)
      assert.match(error.hint ?? '', /cannot open display/)
      return true
    })
  })

  test('a browser that hangs is killed after the timeout', async () => {
    const hung = script('hung-chromium', 'exec sleep 30')
    await assert.rejects(
      renderPdf(join(dir, 'r.html'), join(dir, 'r.pdf'), hung, 300),
      /did not finish within 300 ms/,
    )
  })

  test('prints the HTML report to a real PDF', { timeout: 90_000 }, async (t) => {
    const chromium = findChromium(process.env)
    if (chromium === null) {
      t.skip('chromium not installed')
      return
    }
    const run = summary({
      runId: 'bench_vllm_llama_low_20261128_100000',
      model: 'llama',
      workload: 'low',
      ttftMs: distribution({ p50: 50, p95: 69 }),
      tokensPerSec: lowTail({ mean: 100 }),
    })
    const htmlPath = join(dir, 'report.html')
    const pdfPath = join(dir, 'report.pdf')
    writeFileSync(
      htmlPath,
      renderHtmlReport({
        summaries: [run],
        series: { [run.runId]: threeSecondSeries() },
        generatedAt: '2026-11-28T12:00:00.000Z',
        toolVersion: '0.1.0-test',
      }),
    )
    await renderPdf(htmlPath, pdfPath, chromium, 80_000)
    assert.equal(readFileSync(pdfPath).subarray(0, 5).toString('latin1'), '%PDF-')
    assert.ok(statSync(pdfPath).size > 10_000, `PDF is only ${statSync(pdfPath).size} bytes`)
  })
})
