// How a list of names reads in a sentence, for messages that spell out the accepted choices.

/** [a, b, c] → "a, b or c" (or "a, b and c" when the joiner is "and"). */
export function inWords(names: readonly string[], joiner = 'or'): string {
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} ${joiner} ${names.at(-1)}` : names.join('');
}
