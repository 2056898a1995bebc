// A small, fast, seeded PRNG (mulberry32): the same seed gives the same arrival times and
// prompt choices on every machine, so two runs of one plan send the same load.

export type Random = () => number

/** Returns a function yielding uniform floats in [0, 1). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
