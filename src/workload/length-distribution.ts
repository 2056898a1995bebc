// How many tokens a request asks for: a fixed count, a uniform range, or a normal
// distribution clipped to bounds (vLLM's --random-input-len with --random-range-ratio, and
// GuideLLM's synthetic data, offer the same three shapes).
import type { Random } from '../seeded-random.js'

export type LengthDistribution =
  | { kind: 'fixed'; tokens: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'normal'; mean: number; sd: number; min: number; max: number }

/**
 * Draws one length (an integer number of tokens). Uniform is inclusive of both ends.
 * Normal uses Box-Muller on two draws of the seeded generator, rounds to the nearest
 * integer and clips to [min, max], so a wide sd piles mass on the bounds instead of
 * producing lengths the user excluded.
 */
export function sampleLength(distribution: LengthDistribution, random: Random): number {
  if (distribution.kind === 'fixed') return distribution.tokens
  if (distribution.kind === 'uniform') {
    return distribution.min + Math.floor(random() * (distribution.max - distribution.min + 1))
  }
  // 1 - random() is in (0, 1], so the logarithm is finite.
  const radius = Math.sqrt(-2 * Math.log(1 - random()))
  const standard = radius * Math.cos(2 * Math.PI * random())
  const drawn = Math.round(distribution.mean + distribution.sd * standard)
  return Math.min(distribution.max, Math.max(distribution.min, drawn))
}

/** "1024", "512-2048", "normal(1024, 128) in [512, 2048]": for plan lines and errors. */
export function describeLength(distribution: LengthDistribution): string {
  if (distribution.kind === 'fixed') return String(distribution.tokens)
  if (distribution.kind === 'uniform') return `${distribution.min}-${distribution.max}`
  const { mean, sd, min, max } = distribution
  return `normal(${mean}, ${sd}) in [${min}, ${max}]`
}
