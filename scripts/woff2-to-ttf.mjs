// Converts a WOFF2 font to a plain TrueType file, because resvg (the PNG renderer) reads only
// TTF/OTF: `node scripts/woff2-to-ttf.mjs in.woff2 out.ttf`. Used once to produce
// assets/fonts/NanumBarunGothic.ttf from the OFL-licensed WOFF2 (see assets/fonts/README.md).
// It follows the W3C WOFF2 spec (section 5: the transformed glyf/loca tables); tables other
// than glyf and loca must be untransformed, which the check below enforces.
import { readFileSync, writeFileSync } from 'node:fs'
import { brotliDecompressSync } from 'node:zlib'

const KNOWN_TAGS =
  'cmap|head|hhea|hmtx|maxp|name|OS/2|post|cvt |fpgm|glyf|loca|prep|CFF |VORG|EBDT|EBLC|gasp|hdmx|kern|LTSH|PCLT|VDMX|vhea|vmtx|BASE|GDEF|GPOS|GSUB|EBSC|JSTF|MATH|CBDT|CBLC|COLR|CPAL|SVG |sbix|acnt|avar|bdat|bloc|bsln|cvar|fdsc|feat|fmtx|fvar|gvar|hsty|just|lcar|mort|morx|opbd|prop|trak|Zapf|Silf|Glat|Gloc|Feat|Sill'.split(
    '|',
  )

function reader(buffer, start = 0) {
  let at = start
  return {
    get at() {
      return at
    },
    u8: () => buffer[at++],
    u16: () => {
      const v = buffer.readUInt16BE(at)
      at += 2
      return v
    },
    i16: () => {
      const v = buffer.readInt16BE(at)
      at += 2
      return v
    },
    u32: () => {
      const v = buffer.readUInt32BE(at)
      at += 4
      return v
    },
    bytes: (n) => {
      const v = buffer.subarray(at, at + n)
      at += n
      return v
    },
    base128() {
      let value = 0
      for (let i = 0; i < 5; i++) {
        const byte = buffer[at++]
        value = value * 128 + (byte & 0x7f)
        if ((byte & 0x80) === 0) return value
      }
      throw new Error('bad UIntBase128')
    },
    u255() {
      const code = buffer[at++]
      if (code === 253) {
        const v = buffer.readUInt16BE(at)
        at += 2
        return v
      }
      if (code === 255) return 253 + buffer[at++]
      if (code === 254) return 253 * 2 + buffer[at++]
      return code
    },
  }
}

function decodeGlyf(data, tables) {
  const r = reader(data)
  r.u16() // reserved
  const optionFlags = r.u16()
  const numGlyphs = r.u16()
  r.u16() // indexFormat: we always write long loca
  const sizes = Array.from({ length: 7 }, () => r.u32())
  let offset = r.at
  const streams = sizes.map((size) => {
    const s = reader(data, offset)
    offset += size
    return s
  })
  const [nContour, nPoints, flagS, glyphS, compS, bboxS, instrS] = streams
  const bboxBitmap = data.subarray(bboxS.at, bboxS.at + 4 * Math.floor((numGlyphs + 31) / 32))
  bboxS.bytes(bboxBitmap.length)
  if (optionFlags & 1) throw new Error('overlapSimpleBitmap not supported')
  const glyphs = []
  for (let g = 0; g < numGlyphs; g++) {
    const contours = nContour.i16()
    const hasBbox = (bboxBitmap[g >> 3] & (0x80 >> (g & 7))) !== 0
    if (contours === 0) {
      glyphs.push(Buffer.alloc(0))
      continue
    }
    if (contours === -1) {
      const start = compS.at
      let flags
      let haveInstructions = false
      do {
        flags = compS.u16()
        compS.u16()
        compS.bytes(flags & 1 ? 4 : 2)
        if (flags & 8) compS.bytes(2)
        else if (flags & 0x40) compS.bytes(4)
        else if (flags & 0x80) compS.bytes(8)
        if (flags & 0x100) haveInstructions = true
      } while (flags & 0x20)
      const body = data.subarray(start, compS.at)
      const bbox = bboxS.bytes(8)
      const parts = [Buffer.from([0xff, 0xff]), bbox, body]
      if (haveInstructions) {
        const n = glyphS.u255()
        const len = Buffer.alloc(2)
        len.writeUInt16BE(n)
        parts.push(len, instrS.bytes(n))
      }
      glyphs.push(Buffer.concat(parts))
      continue
    }
    const endPts = []
    let total = 0
    for (let c = 0; c < contours; c++) {
      total += nPoints.u255()
      endPts.push(total - 1)
    }
    const xs = []
    const ys = []
    const onCurve = []
    let x = 0
    let y = 0
    for (let p = 0; p < total; p++) {
      const flagByte = flagS.u8()
      const flag = flagByte & 0x7f
      onCurve.push((flagByte & 0x80) === 0)
      const sign = (f, v) => (f & 1 ? v : -v)
      let dx
      let dy
      if (flag < 10) {
        dx = 0
        dy = sign(flag, ((flag & 14) << 7) + glyphS.u8())
      } else if (flag < 20) {
        dx = sign(flag, (((flag - 10) & 14) << 7) + glyphS.u8())
        dy = 0
      } else if (flag < 84) {
        const b0 = flag - 20
        const b1 = glyphS.u8()
        dx = sign(flag, 1 + (b0 & 0x30) + (b1 >> 4))
        dy = sign(flag >> 1, 1 + ((b0 & 0x0c) << 2) + (b1 & 0x0f))
      } else if (flag < 120) {
        const b0 = flag - 84
        const a = glyphS.u8()
        const b = glyphS.u8()
        dx = sign(flag, 1 + (Math.floor(b0 / 12) << 8) + a)
        dy = sign(flag >> 1, 1 + (((b0 % 12) >> 2) << 8) + b)
      } else if (flag < 124) {
        const a = glyphS.u8()
        const b2 = glyphS.u8()
        const c = glyphS.u8()
        dx = sign(flag, (a << 4) + (b2 >> 4))
        dy = sign(flag >> 1, ((b2 & 0x0f) << 8) + c)
      } else {
        const a = glyphS.u16()
        const b = glyphS.u16()
        dx = sign(flag, a)
        dy = sign(flag >> 1, b)
      }
      x += dx
      y += dy
      xs.push(x)
      ys.push(y)
    }
    const instructionLength = glyphS.u255()
    const instructions = instrS.bytes(instructionLength)
    let bbox
    if (hasBbox) bbox = bboxS.bytes(8)
    else {
      bbox = Buffer.alloc(8)
      bbox.writeInt16BE(Math.min(...xs), 0)
      bbox.writeInt16BE(Math.min(...ys), 2)
      bbox.writeInt16BE(Math.max(...xs), 4)
      bbox.writeInt16BE(Math.max(...ys), 6)
    }
    const head = Buffer.alloc(2 + 2 * contours + 2)
    head.writeInt16BE(contours, 0)
    endPts.forEach((e, i) => {
      head.writeUInt16BE(e, 2 + 2 * i)
    })
    head.writeUInt16BE(instructionLength, 2 + 2 * contours)
    const flagsOut = []
    const xOut = []
    const yOut = []
    let px = 0
    let py = 0
    for (let p = 0; p < total; p++) {
      let f = onCurve[p] ? 1 : 0
      const dx = xs[p] - px
      const dy = ys[p] - py
      px = xs[p]
      py = ys[p]
      if (dx === 0) f |= 0x10
      else if (Math.abs(dx) < 256) {
        f |= 0x02 | (dx > 0 ? 0x10 : 0)
        xOut.push(Math.abs(dx))
      } else xOut.push((dx >> 8) & 0xff, dx & 0xff)
      if (dy === 0) f |= 0x20
      else if (Math.abs(dy) < 256) {
        f |= 0x04 | (dy > 0 ? 0x20 : 0)
        yOut.push(Math.abs(dy))
      } else yOut.push((dy >> 8) & 0xff, dy & 0xff)
      flagsOut.push(f)
    }
    const glyph = Buffer.concat([
      head.subarray(0, 2),
      bbox,
      head.subarray(2),
      instructions,
      Buffer.from(flagsOut),
      Buffer.from(xOut),
      Buffer.from(yOut),
    ])
    glyphs.push(glyph)
  }
  // glyf with each glyph padded to 4 bytes; long loca.
  const padded = glyphs.map((g) => Buffer.concat([g, Buffer.alloc((4 - (g.length % 4)) % 4)]))
  const loca = Buffer.alloc(4 * (numGlyphs + 1))
  let at = 0
  padded.forEach((g, i) => {
    loca.writeUInt32BE(at, 4 * i)
    at += g.length
  })
  loca.writeUInt32BE(at, 4 * numGlyphs)
  tables.set('glyf', Buffer.concat(padded))
  tables.set('loca', loca)
}

function checksum(table) {
  const padded = Buffer.concat([table, Buffer.alloc((4 - (table.length % 4)) % 4)])
  let sum = 0
  for (let i = 0; i < padded.length; i += 4) sum = (sum + padded.readUInt32BE(i)) >>> 0
  return sum
}

const [input, output] = process.argv.slice(2)
const woff = readFileSync(input)
const r = reader(woff)
if (r.u32() !== 0x774f4632) throw new Error(`${input} is not WOFF2`)
const flavor = r.u32()
r.u32()
const numTables = r.u16()
r.u16()
r.u32()
const compressedSize = r.u32()
r.bytes(24)
const directory = []
for (let i = 0; i < numTables; i++) {
  const flags = r.u8()
  const tag = (flags & 0x3f) === 63 ? r.bytes(4).toString('latin1') : KNOWN_TAGS[flags & 0x3f]
  const version = flags >> 6
  const origLength = r.base128()
  const transformed = tag === 'glyf' || tag === 'loca' ? version === 0 : version !== 0
  if (transformed && tag !== 'glyf' && tag !== 'loca') throw new Error(`transformed ${tag} not supported`)
  const length = transformed ? r.base128() : origLength
  directory.push({ tag, length, transformed })
}
const data = brotliDecompressSync(woff.subarray(r.at, r.at + compressedSize))
const tables = new Map()
let offset = 0
for (const entry of directory) {
  const bytes = data.subarray(offset, offset + entry.length)
  offset += entry.length
  if (entry.tag === 'glyf' && entry.transformed) decodeGlyf(bytes, tables)
  else if (entry.tag === 'loca' && entry.transformed) continue
  else tables.set(entry.tag, Buffer.from(bytes))
}
const head = tables.get('head')
head.writeInt16BE(1, 50) // indexToLocFormat: long
head.writeUInt32BE(0, 8) // checksumAdjustment, set below
const tags = [...tables.keys()].sort()
const n = tags.length
const entrySelector = Math.floor(Math.log2(n))
const out = [Buffer.alloc(12 + 16 * n)]
out[0].writeUInt32BE(flavor, 0)
out[0].writeUInt16BE(n, 4)
out[0].writeUInt16BE(16 * 2 ** entrySelector, 6)
out[0].writeUInt16BE(entrySelector, 8)
out[0].writeUInt16BE(16 * n - 16 * 2 ** entrySelector, 10)
let at = out[0].length
tags.forEach((tag, i) => {
  const table = tables.get(tag)
  const record = 12 + 16 * i
  out[0].write(tag, record, 'latin1')
  out[0].writeUInt32BE(checksum(table), record + 4)
  out[0].writeUInt32BE(at, record + 8)
  out[0].writeUInt32BE(table.length, record + 12)
  const padded = Buffer.concat([table, Buffer.alloc((4 - (table.length % 4)) % 4)])
  out.push(padded)
  at += padded.length
})
const font = Buffer.concat(out)
const headOffset = font.indexOf(head)
font.writeUInt32BE((0xb1b0afba - checksum(font)) >>> 0, headOffset + 8)
writeFileSync(output, font)
console.log(`${output}: ${font.length} bytes, ${tags.length} tables`)
