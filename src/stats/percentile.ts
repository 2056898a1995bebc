// Exact percentiles over sorted samples, interpolated as numpy's default ('linear', type 7 of
// Hyndman & Fan): the p-th percentile sits at fractional index h = p/100 × (n − 1) and is
// a[⌊h⌋] + (h − ⌊h⌋) × (a[⌊h⌋ + 1] − a[⌊h⌋]). Reports state this method, so results can be
// checked against numpy.percentile on the raw file.

/**
 * The p-th percentile (0 ≤ p ≤ 100) of samples already sorted ascending. Throws on an empty
 * array or a p outside 0..100: both are bugs in the caller, which reports "no data" itself.
 */
export function percentile(sortedAsc: Float64Array | readonly number[], p: number): number {
  const n = sortedAsc.length
  if (n === 0) throw new Error('percentile of an empty sample')
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile p must be within 0..100 (got ${p})`)
  const h = (p / 100) * (n - 1)
  const lo = Math.floor(h)
  const low = sortedAsc[lo] as number
  if (lo >= n - 1) return sortedAsc[n - 1] as number
  const fraction = h - lo
  if (fraction === 0) return low
  return low + fraction * ((sortedAsc[lo + 1] as number) - low)
}
