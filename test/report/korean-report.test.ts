import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { pathToFileURL } from 'node:url'
import { hangulFontCss } from '../../src/report/bundled-font.js'
import { ttfToWoff } from '../../src/report/font-woff.js'
import { renderHtmlReport } from '../../src/report/html.js'
import { renderMarkdownReport } from '../../src/report/markdown.js'
import { findChromium, renderPdf, runHeadlessChromium } from '../../src/report/pdf.js'
import { safeNamePart } from '../../src/results/result-paths.js'
import { summary, threeSecondSeries } from '../support/summary-fixture.js'

const KOREAN = summary({
  runId: 'bench_sim_sim-llama-8b_짧은테스트_20261203_120000',
  model: 'm',
  workload: '짧은테스트',
})
const LATIN = summary({ runId: 'bench_sim_m_smoke_20261203_120000', model: 'm', workload: 'smoke' })

function html(summaries = [KOREAN], lang: 'en' | 'ko' = 'en'): string {
  return renderHtmlReport({
    summaries,
    series: Object.fromEntries(summaries.map((s) => [s.runId, threeSecondSeries()])),
    generatedAt: '2026-12-03T12:00:00.000Z',
    toolVersion: '0.1.0-test',
    lang,
  })
}

describe('Korean in reports (issue 12, item 13)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'run-bench-ko-'))
  after(() => rmSync(dir, { recursive: true, force: true }))

  test('Hangul stays in file names; only path-unsafe characters are replaced', () => {
    assert.equal(safeNamePart('짧은테스트'), '짧은테스트')
    assert.equal(safeNamePart('짧은/테스트 1'), '짧은-테스트-1')
    assert.equal(safeNamePart('모델:8b?'), '모델-8b')
  })

  test('WOFF: same tables, zlib-compressed, with a valid header', () => {
    const ttf = readFileSync(new URL('../../assets/fonts/NanumBarunGothic.ttf', import.meta.url))
    const woff = ttfToWoff(ttf)
    assert.equal(woff.toString('latin1', 0, 4), 'wOFF')
    assert.equal(woff.readUInt32BE(4), ttf.readUInt32BE(0), 'flavor = the TTF version tag')
    assert.equal(woff.readUInt32BE(8), woff.length, 'length field')
    assert.equal(woff.readUInt16BE(12), ttf.readUInt16BE(4), 'table count')
    // 1,966,936 bytes → under 700,000 (each table deflated).
    assert.ok(woff.length < 700_000, `${woff.length} bytes`)
  })

  test('an HTML report with Hangul embeds the bundled font; one without does not', () => {
    const withHangul = html([KOREAN])
    const without = html([LATIN])
    assert.ok(withHangul.includes(hangulFontCss()))
    assert.ok(!without.includes('@font-face'))
    // The embedded font costs under 1 MB of the report, only where Hangul is shown.
    const cost = withHangul.length - without.length
    assert.ok(cost > 800_000 && cost < 1_000_000, `${cost} characters`)
    // The body and the charts name the family, so Hangul falls back to it.
    assert.match(
      withHangul,
      /body \{ font-family: 'DejaVu Sans', 'Liberation Sans', Arial, 'NanumBarunGothic', sans-serif;/,
    )
    assert.match(
      withHangul,
      /"fontFamily":"DejaVu Sans, Liberation Sans, Arial, NanumBarunGothic, sans-serif"/,
    )
  })

  test('report --lang ko: headings and labels in Korean', () => {
    const page = html([LATIN, { ...LATIN, runId: 'b', offeredRps: 2 }], 'ko')
    assert.match(page, /<html lang="ko">/)
    for (const heading of [
      '<h1>Run Bench 보고서</h1>',
      '<h2>지연 시간</h2>',
      '<h2>처리량과 안정성</h2>',
      '<h2>차트</h2>',
      '<h2>실행 설정</h2>',
    ]) {
      assert.ok(page.includes(heading), heading)
    }
    assert.ok(page.includes('<th>TTFT 중앙값 (ms)</th>'))
    assert.ok(page.includes('"text":"TTFT 분포 (누적, 성공한 요청, 로그 축)"'))
    assert.ok(page.includes('m · smoke · 폐쇄 루프'), 'run names in Korean')
    assert.ok(page.includes('@font-face'), 'a Korean page always embeds the font')
    const md = renderMarkdownReport({
      summaries: [LATIN],
      generatedAt: '2026-12-03T12:00:00.000Z',
      toolVersion: '0.1.0-test',
      lang: 'ko',
    })
    assert.match(md, /^# Run Bench 보고서\n/)
    assert.match(md, /## 보고서 읽는 법/)
    assert.match(md, /\| 처리량과 요청 \| 값 \|/)
    assert.match(md, /\| 성공률 \| 100\.00% \|/)
    assert.match(md, /## 워크로드별 비교\n\n워크로드마다 실행이 하나뿐이라 비교할 것이 없습니다\./)
  })

  test('Chromium loads the embedded font, and the PDF printed from the page embeds it', {
    timeout: 120_000,
  }, async (t) => {
    const chromium = findChromium(process.env)
    if (chromium === null) {
      t.skip('chromium not installed')
      return
    }
    const probe = join(dir, 'font.html')
    writeFileSync(
      probe,
      `<!DOCTYPE html><html><head><meta charset="utf-8"><style>${hangulFontCss()}</style></head>` +
        `<body><p style="font-family: NanumBarunGothic">짧은테스트</p><script>` +
        `document.fonts.load('16px NanumBarunGothic', '짧').then(function (faces) {` +
        `document.body.setAttribute('data-font', faces.length + ':' + Array.from(document.fonts).map(function (f) { return f.family + '=' + f.status }).join(','))` +
        `}, function (e) { document.body.setAttribute('data-font', 'error ' + e) })</script></body></html>`,
    )
    const result = await runHeadlessChromium(
      chromium,
      ['--virtual-time-budget=5000', '--dump-dom', pathToFileURL(probe).href],
      60_000,
    )
    assert.match(result.stdout, /data-font="1:"?NanumBarunGothic"?=loaded"/, result.stdout.slice(0, 300))

    const page = join(dir, 'report.html')
    const pdf = join(dir, 'report.pdf')
    writeFileSync(page, html([KOREAN], 'ko'))
    await renderPdf(page, pdf, chromium, 90_000)
    // Chromium embeds the glyphs it drew as a subset named "<6 letters>+NanumBarunGothic".
    assert.match(readFileSync(pdf).toString('latin1'), /\/FontName \/[A-Z]{6}\+NanumBarunGothic/)
  })
})
