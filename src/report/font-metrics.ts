// Advance widths read from a TrueType file, so that echarts' server-side layout measures
// text with the same font resvg later draws it with. Without this, echarts (no canvas in
// Node) guesses widths from a built-in Arial-like table, and labels in a wider font such as
// DejaVu Sans overlap their neighbours in the exported PNG. Only what measuring needs is read:
// head (units per em), hhea + hmtx (advance widths) and a format 4 cmap (the BMP).
import { readFileSync } from 'node:fs'

export interface FontMetrics {
  /** Width in px of `text` set at `fontSizePx`, without kerning. */
  textWidth(text: string, fontSizePx: number): number
}

export function readFontMetrics(path: string): FontMetrics {
  const font = readFileSync(path)
  const tables = tableOffsets(font)
  const unitsPerEm = font.readUInt16BE(tables.head + 18)
  const metricCount = font.readUInt16BE(tables.hhea + 34)
  const advanceOf = (glyph: number): number =>
    font.readUInt16BE(tables.hmtx + 4 * Math.min(glyph, metricCount - 1))
  const glyphOf = cmapFormat4(font, tables.cmap)
  // Glyph 0 is .notdef: characters the font lacks are drawn (and measured) as its box.
  const cache = new Map<number, number>()
  const widthInEm = (codePoint: number): number => {
    let width = cache.get(codePoint)
    if (width === undefined) {
      width = advanceOf(glyphOf(codePoint)) / unitsPerEm
      cache.set(codePoint, width)
    }
    return width
  }
  return {
    textWidth(text, fontSizePx) {
      let em = 0
      for (const char of text) em += widthInEm(char.codePointAt(0) as number)
      return em * fontSizePx
    },
  }
}

function tableOffsets(font: Buffer): { head: number; hhea: number; hmtx: number; cmap: number } {
  const found = new Map<string, number>()
  const count = font.readUInt16BE(4)
  for (let i = 0; i < count; i++) {
    const record = 12 + 16 * i
    found.set(font.toString('latin1', record, record + 4), font.readUInt32BE(record + 8))
  }
  const need = (tag: string): number => {
    const offset = found.get(tag)
    if (offset === undefined) throw new Error(`font has no ${tag} table`)
    return offset
  }
  return { head: need('head'), hhea: need('hhea'), hmtx: need('hmtx'), cmap: need('cmap') }
}

/** Code point → glyph id through the first Unicode format 4 subtable (0 when unmapped). */
function cmapFormat4(font: Buffer, cmap: number): (codePoint: number) => number {
  const count = font.readUInt16BE(cmap + 2)
  let table = -1
  for (let i = 0; i < count && table < 0; i++) {
    const record = cmap + 4 + 8 * i
    const platform = font.readUInt16BE(record)
    const encoding = font.readUInt16BE(record + 2)
    const offset = cmap + font.readUInt32BE(record + 4)
    const unicode = platform === 0 || (platform === 3 && encoding === 1)
    if (unicode && font.readUInt16BE(offset) === 4) table = offset
  }
  if (table < 0) throw new Error('font has no Unicode format 4 cmap')
  const segments = font.readUInt16BE(table + 6) / 2
  const ends = table + 14
  const starts = ends + 2 * segments + 2
  const deltas = starts + 2 * segments
  const rangeOffsets = deltas + 2 * segments
  return (codePoint) => {
    if (codePoint > 0xffff) return 0
    for (let i = 0; i < segments; i++) {
      if (font.readUInt16BE(ends + 2 * i) < codePoint) continue
      const start = font.readUInt16BE(starts + 2 * i)
      if (start > codePoint) return 0
      const delta = font.readUInt16BE(deltas + 2 * i)
      const rangeAt = rangeOffsets + 2 * i
      const rangeOffset = font.readUInt16BE(rangeAt)
      if (rangeOffset === 0) return (codePoint + delta) & 0xffff
      const glyph = font.readUInt16BE(rangeAt + rangeOffset + 2 * (codePoint - start))
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff
    }
    return 0
  }
}
