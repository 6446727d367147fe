// Store sections of alert delivery: the notify channels (`notifyChannels`) and the alert pipeline
// (`alerts`): the grouping state, the outbox of deliveries not yet made, the dead letters, and the
// chat messages posted (so a resolution edits them and a retry never posts twice). Each has a
// default in schema.ts, so older files load unchanged.
import { z } from 'zod';
import { alertStateSchema, deliverySchema, emptyAlertState, SEVERITIES } from '#domain/alerts/index.ts';

const isoTime = z.string().datetime({ offset: true });

export const notifyTargetSchema = z.discriminatedUnion('type', [
  /** A chat channel of a connected platform (`notify add here`, `notify add telegram <chat id>`). */
  z.object({ type: z.literal('chat'), platform: z.string(), chatId: z.string() }),
  z.object({ type: z.literal('email'), address: z.string() }),
  /** The URL may carry a token, so it is sealed and only its origin kept in clear; the signing secret is sealed. */
  z.object({ type: z.literal('webhook'), origin: z.string(), urlSealed: z.string(), secretSealed: z.string() }),
]);

export const notifyChannelSchema = z.object({
  orgId: z.string(),
  /** n1, n2, … per org, never reused. */
  id: z.string(),
  target: notifyTargetSchema,
  /** Event kinds delivered here; null: all of them. */
  events: z.array(z.string()).nullable(),
  /** The least severity delivered here. */
  minSeverity: z.enum(SEVERITIES),
  createdBy: z.string(),
  createdAt: isoTime,
});

/** One delivery to one channel, written before it is attempted and removed once it has been made. */
export const outboxEntrySchema = z.object({
  /** The idempotency key of this delivery to this channel: the webhook-id, the email's Message-ID. */
  id: z.string(),
  orgId: z.string(),
  channelId: z.string(),
  delivery: deliverySchema,
  createdAt: isoTime,
  /** Failed attempts so far. */
  attempts: z.number().int().nonnegative(),
  /** Not attempted before this instant (backoff, or a receiver's Retry-After). */
  nextAttemptAt: isoTime,
  lastError: z.string().nullable(),
});

export const deadLetterSchema = outboxEntrySchema.extend({ failedAt: isoTime, reason: z.string() });

/** A delivery made to a chat channel: the message a later edit changes (null: the platform gave no id). */
export const sentMessageSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  channelId: z.string(),
  deliveryKey: z.string(),
  messageId: z.string().nullable(),
  at: isoTime,
});

export const alertsSchema = z.object({
  state: alertStateSchema.default(emptyAlertState),
  outbox: z.array(outboxEntrySchema).default([]),
  deadLetters: z.array(deadLetterSchema).default([]),
  sent: z.array(sentMessageSchema).default([]),
  /** Next notify channel number per org. */
  channelCounters: z.record(z.string(), z.number().int()).default({}),
  /** Once-a-day notices already raised, by key (e.g. licence expiry): the UTC day last raised. */
  noticeDays: z.record(z.string(), z.string()).default({}),
});

export type NotifyTarget = z.infer<typeof notifyTargetSchema>;
export type NotifyChannel = z.infer<typeof notifyChannelSchema>;
export type OutboxEntry = z.infer<typeof outboxEntrySchema>;
export type DeadLetter = z.infer<typeof deadLetterSchema>;
export type SentMessage = z.infer<typeof sentMessageSchema>;
export type AlertsStore = z.infer<typeof alertsSchema>;

export function emptyAlertsStore(): AlertsStore {
  return { state: emptyAlertState(), outbox: [], deadLetters: [], sent: [], channelCounters: {}, noticeDays: {} };
}
