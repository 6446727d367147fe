// What a provider adapter hands the HTTP client (http.ts) and gets back: the request, the answer, the
// client's options and the protocol hook that reads a provider's own error out of a body.
import type { Dispatcher } from 'undici';
import type { Logger } from '#src/log.ts';
import type { BackoffPolicy } from '#domain/backoff.ts';
import type { ProviderErrorKind } from './errors.ts';
import type { EndpointIntervals } from './throttle.ts';
import type { ProviderName } from './types.ts';

/** The header the simulator puts on every answer; data read from such answers is marked simulated. */
export const SIMULATED_HEADER = 'x-computehub-simulated';

/** What a provider said went wrong, read from a response body by the adapter's protocol. */
export interface ProviderFault {
  message?: string;
  code?: string;
  /** Overrides the kind the HTTP status implies (e.g. Vast's 404 "Invalid user key" is an auth failure). */
  kind?: ProviderErrorKind;
}

export interface ProviderProtocol {
  /**
   * Reads the provider's error from a body. Called for every answer: on a 2xx status a returned fault
   * means the provider reported an error on HTTP 200 (RunPod GraphQL `errors[]`, Vast `success:false`).
   */
  faultOf(body: unknown, status: number): ProviderFault | undefined;
}

export interface HttpClientOptions {
  provider: ProviderName;
  /** Origin (and optional prefix) the request paths are appended to, without a trailing slash. */
  baseUrl: string;
  apiKey?: string | undefined;
  /** How the key is sent; default `Authorization: Bearer <key>`. */
  authHeaders?: (apiKey: string) => Record<string, string>;
  protocol: ProviderProtocol;
  log: Logger;
  /** Per attempt, covering headers and body. */
  timeoutMs: number;
  /** Extra attempts after the first for retryable failures (default 3). */
  retries?: number;
  backoff?: BackoffPolicy;
  /** A Retry-After longer than this is not waited out; the rate-limit error says when to retry (default 60 s). */
  maxRetryAfterMs?: number;
  /** Requests in flight at once to this provider (default 4). */
  concurrency?: number;
  /** Minimum ms between calls per endpoint name ('*' = every call). */
  intervals?: EndpointIntervals;
  /** Multiplies every wait (intervals, backoff, Retry-After): 1 in production, small in tests. */
  waitScale?: number;
  breaker?: { threshold: number; cooldownMs: number };
  dispatcher?: Dispatcher;
  /** The largest answer read, in bytes (default 128 MiB); a larger one fails with ResponseTooLargeError. */
  maxBodyBytes?: number;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  /** Path appended to the base URL, e.g. /api/v0/instances/12/ */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** Logical endpoint name for pacing and logs: offers, create, list, get, start, stop, restart, destroy, account. */
  endpoint: string;
  /** False when repeating the call could rent or bill twice (create): then only "not processed" answers are retried. */
  idempotent?: boolean;
  /** Statuses handed back to the adapter as answers rather than raised (e.g. 404 on a lookup). */
  expect?: number[];
  /** Overrides the client's timeout for a call known to be slow. */
  timeoutMs?: number;
  /** Overrides the client's answer size limit for a call known to answer big. */
  maxBodyBytes?: number;
}

export interface HttpResponse {
  status: number;
  body: unknown;
  /** The answer came from the ComputeHub simulator. */
  simulated: boolean;
}
