// When an instance counts as down: the provider reports it exited, failed, stopped, unknown or
// terminated (or it vanished) while nobody asked it to stop. Watches act on it; every other
// instance of the org that was running gets one `down` event, and `resolved` when it is back.
import type { InstanceRecord } from '#store/fleet-schema.ts';
import type { DownRecord } from '#store/automation-schema.ts';
import { recordEvent, type AutomationContext } from './context.ts';

/** Requests that take a machine down or away on purpose (a redeploy and a migrate destroy the old one). */
const LIFECYCLE_COMMANDS = new Set(['start', 'stop', 'restart', 'destroy', 'redeploy', 'migrate']);
const ON_PURPOSE = new Set(['stop', 'destroy', 'redeploy', 'migrate']);
/** A machine that vanished longer ago than this is history, not news. */
const VANISHED_NEWS_MS = 86_400_000;

/** Why the instance counts as down, or undefined when it is up or on its way. */
export function downReason(record: InstanceRecord): string | undefined {
  if (record.destroyedAt) return `it vanished from ${record.provider} (host gone or reclaimed)`;
  switch (record.status) {
    case 'failed':
    case 'exited':
    case 'unknown':
    case 'stopped':
    case 'terminated':
      return `${record.provider} reports it ${record.status} (${record.rawStatus}) while it should be running`;
    default:
      return undefined;
  }
}

/** The last start/stop/restart/destroy (by anyone, or the automation) on this instance since `fromMs`. */
export async function lastIntent(context: Pick<AutomationContext, 'db'>, record: InstanceRecord, fromMs: number): Promise<string | undefined> {
  const [entry] = await context.db.series.audit.newest(
    1,
    (candidate) => candidate.orgId === record.orgId && candidate.result === 'ok' && LIFECYCLE_COMMANDS.has(candidate.command) && candidate.args.toLowerCase().split(/\s+/).includes(`id=${record.id}`),
    { fromMs },
  );
  return entry?.command;
}

export function intendedDown(intent: string | undefined): boolean {
  return intent !== undefined && ON_PURPOSE.has(intent);
}

const downKey = (orgId: string, instanceId: string) => `${orgId}/${instanceId}`;

/**
 * Every instance of the org that is not watched: `down` once when it stops unexpectedly or vanishes,
 * `resolved` once it runs again. `intentional` remembers, for this process, states already found to
 * be on purpose, so the audit log is read once per state, not at every sync.
 */
export async function trackDowns(context: AutomationContext, orgId: string, intentional: Set<string>): Promise<void> {
  const { data } = context.db;
  const nowMs = context.now().getTime();
  const watched = new Set(data.automation.watches.filter((watch) => watch.orgId === orgId).map((watch) => watch.instanceId));
  const known = new Map(data.automation.downs.filter((down) => down.orgId === orgId).map((down) => [down.instanceId, down]));
  for (const record of data.instances) {
    if (record.orgId !== orgId || !record.readyAt || watched.has(record.id)) continue;
    const down = known.get(record.id);
    const reason = downReason(record);
    if (!reason) {
      if (down && record.status === 'running') await resolveDown(context, down, record);
      continue;
    }
    if (down || (record.destroyedAt && nowMs - Date.parse(record.destroyedAt) > VANISHED_NEWS_MS)) continue;
    const state = `${downKey(orgId, record.id)}/${record.status}/${record.destroyedAt ?? ''}`;
    if (intentional.has(state)) continue;
    if (intendedDown(await lastIntent(context, record, Date.parse(record.readyAt)))) {
      intentional.add(state);
      continue;
    }
    await context.db.update((stored) => {
      stored.automation.downs.push({ orgId, instanceId: record.id, since: new Date(nowMs).toISOString() });
    });
    await recordEvent(context, { orgId, kind: 'down', instanceId: record.id, result: 'detected', message: `${record.id} (${record.name}) is down: ${reason}.`, values: { status: record.rawStatus } }, null);
  }
  // Forgotten: entries whose record is gone, or destroyed longer ago than is news.
  const forgotten = (down: DownRecord) => {
    const record = data.instances.find((candidate) => candidate.orgId === down.orgId && candidate.id === down.instanceId);
    return !record || (record.destroyedAt !== undefined && nowMs - Date.parse(record.destroyedAt) > VANISHED_NEWS_MS);
  };
  if ([...known.values()].some(forgotten)) {
    await context.db.update((stored) => {
      stored.automation.downs = stored.automation.downs.filter((down) => down.orgId !== orgId || !forgotten(down));
    });
  }
}

async function resolveDown(context: AutomationContext, down: DownRecord, record: InstanceRecord): Promise<void> {
  await context.db.update((stored) => {
    stored.automation.downs = stored.automation.downs.filter((entry) => !(entry.orgId === down.orgId && entry.instanceId === down.instanceId));
  });
  await recordEvent(context, { orgId: down.orgId, kind: 'resolved', instanceId: record.id, result: 'resolved', message: `${record.id} (${record.name}) is running again (down since ${down.since.slice(11, 16)} UTC).` }, null);
}
