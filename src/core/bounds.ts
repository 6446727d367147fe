// Limits on what one person can make the bot do before anything is parsed: a per-user rate limit
// (a token bucket whose idle entries are dropped, so the map stays small) and a cap on a line's length.

/** Longest command line accepted; anything longer is refused before it is parsed. */
export const MAX_LINE_CHARACTERS = 4_000;

/** Longest piece of what someone typed that is ever echoed back in a reply. */
export const ECHO_CHARACTERS = 40;

/** A word as it may be quoted back: long ones are cut, so a reply never repeats a pasted blob. */
export function echo(word: string): string {
  return word.length > ECHO_CHARACTERS ? `${word.slice(0, ECHO_CHARACTERS)}… (${word.length} characters)` : word;
}

export interface RateLimit {
  /** Commands that may arrive at once. */
  burst: number;
  /** Commands a second, sustained. */
  perSecond: number;
  /** Most people tracked at once; beyond it the longest idle is forgotten (it would be full again soon). */
  maxTracked: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { burst: 20, perSecond: 1, maxTracked: 10_000 };

interface Bucket {
  tokens: number;
  at: number;
}

/** A token bucket per key. Buckets are kept in least-recently-used order; a full one is the same as none. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly limit: RateLimit = DEFAULT_RATE_LIMIT, private readonly now: () => number = Date.now) {}

  /** Takes one token for this key; false when the key has none left. */
  take(key: string): boolean {
    const now = this.now();
    this.evictIdle(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    bucket.tokens = this.refilled(bucket, now);
    bucket.at = now;
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** How many keys are tracked (for tests of the bound). */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(bucket: Bucket, now: number): number {
    return Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond);
  }

  /** Drops buckets from the idle end while they have refilled, and always down to the size cap. */
  private evictIdle(now: number): void {
    for (const [key, bucket] of this.buckets) {
      const overfull = this.buckets.size >= this.limit.maxTracked;
      if (!overfull && this.refilled(bucket, now) < this.limit.burst) break;
      this.buckets.delete(key);
    }
  }
}
