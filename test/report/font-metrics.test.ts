import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { describe, test } from 'node:test'
import { readFontMetrics } from '../../src/report/font-metrics.js'

// Both fonts have 2048 units per em, so at 2048 px a width equals the advance in font units.
// Liberation Sans is metric-compatible with Arial (W 1933, a 1139, space 569); DejaVu Sans's
// advances are W 2025, a 1255, space 651.
const FONTS = [
  {
    path: '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
    widths: { W: 1933, a: 1139, ' ': 569 },
  },
  { path: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', widths: { W: 2025, a: 1255, ' ': 651 } },
]

describe('readFontMetrics', () => {
  for (const font of FONTS) {
    test(`reads the advance widths of ${font.path.split('/').at(-1)}`, (t) => {
      if (!existsSync(font.path)) {
        t.skip(`${font.path} not installed`)
        return
      }
      const metrics = readFontMetrics(font.path)
      for (const [char, units] of Object.entries(font.widths))
        assert.equal(metrics.textWidth(char, 2048), units)
      // Widths add up and scale with the size: "Wa" at 12 px.
      const expected = ((font.widths.W + font.widths.a) / 2048) * 12
      assert.ok(Math.abs(metrics.textWidth('Wa', 12) - expected) < 1e-9)
      // A character the font lacks is measured as its .notdef box, never as 0.
      assert.ok(metrics.textWidth('😀', 12) > 0)
    })
  }
})
