import { seededRandom } from '../seeded-random.js'
import { FloatColumn } from './float-column.js'

/**
 * A column that stays exact up to `limit` values and then keeps a uniform random sample of
 * `limit` values (reservoir sampling, Vitter's algorithm R), while count, sum, min and max
 * stay exact over every value. It bounds the memory of a metric with many values per
 * request (inter-token gaps: a million requests × 500 tokens would need 4 GB exact). The
 * seed is fixed, so summarizing the same records twice gives the same numbers.
 */
export class SampledColumn {
  readonly limit: number
  #sample = new FloatColumn()
  #random = seededRandom(0x5eed)
  #count = 0
  #sum = 0
  #min = Number.POSITIVE_INFINITY
  #max = Number.NEGATIVE_INFINITY

  constructor(limit: number) {
    if (!(Number.isInteger(limit) && limit > 0))
      throw new RangeError(`limit must be a positive integer (got ${limit})`)
    this.limit = limit
  }

  get count(): number {
    return this.#count
  }

  get sum(): number {
    return this.#sum
  }

  get min(): number {
    return this.#min
  }

  get max(): number {
    return this.#max
  }

  /** True once values were dropped, i.e. percentiles come from a sample. */
  get sampled(): boolean {
    return this.#count > this.limit
  }

  push(value: number): void {
    this.#count++
    this.#sum += value
    if (value < this.#min) this.#min = value
    if (value > this.#max) this.#max = value
    if (this.#sample.length < this.limit) {
      this.#sample.push(value)
      return
    }
    // Keep the i-th value with probability limit / i, replacing a uniformly chosen slot.
    const slot = Math.floor(this.#random() * this.#count)
    if (slot < this.limit) this.#sample.view()[slot] = value
  }

  /** Every value while count ≤ limit, else the uniform sample (a view: no copy). */
  values(): Float64Array {
    return this.#sample.view()
  }
}
