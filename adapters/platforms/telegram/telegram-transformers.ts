// grammy API transformers: every Bot API call passes through them, so limits and outages are handled
// once for all calls instead of at each call site. 429 retry_after is grammY's own auto-retry plugin
// (https://grammy.dev/plugins/auto-retry); pacing and the polling backoff below are ours, for the
// reasons given on each.
import { setTimeout as sleep } from 'node:timers/promises';
import { autoRetry } from '@grammyjs/auto-retry';
import type { Transformer } from 'grammy';
import { backoffMs, type BackoffPolicy } from '#domain/backoff.ts';
import type { Logger } from '#src/log.ts';
import { ChatPacer, isPaced } from './telegram-pacing.ts';

/** grammy types its signal with an old AbortSignal polyfill; at run time it is Node's own. */
function nodeSignal(signal: unknown): AbortSignal | undefined {
  return signal as AbortSignal | undefined;
}

/**
 * Waits for the chat's next free slot before a message is sent or edited. auto-retry only reacts to a
 * 429 after Telegram sent it; pacing per chat and per group keeps the bot from earning one.
 */
export function pacing(pacer: ChatPacer): Transformer {
  return async (previous, method, payload, signal) => {
    if (isPaced(method) && payload && 'chat_id' in payload) {
      const wait = pacer.reserve(payload.chat_id);
      if (wait > 0) await sleep(wait, undefined, { signal: nodeSignal(signal) });
    }
    return previous(method, payload, signal);
  };
}

export interface RetryOptions {
  attempts: number;
  /** A longer wait is not worth holding a reply for: the error is returned instead. */
  maxRetryAfterSeconds: number;
}

/**
 * Honours 429 Too Many Requests (waits `parameters.retry_after` seconds and sends again) with
 * auto-retry; 5xx and network failures are left to the polling backoff and the callers, because the
 * plugin would retry them for up to an hour, long after an answer is useful. Each 429 is logged, which
 * the plugin does only to its debug output.
 */
export function retryAfter(log: Logger, options: RetryOptions): Transformer[] {
  const noticeRateLimit: Transformer = async (previous, method, payload, signal) => {
    const result = await previous(method, payload, signal);
    if (!result.ok && result.error_code === 429) log.warn({ method, retryAfter: result.parameters?.retry_after, giveUpAbove: options.maxRetryAfterSeconds }, 'Telegram rate limit');
    return result;
  };
  const retry = autoRetry({ maxRetryAttempts: options.attempts - 1, maxDelaySeconds: options.maxRetryAfterSeconds, rethrowInternalServerErrors: true, rethrowHttpErrors: true });
  return [noticeRateLimit, retry];
}

/**
 * Keeps long polling alive through an outage (network down, Bot API server restarting, 5xx):
 * logs once, retries getUpdates with exponential backoff, and logs when Telegram answers again.
 * grammy alone would retry every 3 s and report only to its debug output; auto-retry's waits (3 s
 * doubling to an hour) can be neither tuned nor logged.
 */
export function pollingBackoff(log: Logger, policy: BackoffPolicy, polling: () => boolean): Transformer {
  return async (previous, method, payload, signal) => {
    // Only the polling loop's calls: stop()'s last getUpdates must fail fast, not wait for Telegram.
    if (method !== 'getUpdates' || !polling()) return previous(method, payload, signal);
    for (let failures = 0; ; failures++) {
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
      const delay = backoffMs(failures, policy);
      log[failures === 0 ? 'warn' : 'debug']({ problem, failures: failures + 1, retryInMs: delay }, 'Cannot reach Telegram (getUpdates failed); retrying with backoff');
      await sleep(delay, undefined, { signal: nodeSignal(signal) });
      if (!polling()) throw new Error('Telegram polling stopped during an outage');
    }
  };
}
