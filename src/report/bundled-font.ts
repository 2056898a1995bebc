// The Hangul font shipped with Run Bench (assets/fonts/NanumBarunGothic.ttf, SIL Open Font
// License 1.1, see assets/fonts/README.md): servers often have no CJK font, and a workload
// named 짧은테스트 then rendered as □□□□□ in PNG charts and PDFs. 1.9 MB on disk.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { findPackageRoot } from '../config/package-root.js'
import { ttfToWoff } from './font-woff.js'

export const HANGUL_FONT_FAMILY = 'NanumBarunGothic'

/** Absolute path of the bundled Hangul font, or null when the installation lacks it. */
export function bundledHangulFontPath(): string | null {
  const path = join(findPackageRoot(), 'assets', 'fonts', 'NanumBarunGothic.ttf')
  return existsSync(path) ? path : null
}

/** Hangul syllables and jamo: the characters measured and drawn with the bundled font. */
export function isHangul(codePoint: number): boolean {
  return (
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0x1100 && codePoint <= 0x11ff) ||
    (codePoint >= 0x3130 && codePoint <= 0x318f)
  )
}

/** Whether a text holds Hangul (then an HTML report embeds the bundled font). */
export function hasHangul(text: string): boolean {
  return /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]/.test(text)
}

let embeddedFace: string | null = null

/**
 * The @font-face rule that makes HTML reports and the PDFs printed from them draw Hangul
 * with the bundled font on any machine, inside the one self-contained file: the font as a
 * WOFF data URL (1.97 MB TTF → ~0.69 MB WOFF → ~0.92 MB of base64), built once per process.
 * A file: URL would cost nothing but breaks as soon as the report is copied elsewhere.
 * The page's font stacks (html-assets.ts, CHART_FONT_STACK) name the family. Empty when the
 * installation lacks the font.
 */
export function hangulFontCss(): string {
  if (embeddedFace !== null) return embeddedFace
  const path = bundledHangulFontPath()
  if (path === null) return ''
  const woff = ttfToWoff(readFileSync(path)).toString('base64')
  embeddedFace = `@font-face { font-family: '${HANGUL_FONT_FAMILY}'; src: url(data:font/woff;base64,${woff}) format('woff'); }\n`
  return embeddedFace
}
