// The one HTTP client every provider adapter uses (undici). Per request: pacing (concurrency limit and
// per-endpoint minimum intervals), a timeout, retries with jittered backoff for 429 / 5xx / transport
// errors honouring Retry-After, provider errors detected even on HTTP 200, and a circuit breaker.
// The API key travels only in headers; it is registered as a secret and never put in a message.
// Answers are read up to a size limit and dropped beyond it, so one huge answer cannot exhaust memory.
import { setTimeout as sleep } from 'node:timers/promises';
import { request as undiciRequest, type Dispatcher } from 'undici';
import { registerSecret, type Logger } from '#src/log.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { providerEntry } from '#domain/providers.ts';
import { ProviderError, providerDetail, ResponseTooLargeError, type ProviderErrorKind } from './errors.ts';
import { backoffMs, type BackoffPolicy } from '#domain/backoff.ts';
import { isRetryableForUnsafe, isRetryableStatus, parseRetryAfter } from './retry.ts';
import { IntervalGate, Semaphore } from './throttle.ts';
import type { ProviderName } from './types.ts';
import { SIMULATED_HEADER, type HttpClientOptions, type HttpRequest, type HttpResponse } from './http-types.ts';

export { SIMULATED_HEADER } from './http-types.ts';
export type { HttpClientOptions, HttpMethod, HttpRequest, HttpResponse, ProviderFault, ProviderProtocol } from './http-types.ts';

const DEFAULTS = {
  // A complete 20,000-offer Vast search from the simulator weighs about 33 MB: four times that.
  maxBodyBytes: 128 * 1024 * 1024,
  retries: 3,
  backoff: { baseMs: 300, maxMs: 8_000 },
  maxRetryAfterMs: 60_000,
  concurrency: 4,
  breaker: { threshold: 5, cooldownMs: 30_000 },
};

const THING_BY_ENDPOINT: Record<string, string> = { offers: 'offer', create: 'offer', sshKeys: 'SSH key', account: 'account' };

// Transport failures where the request never reached the service, so even a create may be retried.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

interface Attempt {
  response?: HttpResponse;
  error?: ProviderError;
  retryable: boolean;
  retryAfterMs?: number;
}

export class ProviderHttpClient {
  readonly provider: ProviderName;
  private readonly label: string;
  private readonly semaphore: Semaphore;
  private readonly gate: IntervalGate;
  private readonly breaker: CircuitBreaker;
  private readonly retries: number;
  private readonly backoff: BackoffPolicy;
  private readonly maxRetryAfterMs: number;
  private readonly waitScale: number;
  private readonly log: Logger;

  constructor(private readonly options: HttpClientOptions) {
    this.provider = options.provider;
    this.label = providerEntry(options.provider).label;
    registerSecret(options.apiKey);
    this.waitScale = options.waitScale ?? 1;
    this.semaphore = new Semaphore(options.concurrency ?? DEFAULTS.concurrency);
    this.gate = new IntervalGate(options.intervals ?? {}, this.waitScale, sleep);
    const breaker = options.breaker ?? DEFAULTS.breaker;
    this.breaker = new CircuitBreaker(breaker.threshold, breaker.cooldownMs);
    this.retries = options.retries ?? DEFAULTS.retries;
    this.backoff = options.backoff ?? DEFAULTS.backoff;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs;
    this.log = options.log.child({ provider: options.provider });
  }

  /** Sends a request and returns the parsed answer, or throws a ProviderError naming the provider. */
  async request(request: HttpRequest): Promise<HttpResponse> {
    if (!this.breaker.tryAcquire()) throw this.breakerOpenError();
    let outcome: Attempt | undefined;
    try {
      outcome = await this.semaphore.run(() => this.withRetries(request));
    } finally {
      const failed = !outcome || (outcome.error !== undefined && isHealthFailure(outcome.error.kind));
      if (failed) this.breaker.failed();
      else this.breaker.succeeded();
    }
    if (outcome.error) throw outcome.error;
    return outcome.response!;
  }

  private async withRetries(request: HttpRequest): Promise<Attempt> {
    for (let attempt = 0; ; attempt++) {
      await this.gate.pass(request.endpoint);
      const result = await this.attempt(request, attempt);
      if (!result.error || !result.retryable || attempt >= this.retries) return result;
      if (result.retryAfterMs !== undefined && result.retryAfterMs > this.maxRetryAfterMs) return result;
      const wait = result.retryAfterMs ?? backoffMs(attempt, this.backoff);
      this.log.warn(
        { endpoint: request.endpoint, method: request.method, kind: result.error.kind, status: result.error.status, attempt: attempt + 1, waitMs: wait },
        `${this.label} ${request.endpoint} failed (${result.error.kind}); retrying`,
      );
      await sleep(wait * this.waitScale);
    }
  }

  private async attempt(request: HttpRequest, attempt: number): Promise<Attempt> {
    const idempotent = request.idempotent ?? request.method !== 'POST';
    const started = Date.now();
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    const logFields = { endpoint: request.endpoint, method: request.method, path: request.path, attempt: attempt + 1 };
    try {
      const response = await undiciRequest(this.url(request), {
        method: request.method,
        headers: this.headers(request.body !== undefined),
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal,
        dispatcher: this.options.dispatcher,
      });
      const text = await this.readBody(response, request);
      if (text === undefined) {
        this.log.warn({ ...logFields, status: response.statusCode, limitBytes: this.maxBodyBytes(request) }, `${this.label} ${request.endpoint} answer too large; dropped`);
        return { retryable: false, error: new ResponseTooLargeError(this.provider, this.maxBodyBytes(request), `${request.method} ${request.path}`) };
      }
      const simulated = headerValue(response.headers[SIMULATED_HEADER]) === '1';
      this.log.debug({ ...logFields, status: response.statusCode, ms: Date.now() - started }, `${this.label} ${request.endpoint} → ${response.statusCode}`);
      return this.interpret(request, idempotent, response.statusCode, text, simulated, response.headers['retry-after']);
    } catch (error) {
      const timedOut = signal.aborted;
      const code = (error as { code?: string }).code ?? (error as Error).name;
      this.log.debug({ ...logFields, ms: Date.now() - started, error: timedOut ? 'timeout' : code }, `${this.label} ${request.endpoint} failed`);
      if (timedOut) {
        const seconds = Math.round(timeoutMs / 100) / 10;
        return {
          retryable: false,
          error: new ProviderError(
            this.provider,
            'timeout',
            `${this.label} did not answer within ${seconds} s (${request.method} ${request.path}). It may be overloaded; try again, or raise HTTP_TIMEOUT_MS.`,
          ),
        };
      }
      return {
        retryable: idempotent || NOT_SENT_CODES.has(code),
        error: new ProviderError(
          this.provider,
          'unavailable',
          `Could not reach ${this.label} at ${new URL(this.options.baseUrl).origin} (${code}). Check the network, or the ${this.provider.toUpperCase()}_API_URL setting.`,
        ),
      };
    }
  }

  private maxBodyBytes(request: HttpRequest): number {
    return request.maxBodyBytes ?? this.options.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  }

  /** The answer as text, or undefined when it is larger than the limit (then it is dropped unread). */
  private async readBody(response: Dispatcher.ResponseData, request: HttpRequest): Promise<string | undefined> {
    const limit = this.maxBodyBytes(request);
    const declared = Number(headerValue(response.headers['content-length']));
    if (declared > limit) {
      response.body.destroy();
      return undefined;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        response.body.destroy();
        return undefined;
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks, size).toString('utf8');
  }

  private interpret(
    request: HttpRequest,
    idempotent: boolean,
    status: number,
    text: string,
    simulated: boolean,
    retryAfterHeader: string | string[] | undefined,
  ): Attempt {
    const ok = status >= 200 && status < 300;
    let body: unknown = undefined;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        if (ok) {
          return {
            retryable: false,
            error: new ProviderError(
              this.provider,
              'bad-response',
              `${this.label} sent an answer ComputeHub could not read (malformed JSON, HTTP ${status}, ${request.method} ${request.path}). Try again; if it persists, the provider's API may have changed.`,
              { status },
            ),
          };
        }
        body = text;
      }
    }
    const fault = this.options.protocol.faultOf(body, status);
    if (ok && !fault) return { retryable: false, response: { status, body, simulated } };
    // An expected status (a lookup's 404) is an answer, unless the body says the key was refused.
    if (!ok && request.expect?.includes(status) && fault?.kind !== 'auth') return { retryable: false, response: { status, body, simulated } };

    const plainText = typeof body === 'string' ? body : undefined;
    const detail = providerDetail(fault?.message ?? plainText);
    const kind = fault?.kind ?? kindForStatus(status);
    const retryable = kind === 'rate-limit' || kind === 'unavailable' ? (idempotent ? isRetryableStatus(status) || ok : isRetryableForUnsafe(status)) : false;
    const retryAfterMs = parseRetryAfter(retryAfterHeader);
    return {
      retryable,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      error: new ProviderError(this.provider, kind, this.message(kind, status, detail, retryAfterMs, request), {
        status,
        body,
        ...(fault?.code ? { code: fault.code } : {}),
      }),
    };
  }

  private message(kind: ProviderErrorKind, status: number, detail: string | undefined, retryAfterMs: number | undefined, request: HttpRequest): string {
    const said = `HTTP ${status}${detail ? `: ${detail}` : ''}`;
    const label = this.label;
    switch (kind) {
      case 'auth':
        return `${label} refused the API key (${said}). Check ${providerEntry(this.provider).keyVariable} (or re-add the key with \`provider add ${this.provider}\`) and that it has the permissions needed.`;
      case 'rate-limit': {
        const when = retryAfterMs !== undefined ? `in ${Math.ceil(retryAfterMs / 1000)} s` : 'in a minute';
        return `${label} is rate-limiting requests (${said}) and still refused after retrying. Try again ${when}.`;
      }
      case 'unavailable':
        return `${label} is not answering properly (${said}). Try again in a few minutes.`;
      case 'not-found':
        return `${label} has no such ${THING_BY_ENDPOINT[request.endpoint] ?? 'instance'} (${said}). It may be gone already; check \`instances\` or search again with \`prices\`.`;
      case 'no-capacity':
        return `${label} has no capacity for this request right now (${said}). Pick another offer or try again later.`;
      case 'invalid-request':
        return `${label} rejected the request (${said}).`;
      case 'bad-response':
        return `${label} sent an answer ComputeHub could not understand (${said}).`;
      case 'timeout':
        return `${label} timed out (${said}).`;
      case 'unsupported':
        return `${label} does not support this (${said}).`;
    }
  }

  private breakerOpenError(): ProviderError {
    const seconds = Math.ceil(this.breaker.retryInMs() / 1000);
    return new ProviderError(
      this.provider,
      'unavailable',
      `${this.label} failed ${this.breaker.consecutiveFailures} times in a row, so ComputeHub paused calls to it (circuit breaker open); it will try again in ${seconds} s. Check the provider's status page if this persists.`,
    );
  }

  private url(request: HttpRequest): string {
    const url = new URL(this.options.baseUrl + request.path);
    for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    return url.toString();
  }

  private headers(hasBody: boolean): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'ComputeHub' };
    if (hasBody) headers['content-type'] = 'application/json';
    const key = this.options.apiKey;
    if (key) Object.assign(headers, this.options.authHeaders ? this.options.authHeaders(key) : { authorization: `Bearer ${key}` });
    return headers;
  }
}

function kindForStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404 || status === 410) return 'not-found';
  if (status === 429) return 'rate-limit';
  if (status >= 500) return 'unavailable';
  // Includes an error reported on HTTP 200 that the adapter did not classify.
  return 'invalid-request';
}

/** Failures that say the provider itself is unwell (they feed the circuit breaker). */
function isHealthFailure(kind: ProviderErrorKind): boolean {
  return kind === 'unavailable' || kind === 'timeout' || kind === 'bad-response';
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
