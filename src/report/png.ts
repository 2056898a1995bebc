// Server-side chart export: echarts renders the chart definition to an SVG string (no DOM,
// no canvas), and resvg rasterises it with one fixed font file, so the same chart gives the
// same PNG bytes on every machine that has that font. echarts lays text out with widths read
// from that same file (font-metrics.ts), so labels do not overlap.
import { existsSync } from 'node:fs'
import { Resvg } from '@resvg/resvg-js'
import * as echarts from 'echarts'
import { bundledHangulFontPath, isHangul } from './bundled-font.js'
import type { ChartDefinition } from './charts.js'
import { type FontMetrics, readFontMetrics } from './font-metrics.js'

export interface PngSize {
  width?: number
  height?: number
}

export interface FontCandidate {
  path: string
  family: string
}

/**
 * Where DejaVu Sans and Liberation Sans live on common Linux distributions (Debian/Ubuntu,
 * Fedora, Arch, Alpine). No npm package in the tree ships a font, and the export must work
 * offline, so the first of these that exists is the chart font.
 */
export const CHART_FONT_CANDIDATES: readonly FontCandidate[] = [
  ...[
    '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
    '/usr/share/fonts/dejavu/DejaVuSans.ttf',
    '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf',
    '/usr/share/fonts/TTF/DejaVuSans.ttf',
    '/usr/share/fonts/ttf-dejavu/DejaVuSans.ttf',
  ].map((path) => ({ path, family: 'DejaVu Sans' })),
  ...[
    '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
    '/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf',
    '/usr/share/fonts/liberation/LiberationSans-Regular.ttf',
    '/usr/share/fonts/TTF/LiberationSans-Regular.ttf',
  ].map((path) => ({ path, family: 'Liberation Sans' })),
]

/** The fixed font, or null: resvg then loads the system's fonts (output not reproducible). */
export type ChartFont = FontCandidate | null

export function findChartFont(candidates: readonly FontCandidate[] = CHART_FONT_CANDIDATES): ChartFont {
  return candidates.find((candidate) => existsSync(candidate.path)) ?? null
}

const metricsByPath = new Map<string, FontMetrics>()
let measuringWith: string | null = null

/** Makes echarts measure text with the font's own advance widths (a process-wide setting). */
function measureTextWith(font: FontCandidate): void {
  if (measuringWith === font.path) return
  let metrics = metricsByPath.get(font.path)
  if (metrics === undefined) {
    metrics = readFontMetrics(font.path)
    metricsByPath.set(font.path, metrics)
  }
  const measured = metrics
  // Hangul is drawn with the bundled font (resvg falls back to it per character), so it is
  // measured with that font's widths, not the chart font's .notdef box.
  const hangulPath = bundledHangulFontPath()
  const hangul = hangulPath === null ? null : readFontMetrics(hangulPath)
  echarts.setPlatformAPI({
    measureText: (text: string, cssFont?: string) => {
      const sizePx = Number(/(\d+(?:\.\d+)?)px/.exec(cssFont ?? '')?.[1] ?? 12)
      if (hangul === null) return { width: measured.textWidth(text, sizePx) }
      let width = 0
      for (const char of text) {
        const metricsOfChar = isHangul(char.codePointAt(0) as number) ? hangul : measured
        width += metricsOfChar.textWidth(char, sizePx)
      }
      return { width }
    },
  })
  measuringWith = font.path
}

export function renderChartSvg(chart: ChartDefinition, size: PngSize = {}, font = findChartFont()): string {
  if (font !== null) measureTextWith(font)
  const width = size.width ?? 1000
  const height = size.height ?? 500
  const instance = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height })
  try {
    instance.setOption(chart.option)
    return instance.renderToSVGString()
  } finally {
    instance.dispose()
  }
}

/** The chart as a PNG of exactly width × height pixels (default 1000 × 500). */
export function renderChartPng(chart: ChartDefinition, size: PngSize = {}, font = findChartFont()): Buffer {
  const svg = renderChartSvg(chart, size, font)
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    fitTo: { mode: 'original' },
    font:
      font === null
        ? // No fixed font: resvg takes the first system font as the default.
          { loadSystemFonts: true, fontFiles: bundledFontFiles() }
        : {
            loadSystemFonts: false,
            // The bundled Hangul font is the fallback for characters the chart font lacks.
            fontFiles: [font.path, ...bundledFontFiles()],
            // Every family the SVG names falls back to this one, so no text goes missing.
            defaultFontFamily: font.family,
            sansSerifFamily: font.family,
          },
  })
  return resvg.render().asPng()
}

function bundledFontFiles(): string[] {
  const path = bundledHangulFontPath()
  return path === null ? [] : [path]
}
