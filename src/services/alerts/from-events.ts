// Automation events as alerts. A firing event becomes an alert of its kind, with the instance's
// provider and $/h; the automation records a resolution as kind `resolved`, so it is turned into
// one resolution per firing alert of the same origin (the rule, or none) and instance. The watch's
// events carry ruleId "watch": they are the instance's own alerts (grouped and muted by kind, like
// a `down` nobody watched), so that ruleId is dropped.
import type { Alert, AlertEvent, AlertState } from '#domain/alerts/index.ts';
import { formatUsd } from '#domain/pricing.ts';
import type { Database } from '#store/schema.ts';
import type { AutomationEvent } from '../automation/index.ts';
import { ALERT_SEVERITY, isNotice } from './kinds.ts';

const WATCH_ACTOR = 'watch';

/** Where a resolution applies: the firing alerts of this origin and instance. */
export interface Resolution {
  orgId: string;
  ruleId: string | undefined;
  instanceId: string | undefined;
  at: string;
}

export type AlertInput = { type: 'fire'; event: AlertEvent } | { type: 'resolve'; resolution: Resolution };

/** The alert an automation event makes; undefined for events that are no alert (skipped). */
export function alertInput(event: AutomationEvent, data: Pick<Database, 'instances'>): AlertInput | undefined {
  const ruleId = event.ruleId === WATCH_ACTOR ? undefined : event.ruleId;
  if (event.kind === 'resolved') return { type: 'resolve', resolution: { orgId: event.orgId, ruleId, instanceId: event.instanceId, at: event.at } };
  const severity = ALERT_SEVERITY[event.kind];
  if (!severity) return undefined;
  const facts = instanceFacts(data, event.orgId, event.instanceId);
  return {
    type: 'fire',
    event: {
      kind: event.kind,
      status: 'firing',
      severity,
      orgId: event.orgId,
      ruleId,
      instanceId: event.instanceId,
      at: event.at,
      message: facts ? `${event.message} (${facts.text})` : event.message,
      values: { ...event.values, ...facts?.values },
    },
  };
}

/** The resolved events a resolution makes: one per firing alert it ends (notices resolve themselves). */
export function resolutionEvents(state: AlertState, resolution: Resolution): AlertEvent[] {
  return resolveWhere(state, resolution.at, (alert) => !isNotice(alert.kind) && alert.orgId === resolution.orgId && alert.ruleId === resolution.ruleId && alert.instanceId === resolution.instanceId);
}

/** The kinds a resolution of this origin may end, before knowing which fire: watches end outages, rules their firing. */
export function kindsResolvedBy(ruleId: string | undefined): string[] {
  return ruleId === undefined ? ['down'] : ['rule-fired'];
}

/** Firing alerts of instances destroyed since: their outage or idleness has ended with them. */
export function goneInstanceResolutions(state: AlertState, data: Pick<Database, 'instances'>, at: string): AlertEvent[] {
  const gone = (orgId: string, id: string) => data.instances.find((candidate) => candidate.orgId === orgId && candidate.id === id)?.destroyedAt !== undefined;
  return resolveWhere(state, at, (alert) => alert.instanceId !== undefined && !isNotice(alert.kind) && gone(alert.orgId, alert.instanceId));
}

function resolveWhere(state: AlertState, at: string, matches: (alert: Alert) => boolean): AlertEvent[] {
  return state.groups.flatMap((group) =>
    group.alerts
      .filter((alert) => alert.status === 'firing' && matches(alert))
      .map((alert) => ({ kind: alert.kind, status: 'resolved' as const, severity: alert.severity, orgId: alert.orgId, ruleId: alert.ruleId, instanceId: alert.instanceId, at, message: alert.message })),
  );
}

function instanceFacts(data: Pick<Database, 'instances'>, orgId: string, instanceId: string | undefined) {
  const record = instanceId ? data.instances.find((candidate) => candidate.orgId === orgId && candidate.id === instanceId) : undefined;
  if (!record) return undefined;
  return { text: `${record.gpuCount > 1 ? `${record.gpuCount}× ` : ''}${record.gpu}, ${record.provider}, ${formatUsd(record.pricePerHour)}/h`, values: { provider: record.provider, usdPerHour: record.pricePerHour } };
}
