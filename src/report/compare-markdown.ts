// A/B comparison as a Markdown table (PR comments, $GITHUB_STEP_SUMMARY).
import type { Comparison } from '../stats/compare.js'
import { COMPARE_HEADER, compareCells, compareNotes } from './compare-rows.js'

export function renderCompareMarkdown(comparison: Comparison, labels = { a: 'A', b: 'B' }): string {
  const notes = compareNotes(comparison)
  const title = `## Compare: ${labels.a} (A) vs ${labels.b} (B)`
  if (comparison.refused !== null) return [title, '', ...notes.before].join('\n')
  const escapePipe = (cell: string) => cell.replaceAll('|', '\\|')
  const lines = [
    `| ${COMPARE_HEADER.join(' | ')} |`,
    `|${COMPARE_HEADER.map((_, i) => (i === 0 || i === 6 ? '---' : '---:')).join('|')}|`,
    ...comparison.metrics.map((metric) => {
      const cells = compareCells(metric).map(escapePipe)
      if (metric.verdict === 'worse' || metric.verdict === 'better') cells[6] = `**${cells[6]}**`
      return `| ${cells.join(' | ')} |`
    }),
  ]
  return [title, '', ...notes.before.map((line) => `> ${line}`), ...lines, '', ...notes.after].join('\n')
}
