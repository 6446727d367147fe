// An alert delivery as a chat Reply: what happened to which machine, what it costs, how to look
// closer, and buttons that act on exactly the instances it names. A button is a command line run
// as the person who presses it (role checks, audit and confirmation as if typed); each carries
// `--org=<org>` so it acts in the org the alert is about, or not at all. The resolved edit says
// "resolved" and drops the action buttons.
import type { Button, Field, Reply, ReplyImage } from '#core/reply.ts';
import { alertPayload, leadAlert, type Alert, type Delivery, type Severity } from '#domain/alerts/index.ts';
import { billingState, formatDuration, formatUsd, usdToMicros } from '#domain/ledger.ts';
import type { CapRecord } from '#store/automation-schema.ts';
import type { InstanceRecord } from '#store/fleet-schema.ts';
import { EVENT_TITLES } from '../automation/context.ts';

/** What the store says now about the things an alert names. */
export interface AlertFacts {
  /** The org's instances the alerts name, by id (absent: no longer in the store). */
  instances: ReadonlyMap<string, InstanceRecord>;
  /** The org's caps, by id (a cap alert's ruleId). */
  caps: ReadonlyMap<string, CapRecord>;
}

/** How long the Mute button silences. */
export const MUTE_BUTTON_DURATION = '2h';
/** Instances that get buttons of their own; a bigger group gets a Mute for its rule instead. */
const MAX_INSTANCES_WITH_BUTTONS = 3;
/** Kinds that come again while their cause lasts, so muting them helps (a deploy or a licence notice is told once). */
const MUTABLE_KINDS: ReadonlySet<string> = new Set(['down', 'idle', 'cap-warning', 'cap-hit', 'rule-fired', 'price-alert', 'action-failed', 'restarted', 'redeployed']);
/** A raised cap is this much higher than the old one, rounded up to a round amount. */
const RAISE_FACTOR = 1.5;

const KIND_OF_SEVERITY: Record<Severity, Reply['kind']> = { critical: 'error', warning: 'warning', info: 'info' };

/** Kinds only alerts have (the automation's events have their titles in EVENT_TITLES). */
const ALERT_TITLES: Record<string, string> = { 'deploy-ready': 'Deploy ready', 'deploy-failed': 'Deploy failed', 'key-failing': 'Provider key failing', 'licence-expiring': 'Licence expiring' };

export function alertTitle(kind: string): string {
  return (EVENT_TITLES as Record<string, string>)[kind] ?? ALERT_TITLES[kind] ?? kind.charAt(0).toUpperCase() + kind.slice(1).replaceAll('-', ' ');
}

/** The distinct instances the alerts name, in order. */
export function namedInstances(alerts: readonly Alert[]): string[] {
  return [...new Set(alerts.flatMap((alert) => (alert.instanceId ? [alert.instanceId] : [])))];
}

/** A rule (r1), cap (c1) or idle check (idle1) the alert came from; not the watch or a pseudo-rule such as a failing key's. */
function ruleOf(alert: Alert): string | undefined {
  return alert.ruleId && /^(r|c|idle)\d+$/.test(alert.ruleId) ? alert.ruleId : undefined;
}

const utcMinute = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

function instanceName(id: string, record: InstanceRecord | undefined): string {
  return record && record.name !== id ? `${id} (${record.name})` : id;
}

function whatItCosts(record: InstanceRecord): string {
  const stopped = billingState(record.status) === 'stopped';
  if (record.destroyedAt) return 'nothing (destroyed)';
  if (stopped) return record.stoppedPricePerHour ? `${formatUsd(usdToMicros(record.stoppedPricePerHour))}/h (stopped: disk only)` : 'nothing while stopped';
  return `${formatUsd(usdToMicros(record.pricePerHour))}/h`;
}

function fieldsOf(delivery: Delivery, lead: Alert, instances: string[], facts: AlertFacts): Field[] {
  const fields: Field[] = [{ name: 'Severity', value: delivery.severity, inline: true }];
  if (instances.length === 1) {
    const record = facts.instances.get(instances[0]!);
    fields.push({ name: 'Instance', value: instanceName(instances[0]!, record), inline: true });
    if (record) {
      fields.push({ name: 'Provider', value: `${record.provider} · ${record.gpuCount > 1 ? `${record.gpuCount}× ` : ''}${record.gpu}`, inline: true });
      fields.push({ name: 'Cost', value: whatItCosts(record), inline: true });
    }
  } else if (instances.length > 1) {
    fields.push({ name: 'Instances', value: instances.join(', '), inline: true });
  }
  const { spend, cap } = lead.values ?? {};
  if (typeof spend === 'number' && typeof cap === 'number') fields.push({ name: 'Spend', value: `${formatUsd(usdToMicros(spend))} of ${formatUsd(usdToMicros(cap))}`, inline: true });
  const rule = ruleOf(lead);
  if (rule) fields.push({ name: 'Rule', value: rule, inline: true });
  fields.push({ name: 'Since', value: utcMinute(lead.startsAt), inline: true });
  return fields;
}

function pinned(line: string, orgId: string): string {
  return `${line} --org=${orgId}`;
}

/** The next cap: half as much again, rounded up to a round amount ($1, $5, $10, $50… steps). */
export function raisedCap(usd: number): number {
  const target = usd * RAISE_FACTOR;
  const step = target < 10 ? 1 : target < 50 ? 5 : target < 100 ? 10 : 10 ** Math.floor(Math.log10(target)) / 2;
  return Math.ceil(target / step) * step;
}

/** `cap i3 30 per=total action=stop`: the same cap with a higher amount. */
function raiseCapLine(cap: CapRecord): string {
  const scope = cap.instanceId ?? (cap.projectId ? `project=${cap.projectId}` : 'org');
  return `cap ${scope} ${raisedCap(cap.usd)} per=${cap.per} action=${cap.action}`;
}

/** The lifecycle buttons that make sense for this kind of alert and the machine's state now. */
function instanceButtons(kind: string, id: string, record: InstanceRecord | undefined, orgId: string): Button[] {
  if (!record || record.destroyedAt || !record.providerInstanceId) return [];
  const billingRunning = billingState(record.status) === 'running';
  const buttons: Button[] = [];
  if (kind === 'down' || kind === 'action-failed') {
    const stopped = record.status === 'stopped';
    buttons.push({ label: `${stopped ? 'Start' : 'Restart'} ${id}`, command: pinned(`${stopped ? 'start' : 'restart'} ${id}`, orgId), style: 'primary' });
  }
  if (billingRunning && ['down', 'action-failed', 'idle', 'cap-warning', 'cap-hit', 'rule-fired'].includes(kind)) {
    buttons.push({ label: `Stop ${id}`, command: pinned(`stop ${id}`, orgId), style: 'danger' });
  }
  return buttons;
}

function buttonsOf(delivery: Delivery, lead: Alert, instances: string[], facts: AlertFacts): Button[] {
  if (delivery.status === 'resolved') return [];
  const { orgId } = delivery;
  const buttons: Button[] = [];
  const cap = lead.kind.startsWith('cap-') && lead.ruleId ? facts.caps.get(lead.ruleId) : undefined;
  if (cap) buttons.push({ label: `Raise cap to ${formatUsd(usdToMicros(raisedCap(cap.usd)))}`, command: pinned(raiseCapLine(cap), orgId), style: 'primary' });
  const withButtons = instances.length <= MAX_INSTANCES_WITH_BUTTONS ? instances : [];
  for (const id of withButtons) buttons.push(...instanceButtons(lead.kind, id, facts.instances.get(id), orgId));
  const rule = ruleOf(lead);
  // `mute` takes an instance, a rule or a cap (not an idle check: its alerts name their instance).
  const muted = !MUTABLE_KINDS.has(lead.kind) ? [] : withButtons.length ? withButtons : rule && /^[rc]\d/.test(rule) ? [rule] : [];
  for (const target of muted) buttons.push({ label: `Mute ${target} ${MUTE_BUTTON_DURATION}`, command: pinned(`mute ${target} ${MUTE_BUTTON_DURATION}`, orgId), style: 'secondary' });
  return buttons;
}

function titleOf(delivery: Delivery, lead: Alert, instances: string[], facts: AlertFacts): string {
  const what = alertTitle(lead.kind);
  const rule = ruleOf(lead);
  const where = instances.length === 1 ? instanceName(instances[0]!, facts.instances.get(instances[0]!)) : instances.length > 1 ? `${instances.length} instances` : rule ? `rule ${rule}` : '';
  const title = where ? `${what}: ${where}` : what;
  return delivery.status === 'resolved' ? `Resolved · ${title}` : title;
}

function textOf(delivery: Delivery, lead: Alert, message: string): string {
  if (delivery.status !== 'resolved') return message;
  const endsAt = lead.endsAt ?? delivery.at;
  const lasted = formatDuration(Date.parse(endsAt) - Date.parse(lead.startsAt));
  return `Resolved at ${utcMinute(endsAt)}, after ${lasted}.\n${message}`;
}

/** Where to look closer: the commands that show the machine and its history. */
function footerOf(lead: Alert, instances: string[], facts: AlertFacts): string {
  const single = instances.length === 1 ? instances[0]! : undefined;
  const record = single ? facts.instances.get(single) : undefined;
  const rule = ruleOf(lead);
  const more = single ? [...(record && !record.destroyedAt && record.ssh ? [`ssh ${single}`] : []), `events instance=${single}`] : rule ? [`events rule=${rule}`] : ['events'];
  return `More: ${more.join(' · ')}${record?.simulated ? ' · simulated' : ''}`;
}

/** The chat message of a delivery; `image` is its chart, when one could be drawn. */
export function alertReply(delivery: Delivery, facts: AlertFacts, image?: ReplyImage): Reply {
  const lead = leadAlert(delivery.alerts);
  const payload = alertPayload(delivery);
  if (!lead) return { kind: 'info', title: alertTitle(delivery.label), text: payload.message || delivery.label };
  const instances = namedInstances(delivery.alerts);
  const buttons = buttonsOf(delivery, lead, instances, facts);
  return {
    kind: delivery.status === 'resolved' ? 'success' : KIND_OF_SEVERITY[delivery.severity],
    title: titleOf(delivery, lead, instances, facts),
    text: textOf(delivery, lead, payload.message),
    fields: fieldsOf(delivery, lead, instances, facts),
    ...(buttons.length > 0 && { buttons }),
    ...(image && { image }),
    footer: footerOf(lead, instances, facts),
    data: payload,
  };
}
