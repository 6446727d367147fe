// Deterministic pseudo-randomness: the same seed always yields the same catalogue.

/** mulberry32: tiny, fast, good enough for plausible synthetic data. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    between: (min: number, max: number) => min + (max - min) * next(),
    int: (min: number, max: number) => Math.floor(min + (max - min + 1) * next()),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    /** Picks by weight; weights need not sum to 1. */
    weighted: <T>(items: readonly T[], weight: (item: T) => number): T => {
      const total = items.reduce((sum, item) => sum + weight(item), 0);
      let roll = next() * total;
      for (const item of items) {
        roll -= weight(item);
        if (roll <= 0) return item;
      }
      return items[items.length - 1]!;
    },
  };
}
export type Random = ReturnType<typeof createRandom>;

/** A stable 32-bit hash of a string, to derive per-thing seeds. */
export function hashString(text: string): number {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 16777619);
  }
  return hash >>> 0;
}

/** Hex id of `length` chars from a random source (RunPod/Lambda-style ids). */
export function hexId(random: Random, length: number): string {
  let text = '';
  while (text.length < length) text += Math.floor(random.next() * 16).toString(16);
  return text;
}

/** Lower-case alphanumeric id (RunPod pod ids look like "ldl1dxirsim64n"). */
export function alnumId(random: Random, length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let text = '';
  while (text.length < length) text += alphabet[Math.floor(random.next() * alphabet.length)];
  return text;
}

/**
 * A smooth price multiplier around 1 (±~12%) as a function of time, different per key: two
 * sine waves with periods of hours, so prices drift visibly over a simulated day but not per request.
 */
export function drift(rawKey: number, timeMs: number): number {
  const key = rawKey >>> 0;
  const hours = timeMs / 3_600_000;
  const phaseA = ((key & 0xffff) / 0xffff) * Math.PI * 2;
  const phaseB = (((key >>> 16) & 0xffff) / 0xffff) * Math.PI * 2;
  const periodA = 6 + (key % 19);
  const periodB = 31 + (key % 23);
  return 1 + 0.08 * Math.sin((hours / periodA) * Math.PI * 2 + phaseA) + 0.04 * Math.sin((hours / periodB) * Math.PI * 2 + phaseB);
}

/** Rounds to `digits` decimals (prices on the wire are short decimals, not float noise). */
export function round(value: number, digits = 4): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
