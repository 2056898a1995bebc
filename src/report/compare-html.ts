// A/B comparison as a self-contained HTML fragment (a table with verdict colours).
import type { Comparison } from '../stats/compare.js'
import { COMPARE_HEADER, compareCells, compareNotes } from './compare-rows.js'

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
}

const VERDICT_COLOUR = {
  better: '#1a7f37',
  worse: '#cf222e',
  no_difference: '#57606a',
  cannot_compare: '#9a6700',
} as const

export function renderCompareHtml(comparison: Comparison, labels = { a: 'A', b: 'B' }): string {
  const notes = compareNotes(comparison)
  const parts = [
    `<section class="compare"><h2>Compare: ${escapeHtml(labels.a)} (A) vs ${escapeHtml(labels.b)} (B)</h2>`,
  ]
  for (const line of notes.before) parts.push(`<p class="note">${escapeHtml(line)}</p>`)
  if (comparison.refused === null) {
    parts.push(
      '<table><thead><tr>',
      ...COMPARE_HEADER.map((h) => `<th>${escapeHtml(h)}</th>`),
      '</tr></thead><tbody>',
    )
    for (const metric of comparison.metrics) {
      const cells = compareCells(metric).map(escapeHtml)
      const verdict = cells.pop() ?? ''
      parts.push(
        `<tr>${cells.map((cell) => `<td>${cell}</td>`).join('')}<td style="color:${VERDICT_COLOUR[metric.verdict]}">${verdict}</td></tr>`,
      )
    }
    parts.push('</tbody></table>')
    for (const line of notes.after) parts.push(`<p class="method">${escapeHtml(line)}</p>`)
  }
  parts.push('</section>')
  return parts.join('')
}
