// A/B comparison for the terminal: aligned plain-text columns.
import type { Comparison } from '../stats/compare.js'
import { COMPARE_HEADER, compareCells, compareNotes } from './compare-rows.js'

export function renderCompareText(comparison: Comparison): string {
  const notes = compareNotes(comparison)
  if (comparison.refused !== null) return notes.before.join('\n')
  const rows = [[...COMPARE_HEADER], ...comparison.metrics.map(compareCells)]
  const widths = COMPARE_HEADER.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)))
  const lines = rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  )
  return [...notes.before, ...lines, ...notes.after].join('\n')
}
