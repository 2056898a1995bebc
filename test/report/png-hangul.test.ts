import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bundledHangulFontPath, hangulFontCss } from '../../src/report/bundled-font.js'
import { throughputVsOfferedLoadChart } from '../../src/report/charts.js'
import { renderChartPng } from '../../src/report/png.js'
import { countDarkPixels, decodePng } from '../support/png-decode.js'
import { lowTail, summary } from '../support/summary-fixture.js'

const BASE = throughputVsOfferedLoadChart([
  summary({ runId: 'a', model: 'm', workload: 'w', offeredRps: 2, tokensPerSec: lowTail({ mean: 100 }) }),
])

function withTitle(text: string) {
  const title = BASE.option.title as { [key: string]: unknown }
  return { ...BASE, option: { ...BASE.option, title: { ...title, text } } } as typeof BASE
}

test('a Hangul chart title is drawn with the bundled font, not as .notdef boxes', () => {
  assert.ok(bundledHangulFontPath()?.endsWith('NanumBarunGothic.ttf'), 'the font ships in assets/fonts')
  // Five characters no font has (private use area) are five .notdef boxes; before the font
  // was bundled, 짧은테스트 rendered exactly as those boxes (identical pixels).
  const size = { width: 600, height: 300 }
  const hangul = decodePng(renderChartPng(withTitle('짧은테스트'), size))
  const boxes = decodePng(renderChartPng(withTitle('\ue000\ue001\ue002\ue003\ue004'), size))
  const band = { x0: 0, y0: 0, x1: 600, y1: 30 }
  const hangulInk = countDarkPixels(hangul, band, 128)
  const boxInk = countDarkPixels(boxes, band, 128)
  assert.ok(hangulInk > 0, 'the Hangul title is drawn')
  assert.notEqual(hangulInk, boxInk, `Hangul ${hangulInk} dark pixels vs boxes ${boxInk}`)
  // 짧 alone has more strokes than a hollow box: more ink than the five boxes together / 5.
  assert.ok(hangulInk > boxInk, `Hangul ${hangulInk} vs boxes ${boxInk}`)
})

test('HTML/PDF CSS embeds the bundled font as a WOFF data URL (the report stays one file)', () => {
  const css = hangulFontCss()
  assert.match(
    css,
    /^@font-face \{ font-family: 'NanumBarunGothic'; src: url\(data:font\/woff;base64,[A-Za-z0-9+/=]+\) format\('woff'\); \}/,
  )
  // 1,966,936 bytes of TTF → a WOFF of about 0.69 MB → under 1 MB of base64 (the TTF would be 2.6 MB).
  assert.ok(css.length < 1_000_000, `${css.length} characters`)
  assert.ok(css.length > 800_000, `${css.length} characters`)
})
