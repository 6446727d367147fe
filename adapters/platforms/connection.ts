// The one owner of every chat platform's connection: it starts the platform, and when a start fails
// or an established connection is lost for good, it starts it again after a backoff, until stopped.
// Platforms make single attempts and report; the libraries' own resumes (discord.js sessions, Socket
// Mode) happen below this and are never seen here. A refused credential is not retried: it stays
// refused until someone changes it and restarts, and retrying only earns a rate limit.
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffMs, type BackoffPolicy } from '#domain/backoff.ts';
import type { Logger } from '#src/log.ts';
import { CredentialsRefused, type ChatPlatform } from './platform.ts';

/** 1–2 s at first, doubling to at most five minutes, jittered so bots that failed together spread out. */
export const RECONNECT_BACKOFF: BackoffPolicy = { baseMs: 2_000, maxMs: 300_000 };

export class ConnectionKeeper {
  private readonly stopping = new AbortController();
  private failures = 0;

  constructor(private readonly platform: ChatPlatform, private readonly log: Logger, private readonly policy: BackoffPolicy = RECONNECT_BACKOFF) {}

  /** Connects in the background; resolves once connected, given up, or stopped. Never rejects. */
  async keep(): Promise<void> {
    const name = this.platform.name;
    while (!this.stopping.signal.aborted) {
      try {
        await this.platform.start((error) => this.lost(error));
        if (this.stopping.signal.aborted) return;
        this.failures = 0;
        this.log.info({ platform: name }, 'platform connected');
        return;
      } catch (error) {
        if (this.stopping.signal.aborted) return;
        if (error instanceof CredentialsRefused) {
          this.log.error({ platform: name, err: error }, `${name} refused its credentials; not retrying until they are fixed and the bot restarted`);
          return;
        }
        const retryInMs = backoffMs(this.failures++, this.policy);
        this.log.error({ platform: name, err: error, retryInSeconds: retryInMs / 1000 }, 'platform failed to start; retrying');
        await this.pause(retryInMs);
      }
    }
  }

  /** No more attempts; then the platform itself stops. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.platform.stop();
  }

  /** An established connection is gone for good (the library gave up on it): connect again after a pause. */
  private lost(error: unknown): void {
    if (this.stopping.signal.aborted) return;
    const retryInMs = backoffMs(this.failures++, this.policy);
    this.log.warn({ platform: this.platform.name, err: error, retryInSeconds: retryInMs / 1000 }, 'platform connection lost; reconnecting');
    void this.pause(retryInMs).then(() => this.keep());
  }

  /** Waits, but not past stop(); the timer never holds the process open. */
  private pause(ms: number): Promise<void> {
    return sleep(ms, undefined, { signal: this.stopping.signal, ref: false }).catch(() => undefined);
  }
}
