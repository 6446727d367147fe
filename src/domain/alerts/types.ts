// The shapes of alert grouping: what comes in (events), what the machine remembers (plain JSON, so
// the store can persist it and a restarted bot carries on) and what goes out (deliveries).
import { z } from 'zod';

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type AlertStatus = 'firing' | 'resolved';

/** Something happened to an org: an alert starts firing, fires on, or resolves. */
export interface AlertEvent {
  /** What happened: down, idle, cap-warning, rule-fired… A resolution carries the kind it resolves. */
  kind: string;
  status: AlertStatus;
  severity: Severity;
  orgId: string;
  ruleId?: string | undefined;
  instanceId?: string | undefined;
  /** ISO time it happened. */
  at: string;
  message: string;
  values?: Record<string, number | string | null> | undefined;
}

/** One alert as the machine remembers it (and as a delivery shows it). */
export interface Alert {
  key: string;
  kind: string;
  severity: Severity;
  orgId: string;
  ruleId?: string | undefined;
  instanceId?: string | undefined;
  status: AlertStatus;
  startsAt: string;
  endsAt?: string | undefined;
  message: string;
  values?: Record<string, number | string | null> | undefined;
  /** Shown in the current message of its group: it stays there until it resolves, muted or not. */
  shown: boolean;
}

/** Alerts of one (rule, org): one chat message per episode, edited as the group changes. */
export interface Group {
  key: string;
  orgId: string;
  /** The rule id, or the event kind for alerts no rule raised (down, idle, cap-hit…). */
  label: string;
  alerts: Alert[];
  /** When the group is next looked at (group_wait after its first alert, then every group_interval). */
  nextFlushAt: string;
  /** The deliveries that posted the messages of the current episode (a repeat posts another); empty between episodes. */
  messages: string[];
  /** When the current episode last notified (its first message, an edit or a repeat). */
  lastNotifiedAt: string | null;
}

export type SilenceTarget = { type: 'instance'; id: string } | { type: 'rule'; id: string } | { type: 'all' };

/** `mute <instance|rule|all> <duration> [reason]`: who, why, until when. */
export interface Silence {
  id: string;
  orgId: string;
  target: SilenceTarget;
  author: string;
  reason: string | null;
  createdAt: string;
  endsAt: string;
}

export interface AlertState {
  groups: Group[];
  silences: Silence[];
  /** Deliveries made so far: numbers each delivery, so no two ever share an idempotency key. */
  deliveryCount: number;
  /** Silences made so far: numbers their ids (m1, m2, …), never reused. */
  silenceCount: number;
}

export type DeliveryReason = 'new' | 'update' | 'repeat' | 'resolved';

/** A notification to make: post a new group message, or edit the group's messages. */
export interface Delivery {
  /** Idempotency key: unique, the same on every retry (the webhook-id, the chat's dedupe key). */
  key: string;
  groupKey: string;
  orgId: string;
  label: string;
  status: AlertStatus;
  /** The most severe alert shown. */
  severity: Severity;
  reason: DeliveryReason;
  /** Empty: post a new message. Otherwise the keys of the deliveries whose messages to edit (email and webhook send instead). */
  edits: string[];
  /** Firing alerts first, then the resolved ones. */
  alerts: Alert[];
  at: string;
}

export interface InhibitRule {
  /** A firing alert of one of these kinds… */
  sourceKinds: string[];
  /** …mutes alerts of these kinds… */
  targetKinds: string[];
  /** …that agree with it on these labels (an absent label on both counts as agreeing). */
  equal: ('orgId' | 'instanceId' | 'ruleId')[];
}

export interface GroupingParams {
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  inhibitRules: InhibitRule[];
}

/** Alertmanager's defaults; an instance that is down mutes its idle and cost alerts. */
export const DEFAULT_GROUPING: GroupingParams = {
  groupWaitMs: 30_000,
  groupIntervalMs: 5 * 60_000,
  repeatIntervalMs: 4 * 3_600_000,
  inhibitRules: [{ sourceKinds: ['down'], targetKinds: ['idle', 'cap-warning', 'cap-hit'], equal: ['orgId', 'instanceId'] }],
};

export function emptyAlertState(): AlertState {
  return { groups: [], silences: [], deliveryCount: 0, silenceCount: 0 };
}

const isoTime = z.string().datetime({ offset: true });
const values = z.record(z.string(), z.union([z.number(), z.string(), z.null()])).optional();

const alertSchema = z.object({
  key: z.string(),
  kind: z.string(),
  severity: z.enum(SEVERITIES),
  orgId: z.string(),
  ruleId: z.string().optional(),
  instanceId: z.string().optional(),
  status: z.enum(['firing', 'resolved']),
  startsAt: isoTime,
  endsAt: isoTime.optional(),
  message: z.string(),
  values,
  shown: z.boolean(),
});

const silenceTargetSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('instance'), id: z.string() }),
  z.object({ type: z.literal('rule'), id: z.string() }),
  z.object({ type: z.literal('all') }),
]);

/** Validates a stored AlertState (a damaged file is refused, not guessed at). */
export const alertStateSchema = z.object({
  groups: z.array(
    z.object({
      key: z.string(),
      orgId: z.string(),
      label: z.string(),
      alerts: z.array(alertSchema),
      nextFlushAt: isoTime,
      messages: z.array(z.string()),
      lastNotifiedAt: isoTime.nullable(),
    }),
  ),
  silences: z.array(
    z.object({
      id: z.string(),
      orgId: z.string(),
      target: silenceTargetSchema,
      author: z.string(),
      reason: z.string().nullable(),
      createdAt: isoTime,
      endsAt: isoTime,
    }),
  ),
  deliveryCount: z.number().int().nonnegative(),
  silenceCount: z.number().int().nonnegative(),
});

/** Validates a stored Delivery (an outbox entry carries the one it makes). */
export const deliverySchema = z.object({
  key: z.string(),
  groupKey: z.string(),
  orgId: z.string(),
  label: z.string(),
  status: z.enum(['firing', 'resolved']),
  severity: z.enum(SEVERITIES),
  reason: z.enum(['new', 'update', 'repeat', 'resolved']),
  edits: z.array(z.string()),
  alerts: z.array(alertSchema),
  at: isoTime,
});
