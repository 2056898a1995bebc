import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { pathToFileURL } from 'node:url'
import { allCharts, reportCharts } from '../../src/report/charts.js'
import { type HtmlReportInput, renderHtmlReport, STATISTICS_NOTE } from '../../src/report/html.js'
import { findChromium, runHeadlessChromium } from '../../src/report/pdf.js'
import { distribution, lowTail, summary, threeSecondSeries } from '../support/summary-fixture.js'

const EVIL_MODEL = '<script>alert("pwned")</script>'

const LLAMA = summary({
  runId: 'bench_vllm_llama_low_20261128_100000',
  model: 'llama',
  workload: 'low',
  offeredRps: 2,
  ttftMs: distribution({ mean: 55.25, p50: 50, p95: 69.04, p99: 88.8 }),
  e2eMs: distribution({ mean: 1100, p50: 1000, p95: 1900, p99: 1990.4 }),
  tokensPerSec: lowTail({ mean: 100, p50: 101, p5: 60, p1: 40.06 }),
  requestThroughputPerSec: 1.9,
  outputTokenThroughputPerSec: 190,
  successRate: 0.8,
  requests: { total: 10, ok: 8, failed: 2, aborted: 0, notSent: 0 },
  errors: [
    {
      outcome: 'http_error',
      error_code: 'HTTP_503',
      http_status: 503,
      count: 2,
      examples: ['HTTP 503 <b>overloaded</b>'],
    },
  ],
})
const EVIL = summary({
  runId: 'bench_vllm_evil_low_20261128_110000',
  model: EVIL_MODEL,
  workload: 'low',
  offeredRps: 2,
  ttftMs: distribution({ mean: 45, p50: 40, p95: 80, p99: 95 }),
  e2eMs: distribution({ mean: 1000, p50: 900, p95: 1500, p99: 1600 }),
  tokensPerSec: lowTail({ mean: 130 }),
  requestThroughputPerSec: 2,
  outputTokenThroughputPerSec: 260,
})

const INPUT: HtmlReportInput = {
  summaries: [LLAMA, EVIL],
  series: { [LLAMA.runId]: threeSecondSeries(), [EVIL.runId]: threeSecondSeries() },
  generatedAt: '2026-11-28T12:00:00.000Z',
  toolVersion: '0.1.0-test',
  runConfigs: { [LLAMA.runId]: { rps: 2, seed: 42, maxTokens: 256, promptType: 'short' } },
}
const HTML = renderHtmlReport(INPUT)
const CHART_IDS = allCharts(reportCharts(INPUT.summaries, INPUT.series)).map((chart) => chart.id)

/** The table row naming this run (ids are shown with a <wbr> after each underscore). */
function rowOf(html: string, runId: string, from = 0): string {
  const at = html.indexOf(`<span class="run-id">${runId.replaceAll('_', '_<wbr>')}</span>`, from)
  assert.ok(at >= 0, `no row for ${runId}`)
  return html.slice(html.lastIndexOf('<tr>', at), html.indexOf('</tr>', at))
}

describe('renderHtmlReport', () => {
  test('has a div for every chart: 3 overview + 3 per run', () => {
    assert.equal(CHART_IDS.length, 9)
    for (const id of CHART_IDS) assert.ok(HTML.includes(`<div class="chart" id="${id}"`), id)
  })

  test('is self-contained: echarts inlined, no script or stylesheet from the network', () => {
    assert.doesNotMatch(HTML, /<script[^>]*\ssrc=/i)
    assert.doesNotMatch(HTML, /<link[^>]*\shref=/i)
    assert.doesNotMatch(HTML, /(src|href)=["']?https?:/i)
    assert.ok(HTML.length > 1_000_000, 'echarts.min.js is not inlined')
    assert.match(HTML, /echarts/)
  })

  test('escapes names and messages: exactly the three own script elements', () => {
    assert.equal(HTML.match(/<script/g)?.length, 3)
    assert.ok(!HTML.includes('<script>alert('))
    assert.ok(HTML.includes('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;'))
    assert.ok(HTML.includes('HTTP 503 &lt;b&gt;overloaded&lt;/b&gt;'))
    // Inside the JSON chart data "<" is \u003c, so nothing can close the script element early.
    assert.ok(HTML.includes('\\u003cscript>alert(\\"pwned\\")\\u003c/script>'))
  })

  test('headline rows show the hand-formatted values', () => {
    const latency = rowOf(HTML, LLAMA.runId)
    const cells = [...latency.matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1])
    assert.deepEqual(cells, ['55.3', '50.0', '69.0', '88.8', '1.100', '1.000', '1.900', '1.990'])
    const throughput = rowOf(HTML, LLAMA.runId, HTML.indexOf('Throughput and reliability'))
    const tcells = [...throughput.matchAll(/<td(?: class="text")?>([^<]*)<\/td>/g)].map((m) => m[1])
    assert.deepEqual(tcells, [
      '8 / 10',
      '80.00%',
      '100.00',
      '101.00',
      '60.00',
      '40.06',
      '1.900',
      '190.00',
      'http_error HTTP_503 ×2',
    ])
  })

  test('marks the best value of each comparison column, among healthy runs of the same workload', () => {
    const best = (row: string) => [...row.matchAll(/<td class="best">([^<]*)<\/td>/g)].map((m) => m[1])
    // llama failed 2 of 10 (20 % > 5 %): it is never best, and EVIL alone has no rival.
    const lossy = HTML.slice(HTML.indexOf('<h3>Same workload: low</h3>'))
    assert.deepEqual(best(rowOf(lossy, LLAMA.runId)), [])
    assert.deepEqual(best(rowOf(lossy, EVIL.runId)), [])
    assert.match(HTML, /only among complete runs of the same workload whose failures stay within 5%/)
    const healthy = {
      ...LLAMA,
      successRate: 1,
      requests: { total: 10, ok: 10, failed: 0, aborted: 0, notSent: 0 },
    }
    const html = renderHtmlReport({ ...INPUT, summaries: [healthy, EVIL] })
    const section = html.slice(html.indexOf('<h3>Same workload: low</h3>'))
    // TTFT P95: 69.04 (llama) < 80; everything else favours the other run; success rates tie.
    // Decimals as in the Markdown report: tokens/s 2, req/s 3, success 2.
    assert.deepEqual(best(rowOf(section, LLAMA.runId)), ['69.0'])
    assert.deepEqual(best(rowOf(section, EVIL.runId)), ['40.0', '1.500', '130.00', '2.000', '260.00'])
  })

  test('an incomplete run is marked in tables and legends and never wins', () => {
    const cut = { ...EVIL, incomplete: 'interrupted by SIGINT' }
    const healthy = {
      ...LLAMA,
      successRate: 1,
      requests: { total: 10, ok: 10, failed: 0, aborted: 0, notSent: 0 },
    }
    const html = renderHtmlReport({ ...INPUT, summaries: [healthy, cut] })
    assert.match(html, /<span class="incomplete">incomplete: interrupted by SIGINT<\/span>/)
    const section = html.slice(html.indexOf('<h3>Same workload: low</h3>'))
    assert.doesNotMatch(section.slice(0, section.indexOf('</table>')), /class="best"/)
    assert.match(section, /<tr class="incomplete"><td>[^<]*\(incomplete: interrupted by SIGINT\)/)
    // The chart legends (series names in the inlined JSON) carry the mark too.
    assert.match(html, /"name":"\\u003cscript>alert\(\\"pwned\\"\)\\u003c\/script> · low \(incomplete\)"/)
  })

  test('a run heading is kept with its first chart; headings never end a printed page', () => {
    assert.match(HTML, /<div class="keep-together">\n<h3>llama · low <span class="run-id">/)
    const print = HTML.slice(HTML.indexOf('@media print'))
    assert.match(print, /h1, h2, h3 \{ break-after: avoid; page-break-after: avoid; break-inside: avoid; \}/)
    assert.match(HTML, /\.keep-together \{ break-inside: avoid; page-break-inside: avoid; \}/)
  })

  test('states the statistics method, shows each run configuration and prints cleanly', () => {
    assert.ok(HTML.includes(STATISTICS_NOTE))
    assert.match(STATISTICS_NOTE, /successful requests/)
    assert.match(STATISTICS_NOTE, /numpy linear/)
    assert.ok(HTML.includes('<tr><td>seed</td><td class="text">42</td></tr>'))
    assert.ok(HTML.includes('<tr><td>offered req/s</td><td class="text">2</td></tr>'))
    const print = HTML.slice(HTML.indexOf('@media print'))
    assert.match(print, /tr, th, td \{ break-inside: avoid;/)
    // Charts drawn at screen width scale down to the page width through their viewBox.
    assert.match(print, /\.chart svg \{[^}]*width: 100% !important; height: auto !important;/)
    assert.match(HTML, /svg\.setAttribute\('viewBox'/)
  })
})

describe('renderHtmlReport in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'run-bench-html-'))
  after(() => rmSync(dir, { recursive: true, force: true }))

  test('draws every chart as SVG with no console message', { timeout: 90_000 }, async (t) => {
    const chromium = findChromium(process.env)
    if (chromium === null) {
      t.skip('chromium not installed')
      return
    }
    const path = join(dir, 'report.html')
    writeFileSync(path, HTML)
    const result = await runHeadlessChromium(
      chromium,
      [
        '--enable-logging=stderr',
        '--v=0',
        '--virtual-time-budget=5000',
        '--dump-dom',
        pathToFileURL(path).href,
      ],
      80_000,
    )
    assert.equal(result.code, 0, result.stderr)
    const consoleLines = result.stderr.split('\n').filter((line) => /:CONSOLE|Uncaught/.test(line))
    assert.deepEqual(consoleLines, [])
    const dom = result.stdout
    // The init script names the attribute; a failed chart would carry it.
    assert.doesNotMatch(dom, /data-chart-error="/)
    for (const id of CHART_IDS) {
      const start = dom.indexOf(`id="${id}"`)
      assert.ok(start >= 0, `${id} missing from the DOM`)
      const next = dom.indexOf('class="chart"', start)
      const content = dom.slice(start, next < 0 ? undefined : next)
      assert.match(content, /<svg[^>]*viewBox="0 0 \d+ 420"/, `${id} has no scalable svg`)
      assert.ok((content.match(/<path/g)?.length ?? 0) > 5, `${id} drew almost nothing`)
    }
    // The script tag's own text survives only as escaped text in the DOM.
    assert.ok(!dom.includes('<script>alert('))
  })
})
