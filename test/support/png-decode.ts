// A minimal PNG reader for tests: 8-bit RGB/RGBA, non-interlaced (what resvg writes). Enough
// to check the size and look at the pixels of an exported chart without another dependency.
import { inflateSync } from 'node:zlib'

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

export interface DecodedPng {
  width: number
  height: number
  /** RGBA, 4 bytes per pixel, row-major. */
  rgba: Uint8Array
}

export function readIhdr(png: Buffer): {
  width: number
  height: number
  bitDepth: number
  colorType: number
} {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG')
  if (png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('first chunk is not IHDR')
  return {
    width: png.readUInt32BE(16),
    height: png.readUInt32BE(20),
    bitDepth: png.readUInt8(24),
    colorType: png.readUInt8(25),
  }
}

export function decodePng(png: Buffer): DecodedPng {
  const { width, height, bitDepth, colorType } = readIhdr(png)
  if (bitDepth !== 8 || (colorType !== 6 && colorType !== 2)) {
    throw new Error(`unsupported PNG: bit depth ${bitDepth}, colour type ${colorType}`)
  }
  if (png.readUInt8(28) !== 0) throw new Error('interlaced PNG not supported')
  const idat: Buffer[] = []
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at)
    const type = png.toString('latin1', at + 4, at + 8)
    if (type === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length))
    at += 12 + length
  }
  const raw = inflateSync(Buffer.concat(idat))
  const channels = colorType === 6 ? 4 : 3
  const stride = width * channels
  const pixels = new Uint8Array(stride * height)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1))
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? (pixels[y * stride + x - channels] as number) : 0
      const up = y > 0 ? (pixels[(y - 1) * stride + x] as number) : 0
      const upLeft = y > 0 && x >= channels ? (pixels[(y - 1) * stride + x - channels] as number) : 0
      pixels[y * stride + x] = (line[x] as number) + predictor(filter, left, up, upLeft)
    }
  }
  if (channels === 4) return { width, height, rgba: pixels }
  const rgba = new Uint8Array(width * height * 4)
  for (let i = 0; i < width * height; i++) {
    rgba.set(pixels.subarray(i * 3, i * 3 + 3), i * 4)
    rgba[i * 4 + 3] = 255
  }
  return { width, height, rgba }
}

function predictor(filter: number, left: number, up: number, upLeft: number): number {
  switch (filter) {
    case 0:
      return 0
    case 1:
      return left
    case 2:
      return up
    case 3:
      return Math.floor((left + up) / 2)
    case 4: {
      const p = left + up - upLeft
      const pa = Math.abs(p - left)
      const pb = Math.abs(p - up)
      const pc = Math.abs(p - upLeft)
      return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft
    }
    default:
      throw new Error(`bad PNG filter ${filter}`)
  }
}

/** Pixels in the rectangle [x0, x1) × [y0, y1) darker than the threshold (0..255 mean of RGB). */
export function countDarkPixels(
  image: DecodedPng,
  box: { x0: number; y0: number; x1: number; y1: number },
  threshold: number,
): number {
  let count = 0
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      const i = (y * image.width + x) * 4
      const mean =
        ((image.rgba[i] as number) + (image.rgba[i + 1] as number) + (image.rgba[i + 2] as number)) / 3
      if (mean < threshold) count++
    }
  }
  return count
}
