// Webhook notifier: POSTs an alert as JSON to any http(s) URL an admin gave (loopback and private
// addresses included: self-hosted receivers live there), signed per the Standard Webhooks
// specification (https://www.standardwebhooks.com/, https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
// `webhook-id` is the delivery's idempotency key (the same on every retry, so receivers dedupe),
// `webhook-timestamp` the attempt's unix seconds, `webhook-signature` "v1,<base64 HMAC-SHA256 of
// id.timestamp.body>". The URL may carry a token in its path or query, so only its origin is ever
// logged or shown.
import { createHmac, randomBytes } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import type { AlertPayload } from '#domain/alerts/index.ts';
import { registerSecret, type Logger } from '#src/log.ts';
import { parseRetryAfter } from '#providers/retry.ts';
import type { NotifyResult } from './types.ts';

const SECRET_PREFIX = 'whsec_';
/** Bytes of a generated secret; the specification asks for 24 to 64. */
const SECRET_BYTES = 32;

export interface WebhookTarget {
  url: string;
  /** `whsec_<base64>`. */
  secret: string;
}

export interface WebhookOptions {
  log: Logger;
  /** Per attempt, covering connection, headers and body. */
  timeoutMs: number;
  /** The clock for `webhook-timestamp` (tests drive it). */
  now?: () => number;
  dispatcher?: Dispatcher;
}

export class WebhookSecretError extends Error {
  override name = 'WebhookSecretError';
}

/** A new signing secret, `whsec_` and 32 random bytes in base64: shown once to the admin who adds the webhook. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/** The key bytes of a `whsec_` secret; throws WebhookSecretError saying what a secret looks like. */
export function webhookSecretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : '';
  const key = Buffer.from(encoded, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || key.length < 24 || key.length > 64) {
    throw new WebhookSecretError('A webhook secret is whsec_ followed by 24 to 64 bytes in base64; leave it out and ComputeHub generates one.');
  }
  return key;
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', webhookSecretKey(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** Checks a URL an admin typed; the problem in words, or undefined when it can be used. */
export function webhookUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'That is not a URL: give the full address, e.g. https://hooks.example.com/computehub.';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `A webhook URL starts with http:// or https:// (got ${parsed.protocol}).`;
  return undefined;
}

/** One attempt of one delivery; never throws. */
export async function sendWebhook(target: WebhookTarget, id: string, payload: AlertPayload, options: WebhookOptions): Promise<NotifyResult> {
  const problem = webhookUrlProblem(target.url);
  if (problem) return { outcome: 'permanent', reason: problem };
  let key: Buffer;
  try {
    key = webhookSecretKey(target.secret);
  } catch (error) {
    return { outcome: 'permanent', reason: (error as Error).message };
  }
  registerSecret(target.secret);
  registerSecret(key.toString('base64'));
  const origin = new URL(target.url).origin;
  const body = JSON.stringify(payload);
  const timestamp = Math.floor((options.now ?? Date.now)() / 1000);
  const signal = AbortSignal.timeout(options.timeoutMs);
  const started = Date.now();
  try {
    const response = await request(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'ComputeHub',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(target.secret, id, timestamp, body),
      },
      body,
      signal,
      dispatcher: options.dispatcher,
    });
    // The receiver's answer is not read: only its status matters, and it may be large.
    await response.body.dump();
    const status = response.statusCode;
    options.log.debug({ webhook: origin, id, status, ms: Date.now() - started }, 'webhook delivery answered');
    return interpretStatus(status, origin, response.headers['retry-after']);
  } catch (error) {
    const code = signal.aborted ? 'timeout' : ((error as { code?: string }).code ?? (error as Error).name);
    options.log.debug({ webhook: origin, id, error: code, ms: Date.now() - started }, 'webhook delivery failed');
    const reason = signal.aborted
      ? `The webhook at ${origin} did not answer within ${Math.round(options.timeoutMs / 100) / 10} s.`
      : `Could not reach the webhook at ${origin} (${code}).`;
    return { outcome: 'retryable', reason };
  }
}

/** 2xx delivered; 408, 429 and 5xx worth another try; any other answer will not change by retrying. */
function interpretStatus(status: number, origin: string, retryAfter: string | string[] | undefined): NotifyResult {
  if (status >= 200 && status < 300) return { outcome: 'delivered' };
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(retryAfter);
    return { outcome: 'retryable', reason: `The webhook at ${origin} answered HTTP ${status}.`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  if (status >= 300 && status < 400) return { outcome: 'permanent', reason: `The webhook at ${origin} answered with a redirect (HTTP ${status}); give the final URL instead.` };
  return { outcome: 'permanent', reason: `The webhook at ${origin} refused the delivery (HTTP ${status}); check the URL and the secret the receiver expects.` };
}
