// How many terminal columns a string takes, so a live line can be cut to fit and never wrap
// (a wrapped line cannot be redrawn in place with \r). Wide characters (Hangul, CJK, emoji
// presentation) take two columns; combining marks and variation selectors take none.

function isZeroWidth(cp: number): boolean {
  return (
    (cp >= 0x0300 && cp <= 0x036f) || // combining diacritics
    (cp >= 0xfe00 && cp <= 0xfe0f) || // variation selectors
    cp === 0x200d || // zero-width joiner
    (cp >= 0x1160 && cp <= 0x11ff) // Hangul medial vowels / final consonants (conjoining jamo)
  )
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) || // Hangul initial jamo
    (cp >= 0x2e80 && cp <= 0x303e) || // CJK radicals, punctuation
    (cp >= 0x3041 && cp <= 0x33ff) || // kana, CJK symbols
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) || // CJK ideographs
    (cp >= 0xa960 && cp <= 0xa97f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) || // Hangul syllables
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) || // full-width forms
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) || // emoji
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
}

export function displayWidth(text: string): number {
  let width = 0
  let previous = 0
  for (const char of text) {
    const cp = char.codePointAt(0) as number
    if (cp === 0xfe0f && previous !== 0 && !isWide(previous)) {
      // VS16 turns a text symbol such as ⏱ (U+23F1) into a two-column emoji.
      width += 1
    } else if (!isZeroWidth(cp)) {
      width += isWide(cp) ? 2 : 1
    }
    previous = cp
  }
  return width
}

/** Cuts text to at most `columns` display columns, ending in … when something was cut. */
export function truncateToWidth(text: string, columns: number): string {
  if (displayWidth(text) <= columns) return text
  let out = ''
  for (const char of text) {
    if (displayWidth(`${out}${char}…`) > columns) break
    out += char
  }
  return `${out}…`
}
