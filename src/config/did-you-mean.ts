// "Did you mean" suggestions for unknown keys and names, k6 style: the closest known word by
// edit distance, offered only when it is close enough to be a plausible typo.

/** Levenshtein distance (insert, delete, substitute each cost 1), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const left = a.toLowerCase()
  const right = b.toLowerCase()
  // One row of the dynamic-programming table at a time: O(|b|) memory.
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index)
  for (let i = 1; i <= left.length; i += 1) {
    const current = [i]
    for (let j = 1; j <= right.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (left[i - 1] === right[j - 1] ? 0 : 1)
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution))
    }
    previous = current
  }
  return previous[right.length] ?? 0
}

/**
 * The known word closest to `input`, or undefined when none is within a third of the
 * input's length (at least 2 edits allowed): `concurency` → `concurrency`, `xyz` → nothing.
 * A known word that contains the input, or is contained in it, also counts (`rps_limit` → `rps`).
 */
export function didYouMean(input: string, known: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(input.length / 3))
  let best: { word: string; distance: number } | undefined
  for (const word of known) {
    const distance = editDistance(input, word)
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { word, distance }
  }
  if (best !== undefined) return best.word
  const needle = input.toLowerCase()
  return known.find((word) => {
    const candidate = word.toLowerCase()
    return (
      candidate.length >= 3 &&
      needle.length >= 3 &&
      (candidate.includes(needle) || needle.includes(candidate))
    )
  })
}

/** "did you mean `x`?" for a problem's fix, or undefined when no known word is close. */
export function didYouMeanFix(input: string, known: readonly string[]): string | undefined {
  const suggestion = didYouMean(input, known)
  return suggestion === undefined ? undefined : `did you mean \`${suggestion}\`?`
}
