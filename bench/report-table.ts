// The one output shape of every section: figure | measured | reference | goal | met?
// plus the list of goals the closing note quotes.

export interface Row {
  figure: string
  measured: string
  reference: string
  goal: string
  /** null: a figure printed for information, with no goal to meet. */
  met: boolean | null
}

export interface GoalResult {
  section: string
  figure: string
  measured: string
  goal: string
  met: boolean
  /** Why it was missed, from what the run measured. */
  reason: string
}

export function renderTable(rows: Row[]): string {
  const header: Row = {
    figure: 'figure',
    measured: 'measured',
    reference: 'reference',
    goal: 'goal',
    met: null,
  }
  const cells = [header, ...rows].map((row, i) => [
    row.figure,
    row.measured,
    row.reference,
    row.goal,
    i === 0 ? 'met?' : row.met === null ? '' : row.met ? 'yes' : 'NO',
  ])
  const widths = [0, 1, 2, 3, 4].map((c) => Math.max(...cells.map((line) => (line[c] ?? '').length)))
  const line = (values: string[]) =>
    `| ${values.map((value, c) => value.padEnd(widths[c] ?? 0)).join(' | ')} |`
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`
  const [head, ...body] = cells
  return [line(head ?? []), rule, ...body.map(line)].join('\n')
}

export function fixed(value: number | null, digits = 2): string {
  return value === null || !Number.isFinite(value) ? '-' : value.toFixed(digits)
}

export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US')
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}

/** Exact percentile, linear interpolation between closest ranks (numpy's default). */
export function percentileOf(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const rank = (p / 100) * (sorted.length - 1)
  const low = Math.floor(rank)
  const high = Math.ceil(rank)
  const a = sorted[low] as number
  const b = sorted[high] as number
  return a + (b - a) * (rank - low)
}

export function meanOf(values: readonly number[]): number | null {
  if (values.length === 0) return null
  let sum = 0
  for (const value of values) sum += value
  return sum / values.length
}
