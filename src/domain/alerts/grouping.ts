// Alertmanager's grouping as a pure state machine on an injected clock. Events change the alerts;
// only `flush` notifies: a group is first looked at group_wait after its first alert (so a burst
// becomes one message), then every group_interval; it posts a message when something fires, edits
// it as alerts join or resolve, says "resolved" when all it showed have resolved, and reminds
// after repeat_interval. Muted and inhibited alerts never start a message or a reminder.
import { createHash } from 'node:crypto';
import { pruneSilences, silencing } from './silences.ts';
import { SEVERITIES, type Alert, type AlertEvent, type AlertState, type Delivery, type DeliveryReason, type Group, type GroupingParams, type InhibitRule, type Severity } from './types.ts';

/** The same alert always gets the same key: org, kind, rule and instance. */
export function alertKey(alert: Pick<AlertEvent, 'orgId' | 'kind' | 'ruleId' | 'instanceId'>): string {
  return [alert.orgId, alert.kind, alert.ruleId ?? '', alert.instanceId ?? ''].map(encodeURIComponent).join('/');
}

/** Alerts group by (rule, org); an alert no rule raised groups by its kind. */
export function groupLabel(alert: Pick<AlertEvent, 'kind' | 'ruleId'>): string {
  return alert.ruleId ?? alert.kind;
}

export function groupKey(orgId: string, label: string): string {
  return [orgId, label].map(encodeURIComponent).join('/');
}

/** Records an event: a new or renewed firing alert, or a resolution. Notifies nothing by itself. */
export function receive(state: AlertState, event: AlertEvent, nowMs: number, params: GroupingParams): AlertState {
  const key = alertKey(event);
  const label = groupLabel(event);
  const gKey = groupKey(event.orgId, label);
  const at = Number.isNaN(Date.parse(event.at)) ? new Date(nowMs).toISOString() : new Date(Date.parse(event.at)).toISOString();
  const group = state.groups.find((candidate) => candidate.key === gKey);
  const existing = group?.alerts.find((alert) => alert.key === key);

  if (event.status === 'resolved') {
    if (!group || !existing || existing.status === 'resolved') return state;
    const resolved: Alert = { ...existing, status: 'resolved', endsAt: at };
    return replaceGroup(state, { ...group, alerts: group.alerts.map((alert) => (alert.key === key ? resolved : alert)) });
  }

  const firing: Alert = {
    key,
    kind: event.kind,
    severity: event.severity,
    orgId: event.orgId,
    ...(event.ruleId !== undefined ? { ruleId: event.ruleId } : {}),
    ...(event.instanceId !== undefined ? { instanceId: event.instanceId } : {}),
    status: 'firing',
    // Still firing: the same alert, updated. Resolved and firing again: a new start, in the same message if it was shown.
    startsAt: existing?.status === 'firing' ? existing.startsAt : at,
    message: event.message,
    ...(event.values !== undefined ? { values: event.values } : {}),
    shown: existing?.shown ?? false,
  };
  if (!group) {
    const created: Group = {
      key: gKey,
      orgId: event.orgId,
      label,
      alerts: [firing],
      nextFlushAt: new Date(nowMs + params.groupWaitMs).toISOString(),
      messages: [],
      lastNotifiedAt: null,
    };
    return { ...state, groups: [...state.groups, created] };
  }
  const alerts = existing ? group.alerts.map((alert) => (alert.key === key ? firing : alert)) : [...group.alerts, firing];
  return replaceGroup(state, { ...group, alerts });
}

/** Looks at every group that is due: the deliveries to make, and the next state. */
export function flush(state: AlertState, nowMs: number, params: GroupingParams): { state: AlertState; deliveries: Delivery[] } {
  let next = pruneSilences(state, nowMs);
  const firingByOrg = new Map<string, Alert[]>();
  for (const group of next.groups) {
    for (const alert of group.alerts) if (alert.status === 'firing') firingByOrg.set(alert.orgId, [...(firingByOrg.get(alert.orgId) ?? []), alert]);
  }
  const deliveries: Delivery[] = [];
  const groups: Group[] = [];
  for (const group of next.groups) {
    if (Date.parse(group.nextFlushAt) > nowMs) {
      groups.push(group);
      continue;
    }
    const suppressed = (alert: Alert) =>
      silencing(next.silences, alert, nowMs) !== undefined || isInhibited(alert, firingByOrg.get(alert.orgId) ?? [], params.inhibitRules);
    const outcome = flushGroup(group, suppressed, nowMs, params, () => deliveryKey(group.key, next.deliveryCount + deliveries.length + 1));
    if (outcome.delivery) deliveries.push(outcome.delivery);
    if (outcome.group) groups.push(outcome.group);
  }
  next = { ...next, groups, deliveryCount: next.deliveryCount + deliveries.length };
  return { state: next, deliveries };
}

/** When `flush` next has something to look at (null: no groups). */
export function nextFlushAt(state: AlertState): number | null {
  let soonest: number | null = null;
  for (const group of state.groups) {
    const at = Date.parse(group.nextFlushAt);
    if (soonest === null || at < soonest) soonest = at;
  }
  return soonest;
}

/** A firing source alert of the same org that agrees on the rule's labels mutes a target alert. */
export function isInhibited(alert: Alert, firing: readonly Alert[], rules: readonly InhibitRule[]): boolean {
  return rules.some(
    (rule) =>
      rule.targetKinds.includes(alert.kind) &&
      firing.some(
        (source) =>
          source.key !== alert.key &&
          source.orgId === alert.orgId &&
          rule.sourceKinds.includes(source.kind) &&
          rule.equal.every((label) => source[label] === alert[label]),
      ),
  );
}

interface GroupOutcome {
  delivery?: Delivery;
  /** The group as it goes on; absent once it has no alerts left. */
  group?: Group;
}

function flushGroup(group: Group, suppressed: (alert: Alert) => boolean, nowMs: number, params: GroupingParams, nextKey: () => string): GroupOutcome {
  const firing = group.alerts.filter((alert) => alert.status === 'firing');
  const fresh = firing.filter((alert) => !alert.shown && !suppressed(alert));
  const visibleFiring = firing.filter((alert) => alert.shown || !suppressed(alert));
  const resolved = group.alerts.filter((alert) => alert.status === 'resolved' && (alert.shown || !suppressed(alert)));
  const episodeOpen = group.messages.length > 0;
  const now = new Date(nowMs).toISOString();
  const later = { ...group, nextFlushAt: new Date(nowMs + params.groupIntervalMs).toISOString() };
  // Resolutions are told once: whatever else happens, the resolved alerts leave the group at this flush.
  const stillFiring = (alerts: Alert[]) => alerts.filter((alert) => alert.status === 'firing');
  const make = (reason: DeliveryReason, alerts: Alert[], edits: string[]): Delivery => ({
    key: nextKey(),
    groupKey: group.key,
    orgId: group.orgId,
    label: group.label,
    status: reason === 'resolved' ? 'resolved' : 'firing',
    severity: mostSevere(alerts),
    reason,
    edits,
    alerts: alerts.map((alert) => ({ ...alert, shown: true })),
    at: now,
  });
  const markShown = (alerts: Alert[], shown: Alert[]) => alerts.map((alert) => (shown.includes(alert) ? { ...alert, shown: true } : alert));

  if (!episodeOpen) {
    const remaining = stillFiring(group.alerts);
    if (fresh.length === 0) return remaining.length ? { group: { ...later, alerts: remaining } } : {};
    const delivery = make('new', fresh, []);
    return { delivery, group: { ...later, alerts: stillFiring(markShown(group.alerts, fresh)), messages: [delivery.key], lastNotifiedAt: now } };
  }
  if (visibleFiring.length === 0) {
    const delivery = make('resolved', resolved, group.messages);
    const remaining = stillFiring(group.alerts).map((alert) => ({ ...alert, shown: false }));
    return { delivery, ...(remaining.length ? { group: { ...later, alerts: remaining, messages: [], lastNotifiedAt: null } } : {}) };
  }
  if (fresh.length > 0 || resolved.length > 0) {
    const delivery = make('update', [...visibleFiring, ...resolved], group.messages);
    return { delivery, group: { ...later, alerts: stillFiring(markShown(group.alerts, fresh)), lastNotifiedAt: now } };
  }
  const reminded = visibleFiring.filter((alert) => !suppressed(alert));
  const dueForRepeat = group.lastNotifiedAt !== null && nowMs - Date.parse(group.lastNotifiedAt) >= params.repeatIntervalMs;
  if (dueForRepeat && reminded.length > 0) {
    const delivery = make('repeat', reminded, []);
    return { delivery, group: { ...later, messages: [...group.messages, delivery.key], lastNotifiedAt: now } };
  }
  return { group: later };
}

function replaceGroup(state: AlertState, group: Group): AlertState {
  return { ...state, groups: state.groups.map((candidate) => (candidate.key === group.key ? group : candidate)) };
}

function mostSevere(alerts: readonly Alert[]): Severity {
  let index = 0;
  for (const alert of alerts) index = Math.max(index, SEVERITIES.indexOf(alert.severity));
  return SEVERITIES[index]!;
}

/** Unique per state (the count only grows) and per group (its hash), so two orgs' states never collide either. */
function deliveryKey(gKey: string, number: number): string {
  return `alert_${createHash('sha256').update(gKey).digest('hex').slice(0, 12)}_${number}`;
}
