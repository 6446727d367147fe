// "Did you mean ...?" for mistyped commands and options.

/** Optimal string alignment distance (Levenshtein plus adjacent swaps, the commonest typo). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** Longer words are no typo of any name we know, and comparing them would cost time per character. */
export const MAX_SUGGESTED_WORD = 64;

/** The closest candidate within a distance that still reads as a typo, or undefined. */
export function nearest(input: string, candidates: Iterable<string>): string | undefined {
  if (input.length > MAX_SUGGESTED_WORD) return undefined;
  const word = input.toLowerCase();
  const allowed = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const prefix = candidate.startsWith(word) && word.length >= 2;
    // Lengths further apart than the allowance can never be close enough: skip the table.
    if (!prefix && Math.abs(candidate.length - word.length) > allowed) continue;
    const distance = prefix ? 0.5 : editDistance(word, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= allowed ? best : undefined;
}
