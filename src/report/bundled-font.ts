// The Hangul font shipped with Run Bench (assets/fonts/NanumBarunGothic.ttf, SIL Open Font
// License 1.1, see assets/fonts/README.md): servers often have no CJK font, and a workload
// named 짧은테스트 then rendered as □□□□□ in PNG charts and PDFs. 1.9 MB on disk.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { findPackageRoot } from '../config/package-root.js'

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

/**
 * CSS for HTML reports and the PDF printed from them: the desktop Korean fonts first, then
 * the bundled file through a file: URL. Inlining the font as base64 would add ~2.6 MB to
 * every report; the file: URL costs nothing and serves the PDF (Chromium on this machine),
 * while a report opened elsewhere falls back to the viewer's own Korean fonts.
 */
export function hangulFontCss(): string {
  const path = bundledHangulFontPath()
  const face =
    path === null
      ? ''
      : `@font-face { font-family: '${HANGUL_FONT_FAMILY}'; src: local('${HANGUL_FONT_FAMILY}'), url('${pathToFileURL(path).href}') format('truetype'); }\n`
  return `${face}body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Apple SD Gothic Neo', 'Malgun Gothic', 'Noto Sans KR', '${HANGUL_FONT_FAMILY}', sans-serif; }`
}
