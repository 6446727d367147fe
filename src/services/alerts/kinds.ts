// What each kind of event means as an alert: its severity, whether it marks a moment (a notice:
// shown once, then resolved quietly) or a state that a later event resolves.
import { SEVERITIES, type Severity } from '#domain/alerts/index.ts';

export const ALERT_SEVERITY: Readonly<Record<string, Severity>> = {
  down: 'critical',
  'cap-hit': 'critical',
  'action-failed': 'critical',
  'deploy-failed': 'critical',
  'key-failing': 'critical',
  'cap-warning': 'warning',
  idle: 'warning',
  'price-alert': 'warning',
  'licence-expiring': 'warning',
  restarted: 'info',
  redeployed: 'info',
  'rule-fired': 'info',
  'deploy-ready': 'info',
};

/** The kinds `notify add … events=` accepts. */
export const ALERT_KINDS = Object.keys(ALERT_SEVERITY);

/**
 * The kinds that hold until an event says they no longer do: an instance down (until it runs again)
 * and a rule firing (until its condition is false). Every other kind is a *notice*: it reports
 * something that happened, nothing resolves it, so it resolves itself once shown, unannounced.
 */
export const STATE_KINDS: ReadonlySet<string> = new Set(['down', 'rule-fired']);

export function isNotice(kind: string): boolean {
  return !STATE_KINDS.has(kind);
}

export function atLeast(severity: Severity, minimum: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(minimum);
}
