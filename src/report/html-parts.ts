// The small pieces every HTML table of the report is made of: escaping, cells, rows, numbers.
import type { Distribution } from '../types.js'
import { formatFixed } from './metric-catalogue.js'

export function headRow(headers: string[]): string {
  return `<thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>`
}

export function table(head: string, rows: string[]): string {
  return `<table>\n${head}\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`
}

export function seconds(
  distribution: Distribution | null,
  key: 'mean' | 'p50' | 'p95' | 'p99',
): number | null {
  return distribution === null ? null : distribution[key] / 1000
}

/** The Markdown report's number format (thousands separators), or a dash for no value. */
export function fmt(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : formatFixed(value, digits)
}

export function esc(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}
