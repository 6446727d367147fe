// Alerts from beyond the automation: a deploy's outcome (to the org's channels, not only the person
// who asked), a provider key the provider refuses, a licence about to expire. The last two are
// raised at most once a UTC day each (`alerts.noticeDays`).
import type { AlertEvent } from '#domain/alerts/index.ts';
import { formatUsd } from '#domain/pricing.ts';
import type { InstanceRecord } from '#store/fleet-schema.ts';
import type { Database } from '#store/schema.ts';
import type { SyncReport } from '../fleet/sync.ts';
import { ALERT_SEVERITY } from './kinds.ts';

/** A licence this close to its end is announced every day. */
export const LICENCE_WARNING_DAYS = 7;
const DAY_MS = 86_400_000;

export interface DailyNotice {
  /** Raised once a UTC day per key. */
  key: string;
  event: AlertEvent;
}

function alert(kind: string, orgId: string, at: string, message: string, extra: Partial<AlertEvent> = {}): AlertEvent {
  return { kind, status: 'firing', severity: ALERT_SEVERITY[kind]!, orgId, at, message, ...extra };
}

/** A deploy that ended: ready, or failed with its reason. Undefined while it is still under way. */
export function deployAlert(record: InstanceRecord, at: string): AlertEvent | undefined {
  const machine = `${record.gpuCount > 1 ? `${record.gpuCount}× ` : ''}${record.gpu}, ${record.provider}, ${formatUsd(record.pricePerHour)}/h`;
  const values = { provider: record.provider, usdPerHour: record.pricePerHour };
  if (record.phase === 'ready') return alert('deploy-ready', record.orgId, at, `${record.id} (${record.name}) is ready (${machine}).`, { instanceId: record.id, values });
  if (record.phase === 'failed' || record.phase === 'cleanup-pending') {
    return alert('deploy-failed', record.orgId, at, `The deploy of ${record.id} (${record.name}, ${machine}) failed: ${record.failure ?? 'no reason given'}`, { instanceId: record.id, values });
  }
  return undefined;
}

/** Providers that refused an org's key during a sync. */
export function keyFailingNotices(report: Pick<SyncReport, 'failed'>, at: string): DailyNotice[] {
  return report.failed
    .filter((failure) => failure.kind === 'auth')
    .map((failure) => ({
      key: `key:${failure.orgId}:${failure.provider}`,
      event: alert('key-failing', failure.orgId, at, `${failure.provider} refused the API key: ${failure.error} Replace it in a direct message: provider add ${failure.provider} <key>`, { ruleId: `key-${failure.provider}` }),
    }));
}

/** A licence ending within LICENCE_WARNING_DAYS, told to every org. */
export function licenceNotices(data: Pick<Database, 'orgs'>, expiresAt: string | undefined, nowMs: number): DailyNotice[] {
  if (!expiresAt) return [];
  const leftMs = Date.parse(expiresAt) - nowMs;
  if (leftMs <= 0 || leftMs > LICENCE_WARNING_DAYS * DAY_MS) return [];
  const days = Math.ceil(leftMs / DAY_MS);
  const at = new Date(nowMs).toISOString();
  return data.orgs.map((org) => ({
    key: `licence:${org.id}`,
    event: alert('licence-expiring', org.id, at, `The Pro licence expires on ${expiresAt.slice(0, 10)} (in ${days} day${days === 1 ? '' : 's'}). Renew it and activate the new key: licence activate <key>`),
  }));
}

/** The notices not raised yet today; marks them raised. */
export function takeDaily(data: Database, notices: readonly DailyNotice[], nowMs: number): AlertEvent[] {
  const today = new Date(nowMs).toISOString().slice(0, 10);
  const due = notices.filter((notice) => data.alerts.noticeDays[notice.key] !== today);
  for (const notice of due) data.alerts.noticeDays[notice.key] = today;
  return due.map((notice) => notice.event);
}
