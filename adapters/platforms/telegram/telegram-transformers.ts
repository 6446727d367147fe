// grammy API transformers: every Bot API call passes through them, so limits and outages are handled
// once for all calls instead of at each call site.
import type { Transformer } from 'grammy';
import type { Logger } from '../../../src/log.ts';
import { ChatPacer, isPaced } from './telegram-pacing.ts';

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** grammy types its signal with an old AbortSignal polyfill; at run time it is Node's own. */
function nodeSignal(signal: unknown): AbortSignal | undefined {
  return signal as AbortSignal | undefined;
}

/** Waits for the chat's next free slot before a message is sent or edited. */
export function pacing(pacer: ChatPacer): Transformer {
  return async (previous, method, payload, signal) => {
    if (isPaced(method) && payload && 'chat_id' in payload) {
      const wait = pacer.reserve(payload.chat_id);
      if (wait > 0) await sleep(wait, nodeSignal(signal));
    }
    return previous(method, payload, signal);
  };
}

export interface RetryOptions {
  attempts: number;
  /** A longer wait is not worth holding a reply for: the error is returned instead. */
  maxRetryAfterSeconds: number;
}

/** Honours 429 Too Many Requests: waits `parameters.retry_after` seconds and sends again. */
export function retryAfter(log: Logger, options: RetryOptions): Transformer {
  return async (previous, method, payload, signal) => {
    for (let attempt = 1; ; attempt++) {
      const result = await previous(method, payload, signal);
      const wait = result.ok ? undefined : result.parameters?.retry_after;
      if (result.ok || result.error_code !== 429 || wait === undefined) return result;
      if (attempt >= options.attempts || wait > options.maxRetryAfterSeconds) {
        log.warn({ method, retryAfter: wait, attempt }, 'Telegram rate limit: giving up on this call');
        return result;
      }
      log.warn({ method, retryAfter: wait, attempt }, 'Telegram rate limit: waiting before retrying');
      await sleep(wait * 1000, nodeSignal(signal));
    }
  };
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/**
 * Keeps long polling alive through an outage (network down, Bot API server restarting, 5xx):
 * logs once, retries getUpdates with exponential backoff, and logs when Telegram answers again.
 * grammy alone would retry every 3 s and report only to its debug output.
 */
export function pollingBackoff(log: Logger, options: BackoffOptions, polling: () => boolean): Transformer {
  return async (previous, method, payload, signal) => {
    // Only the polling loop's calls: stop()'s last getUpdates must fail fast, not wait for Telegram.
    if (method !== 'getUpdates' || !polling()) return previous(method, payload, signal);
    let delay = options.initialMs;
    let failures = 0;
    for (;;) {
      let problem: string;
      try {
        const result = await previous(method, payload, signal);
        if (result.ok || result.error_code < 500) {
          if (failures > 0) log.info({ failures }, 'Telegram is reachable again; polling resumed');
          return result;
        }
        problem = `${result.error_code} ${result.description}`;
      } catch (error) {
        if (signal?.aborted || !polling()) throw error;
        problem = error instanceof Error ? error.message : String(error);
      }
      failures++;
      const level = failures === 1 ? 'warn' : 'debug';
      log[level]({ problem, failures, retryInMs: delay }, 'Cannot reach Telegram (getUpdates failed); retrying with backoff');
      await sleep(delay, nodeSignal(signal));
      if (!polling()) throw new Error('Telegram polling stopped during an outage');
      delay = Math.min(options.maxMs, delay * 2);
    }
  };
}
