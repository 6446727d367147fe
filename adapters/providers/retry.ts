// Pure retry policy: which answers are worth another try, and how long Retry-After says to wait
// (the backoff itself is src/domain/backoff.ts, shared by every retry).

/**
 * Retry-After in ms from "120" (seconds) or an HTTP date; undefined when absent or unreadable.
 * A date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Statuses worth retrying: rate limited or the provider's side failed. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * For a request that may change state (create), only retry answers that mean "not processed":
 * a rate limit, or a gateway that never reached the service. A 500 or a timeout might have created it.
 */
export function isRetryableForUnsafe(status: number): boolean {
  return status === 429 || status === 502 || status === 503;
}
