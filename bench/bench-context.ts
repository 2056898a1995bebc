import type { Product } from './product.js'
import type { GoalResult, Row } from './report-table.js'

export interface BenchContext {
  product: Product
  quick: boolean
  /** Worker threads for the multi-core rows (--workers, else one per core, at least 2). */
  workers: number
  cpus: number
  /** A private temporary folder, removed at the end. */
  tmpDir: string
  log: (line: string) => void
}

export interface SectionResult {
  title: string
  rows: Row[]
  goals: GoalResult[]
  notes: string[]
}
