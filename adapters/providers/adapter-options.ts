// What every adapter is built from. Production passes the configured origin, key, logger and timeout;
// tests also shrink the waits and the breaker so fault scenarios run in milliseconds.
import type { Logger } from '#src/log.ts';
import type { HttpClientOptions } from './http.ts';

export interface AdapterOptions {
  /** Origin from config (VAST_API_URL, ...), e.g. https://console.vast.ai — the adapter appends the documented paths. */
  baseUrl: string;
  apiKey?: string | undefined;
  log: Logger;
  /** Per-request timeout (HTTP_TIMEOUT_MS). */
  timeoutMs: number;
  retries?: number;
  /** Multiplies pacing intervals, backoff and Retry-After waits; 1 in production. */
  waitScale?: number;
  concurrency?: number;
  breaker?: HttpClientOptions['breaker'];
  backoff?: HttpClientOptions['backoff'];
  maxRetryAfterMs?: number;
  /** Clock for fetchedAt / metrics timestamps. */
  now?: () => Date;
}

/** The client options an adapter's options imply (the adapter adds its protocol, intervals and auth). */
export function clientOptions(options: AdapterOptions): Omit<HttpClientOptions, 'provider' | 'protocol' | 'baseUrl'> {
  const { apiKey, log, timeoutMs, retries, waitScale, concurrency, breaker, backoff, maxRetryAfterMs } = options;
  return {
    apiKey,
    log,
    timeoutMs,
    ...(retries !== undefined ? { retries } : {}),
    ...(waitScale !== undefined ? { waitScale } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(breaker ? { breaker } : {}),
    ...(backoff ? { backoff } : {}),
    ...(maxRetryAfterMs !== undefined ? { maxRetryAfterMs } : {}),
  };
}
