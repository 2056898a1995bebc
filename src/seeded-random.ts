// The one seeded PRNG (shared vocabulary, like types.ts: sim/ may import it too). The same
// seed gives the same arrival times, prompt choices, ITL samples and simulator answers on
// every machine, so two runs of one plan send the same load and get the same bytes back.

export type Random = () => number

/** mulberry32: 32-bit state, uniform floats in [0, 1); fast, and plenty for load plans. */
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

/**
 * Folds keys into a seed with the splitmix32 finalizer, so neighbouring keys (request 7 and
 * request 8) give unrelated streams rather than shifted copies of one another. The
 * simulator keys each choice by (seed, arrival index, purpose), so changing one option (say
 * errorRate) does not reshuffle the words.
 */
export function deriveSeed(seed: number, ...keys: number[]): number {
  let h = seed >>> 0
  for (const key of keys) {
    h = (h ^ Math.imul(key >>> 0, 0x9e3779b9)) >>> 0
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
    h = (h ^ (h >>> 16)) >>> 0
  }
  return h
}
