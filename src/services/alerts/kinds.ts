// What each kind of event means as an alert: its severity, whether it marks a moment (a notice:
// shown once, then resolved quietly) or a state that a later event resolves.
import { SEVERITIES, type Severity } from '../../domain/alerts/index.ts';

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
 * Kinds that report something that happened rather than a condition that holds: nothing ever
 * resolves them, so they resolve themselves once shown, and their resolution is not announced.
 */
export const NOTICE_KINDS: ReadonlySet<string> = new Set(['restarted', 'redeployed', 'cap-warning', 'cap-hit', 'price-alert', 'deploy-ready', 'deploy-failed', 'key-failing', 'licence-expiring']);

export function atLeast(severity: Severity, minimum: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(minimum);
}
