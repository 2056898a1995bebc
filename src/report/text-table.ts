// Pipe tables shared by the Markdown report and the terminal summary: the same text is
// valid GitHub Markdown and, padded, lines up in a terminal (Korean labels included).

export type Align = 'left' | 'right'

/** A Markdown table. Cells are Markdown: pass names and messages through escapeCell first. */
export function markdownTable(header: string[], rows: string[][], align: Align[]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  const rule = `|${align.map((a) => (a === 'right' ? '---:' : '---')).join('|')}|`
  return [line(header), rule, ...rows.map(line)].join('\n')
}

/**
 * The same table padded to column width for a monospace terminal. Width counts East Asian
 * wide characters (Hangul, CJK) as two columns, as terminals draw them.
 */
export function paddedTable(header: string[], rows: string[][], align: Align[]): string {
  const all = [header, ...rows]
  const widths = header.map((_, i) => Math.max(...all.map((row) => displayWidth(row[i] ?? ''))))
  const pad = (cell: string, i: number) => {
    const fill = ' '.repeat((widths[i] ?? 0) - displayWidth(cell))
    return align[i] === 'right' ? fill + cell : cell + fill
  }
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`
  const rule = `|${widths.map((w, i) => (align[i] === 'right' ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`
  return [line(header), rule, ...rows.map(line)].join('\n')
}

/** Text for a Markdown table cell or inline run: no row breaks, no stray emphasis or HTML. */
export function escapeCell(text: string): string {
  return text.replace(/\r?\n|\r/g, ' ').replace(/[\\|*`<[\]]/g, '\\$&')
}

export function displayWidth(text: string): number {
  let width = 0
  for (const char of text) width += isWide(char.codePointAt(0) ?? 0) ? 2 : 1
  return width
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6)
  )
}
