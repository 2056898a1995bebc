import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Resvg } from '@resvg/resvg-js'
import { throughputVsOfferedLoadChart, tokensPerSecByRunChart } from '../../src/report/charts.js'
import { CHART_FONT_CANDIDATES, findChartFont, renderChartPng, renderChartSvg } from '../../src/report/png.js'
import { countDarkPixels, decodePng, PNG_SIGNATURE, readIhdr } from '../support/png-decode.js'
import { lowTail, summary } from '../support/summary-fixture.js'

const SUMMARIES = [
  summary({
    runId: 'a',
    model: 'llama',
    workload: 'low',
    offeredRps: 2,
    requestThroughputPerSec: 1.9,
    outputTokenThroughputPerSec: 190,
    tokensPerSec: lowTail({ mean: 100 }),
  }),
  summary({
    runId: 'b',
    model: 'llama',
    workload: 'high',
    offeredRps: 8,
    requestThroughputPerSec: 5.5,
    outputTokenThroughputPerSec: 550,
    tokensPerSec: lowTail({ mean: 80 }),
  }),
]
const CHART = throughputVsOfferedLoadChart(SUMMARIES)
// The title is the only thing drawn in the top band (it starts 8 px down, 15 px font).
const TITLE_BAND = { y0: 0, y1: 30 }

describe('renderChartPng', () => {
  test('writes a PNG of exactly the asked size', () => {
    const png = renderChartPng(CHART, { width: 800, height: 400 })
    assert.ok(png.subarray(0, 8).equals(PNG_SIGNATURE))
    const { width, height } = readIhdr(png)
    assert.deepEqual([width, height], [800, 400])
  })

  test('defaults to 1000 × 500', () => {
    const { width, height } = readIhdr(renderChartPng(CHART))
    assert.deepEqual([width, height], [1000, 500])
  })

  test('draws the chart on a white background, title text included', () => {
    const image = decodePng(renderChartPng(CHART, { width: 800, height: 400 }))
    const whole = countDarkPixels(image, { x0: 0, y0: 0, x1: 800, y1: 400 }, 250)
    // Axes, grid lines, two lines with symbols, legend and labels: well over 1% of the area.
    assert.ok(whole > 3200, `only ${whole} non-white pixels`)
    const corner = countDarkPixels(image, { x0: 0, y0: 380, x1: 20, y1: 400 }, 250)
    assert.equal(corner, 0, 'background is not white')
    const title = countDarkPixels(image, { x0: 0, x1: 800, ...TITLE_BAND }, 128)
    assert.ok(title > 100, `title text not drawn (${title} dark pixels)`)
  })

  test('without any font the title band stays empty (so the check above sees text, not boxes)', () => {
    const svg = renderChartSvg(CHART, { width: 800, height: 400 })
    const png = new Resvg(svg, { background: '#ffffff', font: { loadSystemFonts: false } }).render().asPng()
    assert.equal(countDarkPixels(decodePng(png), { x0: 0, x1: 800, ...TITLE_BAND }, 128), 0)
  })

  test('is reproducible: the same chart gives the same bytes', () => {
    const font = findChartFont()
    if (font === null)
      console.error('png test: neither DejaVu Sans nor Liberation Sans found, using system fonts')
    const chart = tokensPerSecByRunChart(SUMMARIES)
    assert.ok(renderChartPng(chart, {}, font).equals(renderChartPng(chart, {}, font)))
  })

  test('escapes markup in names: a model called <script> still gives valid SVG and a PNG', () => {
    const evil = SUMMARIES.map((s) => ({ ...s, model: '<script>alert("x")</script> & co' }))
    const chart = throughputVsOfferedLoadChart(evil)
    const svg = renderChartSvg(chart, { width: 600, height: 300 })
    assert.ok(!svg.includes('<script>'))
    assert.ok(svg.includes('&lt;script&gt;'))
    assert.deepEqual(
      Object.values(readIhdr(renderChartPng(chart, { width: 600, height: 300 }))).slice(0, 2),
      [600, 300],
    )
  })
})

describe('findChartFont', () => {
  test('falls back to system fonts when no candidate file exists', () => {
    assert.equal(findChartFont([{ path: '/nonexistent/DejaVuSans.ttf', family: 'DejaVu Sans' }]), null)
  })

  test('takes the first candidate that exists', () => {
    const font = findChartFont()
    assert.ok(font === null || CHART_FONT_CANDIDATES.includes(font))
  })
})
