// The one deadline helper: stop waiting for work after a while without stopping the work. For a
// request that takes an AbortSignal, AbortSignal.timeout is the standard part; this is for the rest
// (a library call with no signal, a shutdown step, a refresh others may still wait for).
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * What `work` gives if it settles within `ms` (an infinite `ms` waits for it), else what `late()`
 * gives (or throws). The work keeps running; only the waiting stops, and the timer is cleared.
 */
export async function withinDeadline<T>(work: Promise<T>, ms: number, late: () => T): Promise<T> {
  if (!Number.isFinite(ms)) return work;
  // No time at all means not waiting, even for work that has already settled.
  if (ms <= 0) {
    work.catch(() => undefined);
    return late();
  }
  const timer = new AbortController();
  const expired = sleep(ms, undefined, { signal: timer.signal }).then(
    () => ({ late: true as const }),
    () => ({ late: false as const }),
  );
  try {
    const first = await Promise.race([work.then((value) => ({ value })), expired]);
    return 'value' in first ? first.value : late();
  } finally {
    timer.abort();
  }
}

/** Whether `work` settles (fulfilled or rejected) within `ms`; nothing to wait for counts as settled. */
export function settlesWithin(work: Promise<unknown> | undefined, ms: number): Promise<boolean> {
  if (!work) return Promise.resolve(true);
  return withinDeadline(work.then(() => true, () => true), ms, () => false);
}
