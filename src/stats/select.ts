// Selection (Hoare's quickselect with median-of-three pivots) for percentiles of a resample:
// O(n) per percentile instead of an O(n log n) sort, which is what makes 1,000+ bootstrap
// resamples of a 100k-request run affordable.

/** Puts the k-th smallest value at index k (values left of it ≤, right of it ≥); reorders `values`. */
export function selectInPlace(values: Float64Array, k: number, from = 0, to = values.length - 1): void {
  let lo = from
  let hi = to
  while (hi > lo) {
    const mid = (lo + hi) >>> 1
    // Median of three as the pivot keeps sorted input (common: latencies in send order) O(n).
    const a = values[lo] as number
    const b = values[mid] as number
    const c = values[hi] as number
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c))
    let i = lo
    let j = hi
    while (i <= j) {
      while ((values[i] as number) < pivot) i++
      while ((values[j] as number) > pivot) j--
      if (i <= j) {
        const swap = values[i] as number
        values[i] = values[j] as number
        values[j] = swap
        i++
        j--
      }
    }
    if (k <= j) hi = j
    else if (k >= i) lo = i
    else return
  }
}

/**
 * The p-th percentile with numpy's linear interpolation (as stats/percentile.ts), by
 * selection; reorders `values`.
 */
export function percentileBySelection(values: Float64Array, p: number): number {
  const n = values.length
  if (n === 0) throw new Error('percentile of an empty sample')
  const h = (p / 100) * (n - 1)
  const lo = Math.floor(h)
  selectInPlace(values, lo)
  const low = values[lo] as number
  const fraction = h - lo
  if (fraction === 0 || lo >= n - 1) return low
  // After selection everything right of lo is ≥ low: the next order statistic is their minimum.
  let next = Number.POSITIVE_INFINITY
  for (let i = lo + 1; i < n; i++) if ((values[i] as number) < next) next = values[i] as number
  return low + fraction * (next - low)
}
