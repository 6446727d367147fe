// What every notifier answers for one delivery attempt: the outbox retries `retryable` (after
// `retryAfterMs` when the receiver said so) and dead-letters `permanent`.
export type NotifyResult =
  | { outcome: 'delivered' }
  | { outcome: 'retryable'; reason: string; retryAfterMs?: number }
  | { outcome: 'permanent'; reason: string };
