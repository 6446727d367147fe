// The delivery outbox (at least once): a delivery to a channel is written to db.json before it is
// attempted and removed only once it has been made, so a crash or restart retries it. Failures are
// retried with exponential backoff and jitter (a receiver's Retry-After wins when longer) and
// dead-lettered after MAX_ATTEMPTS failures, 24 hours, or one permanent failure.
import type { Delivery } from '#domain/alerts/index.ts';
import { backoffMs } from '#domain/backoff.ts';
import type { AlertsStore, DeadLetter, NotifyChannel, OutboxEntry } from '#store/alerts-schema.ts';

export const MAX_ATTEMPTS = 8;
export const DEAD_AFTER_MS = 24 * 3_600_000;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 3_600_000;
/** Dead letters kept per org for `notify status`, newest first. */
const DEAD_LETTERS_KEPT = 50;
/** Chat messages are remembered this long after their group stopped referring to them. */
const SENT_KEPT_MS = 24 * 3_600_000;

export type Failure = { permanent: boolean; reason: string; retryAfterMs?: number | undefined };

/** The idempotency key of one delivery to one channel: the same on every retry. */
export function entryId(deliveryKey: string, channelId: string): string {
  return `${deliveryKey}.${channelId}`;
}

export function newEntry(delivery: Delivery, channel: NotifyChannel, nowIso: string): OutboxEntry {
  return { id: entryId(delivery.key, channel.id), orgId: channel.orgId, channelId: channel.id, delivery, createdAt: nowIso, attempts: 0, nextAttemptAt: nowIso, lastError: null };
}

/**
 * 30 s, 1 min, 2 min, … up to an hour, each ±20 % so receivers coming back are not hit all at once
 * (not full jitter: with it, eight failures could come within a few minutes).
 */
export function retryDelayMs(failures: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const backoff = backoffMs(Math.max(0, failures - 1), { baseMs: FIRST_RETRY_MS, maxMs: MAX_RETRY_MS, jitter: 'spread' }, random);
  return Math.round(Math.min(MAX_RETRY_MS, Math.max(backoff, retryAfterMs ?? 0)));
}

/** The outbox by channel ("orgId/channelId"), each in the order its deliveries were made. */
export function entriesByChannel(outbox: readonly OutboxEntry[]): Map<string, OutboxEntry[]> {
  const byChannel = new Map<string, OutboxEntry[]>();
  for (const entry of outbox) {
    const key = `${entry.orgId}/${entry.channelId}`;
    byChannel.set(key, [...(byChannel.get(key) ?? []), entry]);
  }
  return byChannel;
}

/** Made: out of the outbox; a chat message is remembered so the group's later deliveries edit it. */
export function recordDelivered(store: AlertsStore, entry: OutboxEntry, chatMessageId: string | null | undefined, nowIso: string): void {
  store.outbox = store.outbox.filter((candidate) => candidate.id !== entry.id);
  if (chatMessageId === undefined) return;
  store.sent.push({ id: entry.id, orgId: entry.orgId, channelId: entry.channelId, deliveryKey: entry.delivery.key, messageId: chatMessageId, at: nowIso });
}

/** A failed attempt: retried after a backoff, or dead-lettered. True when dead-lettered. */
export function recordFailure(store: AlertsStore, entry: OutboxEntry, failure: Failure, nowMs: number, random?: () => number): boolean {
  const stored = store.outbox.find((candidate) => candidate.id === entry.id);
  if (!stored) return false;
  stored.attempts += 1;
  stored.lastError = failure.reason;
  if (failure.permanent || stored.attempts >= MAX_ATTEMPTS || nowMs - Date.parse(stored.createdAt) >= DEAD_AFTER_MS) {
    deadLetter(store, stored, failure.reason, nowMs);
    return true;
  }
  stored.nextAttemptAt = new Date(nowMs + retryDelayMs(stored.attempts, failure.retryAfterMs, random)).toISOString();
  return false;
}

/** Drops the entries of a channel that no longer exists. */
export function dropChannel(store: AlertsStore, orgId: string, channelId: string): void {
  store.outbox = store.outbox.filter((entry) => !(entry.orgId === orgId && entry.channelId === channelId));
  store.sent = store.sent.filter((sent) => !(sent.orgId === orgId && sent.channelId === channelId));
}

/** Forgets chat messages no group refers to any more, a day after they were posted. */
export function pruneSent(store: AlertsStore, nowMs: number): void {
  const referenced = new Set(store.state.groups.flatMap((group) => group.messages));
  const kept = store.sent.filter((sent) => referenced.has(sent.deliveryKey) || nowMs - Date.parse(sent.at) < SENT_KEPT_MS);
  if (kept.length !== store.sent.length) store.sent = kept;
}

function deadLetter(store: AlertsStore, entry: OutboxEntry, reason: string, nowMs: number): void {
  store.outbox = store.outbox.filter((candidate) => candidate.id !== entry.id);
  const letter: DeadLetter = { ...entry, failedAt: new Date(nowMs).toISOString(), reason };
  const others = store.deadLetters.filter((candidate) => candidate.orgId !== entry.orgId);
  const own = [letter, ...store.deadLetters.filter((candidate) => candidate.orgId === entry.orgId)].slice(0, DEAD_LETTERS_KEPT);
  store.deadLetters = [...own, ...others];
}
