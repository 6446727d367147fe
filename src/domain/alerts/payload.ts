// One delivery as the body every non-chat channel sends (the webhook JSON, the email's facts):
// the group summed up in the top-level fields, each alert in `alerts`.
import type { Alert, AlertStatus, Delivery, Severity } from './types.ts';

export interface AlertSummary {
  type: string;
  status: AlertStatus;
  severity: Severity;
  startsAt: string;
  endsAt?: string;
  instance?: string;
  rule?: string;
  message: string;
}

export interface AlertPayload extends AlertSummary {
  alerts: AlertSummary[];
}

/** Lines of the message before "…and N more": a grouped burst stays readable. */
const MESSAGE_LINES = 20;

export function alertPayload(delivery: Delivery): AlertPayload {
  const alerts = delivery.alerts;
  const lead = leadAlert(alerts);
  const starts = alerts.map((alert) => alert.startsAt).sort();
  const ends = alerts.flatMap((alert) => (alert.endsAt ? [alert.endsAt] : [])).sort();
  const instance = common(alerts.map((alert) => alert.instanceId));
  const rule = common(alerts.map((alert) => alert.ruleId));
  const lines = alerts.slice(0, MESSAGE_LINES).map((alert) => alert.message);
  if (alerts.length > MESSAGE_LINES) lines.push(`…and ${alerts.length - MESSAGE_LINES} more`);
  return {
    type: lead?.kind ?? delivery.label,
    status: delivery.status,
    severity: delivery.severity,
    startsAt: starts[0] ?? delivery.at,
    ...(delivery.status === 'resolved' && ends.length ? { endsAt: ends[ends.length - 1]! } : {}),
    ...(instance !== undefined ? { instance } : {}),
    ...(rule !== undefined ? { rule } : {}),
    message: lines.join('\n'),
    alerts: alerts.map(summary),
  };
}

function summary(alert: Alert): AlertSummary {
  return {
    type: alert.kind,
    status: alert.status,
    severity: alert.severity,
    startsAt: alert.startsAt,
    ...(alert.endsAt ? { endsAt: alert.endsAt } : {}),
    ...(alert.instanceId !== undefined ? { instance: alert.instanceId } : {}),
    ...(alert.ruleId !== undefined ? { rule: alert.ruleId } : {}),
    message: alert.message,
  };
}

/** The alert that names the group: the first of the most severe (deliveries list firing alerts first). */
export function leadAlert(alerts: readonly Alert[]): Alert | undefined {
  const rank = { info: 0, warning: 1, critical: 2 } as const;
  return alerts.reduce<Alert | undefined>((best, alert) => (!best || rank[alert.severity] > rank[best.severity] ? alert : best), undefined);
}

/** The value every alert shares, if they all share one. */
function common(values: (string | undefined)[]): string | undefined {
  const first = values[0];
  return first !== undefined && values.every((value) => value === first) ? first : undefined;
}
