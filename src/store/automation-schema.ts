// Store sections of the Pro automation: rules, watches and each org's rule state (what the evaluator
// remembers between syncs). One section with a default in schema.ts, so older files load unchanged.
import { z } from 'zod';

const isoTime = z.string().datetime({ offset: true });

/** Where a rule or watch was created: its events are posted there. Opaque to the services. */
export const eventChannelSchema = z.object({ platform: z.string(), id: z.string() });

export const ruleRecordSchema = z.object({
  orgId: z.string(),
  /** r1, r2, … per org, never reused. */
  id: z.string(),
  /** Canonical text (compileRule). */
  text: z.string(),
  enabled: z.boolean(),
  createdBy: z.string(),
  createdAt: isoTime,
  channel: eventChannelSchema.nullable(),
});

export const WATCH_STATES = ['ok', 'down', 'redeploying', 'gave-up'] as const;

export const watchRecordSchema = z.object({
  orgId: z.string(),
  /** The watched instance's short id; a redeploy moves the watch to the new one. */
  instanceId: z.string(),
  restart: z.boolean(),
  /** Restarts per outage before it redeploys. */
  max: z.number().int(),
  state: z.enum(WATCH_STATES),
  /** Restarts issued in the current outage. */
  restarts: z.number().int(),
  downSince: isoTime.nullable(),
  /** No restart before this instant (backoff). */
  nextAttemptAt: isoTime.nullable(),
  /** The deploy token of a redeploy in progress: a restarted bot resumes it instead of renting again. */
  redeployToken: z.string().nullable(),
  /** A restart held back by the org's budget was reported in this outage (reported once). */
  budgetSkipped: z.boolean().default(false),
  createdBy: z.string(),
  createdAt: isoTime,
  channel: eventChannelSchema.nullable(),
});

export const capRecordSchema = z.object({
  orgId: z.string(),
  /** c1, c2, … per org (shares the rule numbering's counter map under "caps:<org>"). */
  id: z.string(),
  /** One of: an instance, a project, or neither (the whole org). */
  instanceId: z.string().nullable(),
  projectId: z.string().nullable(),
  usd: z.number(),
  per: z.enum(['day', 'month', 'total']),
  action: z.enum(['stop', 'destroy', 'notify']),
  /** The period (2026-12-02, 2026-12, total) already warned about / acted in: once per period. */
  warnedPeriod: z.string().nullable(),
  hitPeriod: z.string().nullable(),
  createdBy: z.string(),
  createdAt: isoTime,
  channel: eventChannelSchema.nullable(),
});

/** An unwatched instance found down: its `down` event was recorded; `resolved` follows when it runs again. */
export const downRecordSchema = z.object({ orgId: z.string(), instanceId: z.string(), since: isoTime });

export const IDLE_ACTIONS = ['stop', 'destroy', 'notify'] as const;

export const idleRecordSchema = z.object({
  orgId: z.string(),
  /** idle1, idle2, … per org. */
  id: z.string(),
  /** An instance, a project, or neither (the whole org). */
  instanceId: z.string().nullable(),
  projectId: z.string().nullable(),
  /** GPU util (%) under which an instance counts as idle. */
  belowPct: z.number(),
  forSeconds: z.number().int(),
  action: z.enum(IDLE_ACTIONS),
  /** Instance id → since when its GPU has been under the threshold, and when it last acted. */
  targets: z.record(z.string(), z.object({ lowSince: isoTime.nullable(), lastFiredAt: isoTime.nullable(), firing: z.boolean(), skipped: z.boolean() })),
  createdBy: z.string(),
  createdAt: isoTime,
  channel: eventChannelSchema.nullable(),
});

export const priceAlertSchema = z.object({
  orgId: z.string(),
  /** a1, a2, … per org. */
  id: z.string(),
  /** The GPU as typed (H100), and the catalogue models it matches. */
  gpu: z.string(),
  gpus: z.array(z.string()),
  /** Fires when the cheapest matching offer's $/h per GPU is at or below this. */
  belowUsd: z.number(),
  provider: z.string().nullable(),
  region: z.string().nullable(),
  /** False after firing, until the price has risen past the re-arm level (hysteresis). */
  armed: z.boolean(),
  lastFiredAt: isoTime.nullable(),
  fireCount: z.number().int(),
  createdBy: z.string(),
  createdAt: isoTime,
  channel: eventChannelSchema.nullable(),
});

/** deploy … stop-after= / destroy-after=: the evaluation loop takes the action once the time is up. */
export const timeLimitSchema = z.object({
  orgId: z.string(),
  instanceId: z.string(),
  action: z.enum(['stop', 'destroy']),
  at: isoTime,
  /** What the user typed, e.g. 2h. */
  after: z.string(),
  createdBy: z.string(),
  channel: eventChannelSchema.nullable(),
});

const targetStateSchema = z.object({
  target: z.string(),
  trueSince: isoTime.nullable(),
  firing: z.boolean(),
  lastFiredAt: isoTime.nullable(),
  fireCount: z.number().int(),
  skipped: z.enum(['cooldown', 'budget', 'loop']).nullable(),
});

export const ruleStateSchema = z.object({
  targets: z.record(z.string(), z.array(targetStateSchema)),
  rules: z.record(z.string(), z.object({ lastFiredAt: isoTime.nullable(), fireCount: z.number().int() })),
  actions: z.array(z.object({ at: isoTime, ruleId: z.string(), instanceId: z.string().nullable(), action: z.enum(['stop', 'destroy', 'restart', 'notify', 'migrate', 'deploy']) })),
});

export const automationSchema = z.object({
  rules: z.array(ruleRecordSchema).default([]),
  watches: z.array(watchRecordSchema).default([]),
  /** Org id → its rule state. */
  ruleStates: z.record(z.string(), ruleStateSchema).default({}),
  caps: z.array(capRecordSchema).default([]),
  downs: z.array(downRecordSchema).default([]),
  idles: z.array(idleRecordSchema).default([]),
  priceAlerts: z.array(priceAlertSchema).default([]),
  timeLimits: z.array(timeLimitSchema).default([]),
  /** Next rule number per org. */
  ruleCounters: z.record(z.string(), z.number().int()).default({}),
});

export type EventChannel = z.infer<typeof eventChannelSchema>;
export type RuleRecord = z.infer<typeof ruleRecordSchema>;
export type WatchRecord = z.infer<typeof watchRecordSchema>;
export type CapRecord = z.infer<typeof capRecordSchema>;
export type DownRecord = z.infer<typeof downRecordSchema>;
export type IdleRecord = z.infer<typeof idleRecordSchema>;
export type PriceAlertRecord = z.infer<typeof priceAlertSchema>;
export type TimeLimitRecord = z.infer<typeof timeLimitSchema>;
export type Automation = z.infer<typeof automationSchema>;

export function emptyAutomation(): Automation {
  return { rules: [], watches: [], caps: [], downs: [], idles: [], priceAlerts: [], timeLimits: [], ruleStates: {}, ruleCounters: {} };
}
