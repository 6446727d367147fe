// Exponential backoff: the one formula behind every retry (provider requests, chat platform
// reconnects, Telegram's polling through an outage, automation's restart attempts).

export interface BackoffPolicy {
  /** First wait, ms; doubles per attempt. */
  baseMs: number;
  /** Ceiling for one computed wait, ms. */
  maxMs: number;
  /**
   * 'full' (the default): a random wait up to the computed one, never below base / 2, so many clients
   * that failed together do not retry in lockstep. 'spread': the computed wait ±20 %, for a long
   * schedule that must keep its pace (full jitter could put many retries within a few minutes).
   * 'none': exactly the computed wait, for a schedule that is shown to people or stored.
   */
  jitter?: 'full' | 'spread' | 'none';
}

/** The wait before retry number `attempt` (0 for the first retry): min(max, base × 2^attempt), jittered. */
export function backoffMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  if (policy.jitter === 'none') return ceiling;
  if (policy.jitter === 'spread') return Math.round(ceiling * (0.8 + 0.4 * random()));
  return Math.max(policy.baseMs / 2, Math.round(random() * ceiling));
}
