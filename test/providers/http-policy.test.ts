// The pure parts of the HTTP client: retry policy, pacing and the circuit breaker.
import { describe, expect, it } from 'vitest';
import { isRetryableForUnsafe, isRetryableStatus, parseRetryAfter } from '#providers/retry.ts';
import { backoffMs } from '#domain/backoff.ts';
import { IntervalGate, Semaphore } from '#providers/throttle.ts';
import { CircuitBreaker } from '#providers/circuit-breaker.ts';
import { UnsupportedError, ProviderError } from '#providers/errors.ts';
import { UserError } from '#core/errors.ts';
import { registerSecret } from '#src/log.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';

describe('retry policy', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-27T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter('Fri, 27 Nov 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Thu, 26 Nov 2026 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('backs off exponentially with jitter, within bounds', () => {
    const policy = { baseMs: 100, maxMs: 1_000 };
    expect(backoffMs(0, policy, () => 1)).toBe(100);
    expect(backoffMs(3, policy, () => 1)).toBe(800);
    expect(backoffMs(10, policy, () => 1)).toBe(1_000);
    expect(backoffMs(3, policy, () => 0)).toBe(50);
  });

  it('retries only rate limits and server failures; creates only when surely not processed', () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 422].some(isRetryableStatus)).toBe(false);
    expect(isRetryableForUnsafe(429)).toBe(true);
    expect(isRetryableForUnsafe(503)).toBe(true);
    expect(isRetryableForUnsafe(500)).toBe(false);
  });
});

describe('pacing', () => {
  it('spaces calls to one endpoint by its interval, scaled, and leaves other endpoints alone', async () => {
    let now = 0;
    const slept: number[] = [];
    const gate = new IntervalGate({ create: 4_500 }, 1, async (ms) => {
      slept.push(ms);
      now += ms;
    }, () => now);
    await gate.pass('create');
    await gate.pass('create');
    await gate.pass('list');
    await gate.pass('create');
    expect(slept).toEqual([4_500, 4_500]);
    const fast = new IntervalGate({ create: 4_500 }, 0.01, async (ms) => void slept.push(ms), () => 0);
    slept.length = 0;
    await fast.pass('create');
    await fast.pass('create');
    expect(slept).toEqual([45]);
  });

  it('applies the provider-wide interval to every endpoint', async () => {
    const slept: number[] = [];
    const gate = new IntervalGate({ '*': 1_000 }, 1, async (ms) => void slept.push(ms), () => 0);
    await gate.pass('offers');
    await gate.pass('list');
    expect(slept).toEqual([1_000]);
  });

  it('limits concurrency', async () => {
    const semaphore = new Semaphore(2);
    let active = 0;
    let peak = 0;
    const task = async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, 5));
      active--;
    };
    await Promise.all(Array.from({ length: 6 }, () => semaphore.run(task)));
    expect(peak).toBe(2);
  });
});

describe('circuit breaker', () => {
  it('opens after N consecutive failures, half-opens after the cool-down for one trial, closes on success', () => {
    let now = 0;
    const breaker = new CircuitBreaker(3, 10_000, () => now);
    breaker.failed();
    breaker.failed();
    breaker.succeeded();
    breaker.failed();
    breaker.failed();
    expect(breaker.state).toBe('closed');
    breaker.failed();
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.retryInMs()).toBe(10_000);
    now = 10_000;
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.failed();
    expect(breaker.state).toBe('open');
    now = 20_000;
    expect(breaker.tryAcquire()).toBe(true);
    breaker.succeeded();
    expect(breaker.state).toBe('closed');
  });
});

describe('provider errors', () => {
  it('are user errors that name the provider, with secrets scrubbed from provider text', () => {
    registerSecret(TEST_SECRETS.vastKey);
    const error = new ProviderError('vast', 'invalid-request', `Vast.ai rejected the request (HTTP 400: key ${TEST_SECRETS.vastKey} bad).`);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).not.toContain(TEST_SECRETS.vastKey);
    const unsupported = new UnsupportedError('lambda', 'stop', 'Lambda bills until terminated', 'destroy it instead');
    expect(unsupported.message).toBe('Lambda cannot stop an instance: Lambda bills until terminated — destroy it instead.');
    expect(unsupported.kind).toBe('unsupported');
    expect(new ProviderError('runpod', 'auth', 'RunPod refused the API key.', { status: 401, code: 'UNAUTHENTICATED' })).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', provider: 'runpod' });
  });
});
