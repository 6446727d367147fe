// watch: an instance that is down (the provider says so, or it vanished) while nobody asked it to
// stop is restarted in the same evaluation, with backoff, up to `max` times per outage; when a
// restart is impossible or did not help, its template is redeployed on the cheapest equivalent
// offer (same provider first) and the old machine destroyed, so exactly one machine is left.
import { newDeployToken, providerOf } from '../fleet/deploy.ts';
import type { InstanceRecord } from '../../store/fleet-schema.ts';
import type { WatchRecord } from '../../store/automation-schema.ts';
import { auditAction, errorText, recordEvent, type AutomationContext } from './context.ts';
import { redeploy } from './redeploy.ts';

const WATCH_ACTOR = 'watch';
const BACKOFF_BASE_MS = 60_000;
const LIFECYCLE_COMMANDS = new Set(['start', 'stop', 'restart', 'destroy']);

const watchKey = (watch: Pick<WatchRecord, 'orgId' | 'instanceId'>) => `${watch.orgId}/${watch.instanceId}`;

/** Finds the stored watch again inside an update (a rolled-back write replaces the objects). */
function changeWatch(context: AutomationContext, watch: WatchRecord, change: (stored: WatchRecord) => void): Promise<void> {
  return context.db.update((data) => {
    const stored = data.automation.watches.find((candidate) => watchKey(candidate) === watchKey(watch));
    if (stored) change(stored);
  });
}

/** The last start/stop/restart/destroy someone (or a rule) asked for on this instance since the watch began. */
async function lastIntent(context: AutomationContext, watch: WatchRecord, record: InstanceRecord): Promise<string | undefined> {
  const [entry] = await context.db.series.audit.newest(
    1,
    (candidate) => candidate.orgId === record.orgId && candidate.result === 'ok' && LIFECYCLE_COMMANDS.has(candidate.command) && candidate.args.toLowerCase().split(/\s+/).includes(`id=${record.id}`),
    { fromMs: Date.parse(watch.createdAt) },
  );
  return entry?.command;
}

/** Why the instance counts as down, or undefined when it is up, on its way, or stopped on purpose. */
function downReason(record: InstanceRecord): string | undefined {
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

/** start for a stopped machine where the provider has it, else restart; undefined when neither can apply. */
function restartOperation(context: AutomationContext, record: InstanceRecord): 'start' | 'restart' | undefined {
  if (record.destroyedAt || !record.providerInstanceId) return undefined;
  const capabilities = providerOf(context.fleet.context, record).adapter.capabilities;
  const stopped = record.status === 'stopped' || record.status === 'exited';
  if (stopped && capabilities.start === true) return 'start';
  if (capabilities.restart === true) return 'restart';
  return capabilities.start === true ? 'start' : undefined;
}

export async function stepWatches(context: AutomationContext, orgId: string): Promise<void> {
  for (const watch of context.db.data.automation.watches.filter((candidate) => candidate.orgId === orgId)) {
    try {
      await stepWatch(context, watch);
    } catch (error) {
      context.log.error({ err: error, orgId, instanceId: watch.instanceId }, 'watch step failed');
      await recordEvent(context, { orgId, kind: 'action-failed', ruleId: WATCH_ACTOR, instanceId: watch.instanceId, result: 'failed', message: `watch of ${watch.instanceId} failed: ${errorText(error)}` }, watch.channel);
    }
  }
}

async function stepWatch(context: AutomationContext, watch: WatchRecord): Promise<void> {
  if (context.background.has(watchKey(watch))) return;
  const record = context.db.data.instances.find((candidate) => candidate.orgId === watch.orgId && candidate.id === watch.instanceId);
  if (watch.state === 'redeploying' && record) return startRedeploy(context, watch, record, 'resuming the redeploy after a restart');
  const reason = record && downReason(record);
  const intent = reason ? await lastIntent(context, watch, record) : undefined;
  if (!record || intent === 'destroy') {
    await context.db.update((data) => {
      data.automation.watches = data.automation.watches.filter((candidate) => watchKey(candidate) !== watchKey(watch));
    });
    await recordEvent(context, { orgId: watch.orgId, kind: 'resolved', ruleId: WATCH_ACTOR, instanceId: watch.instanceId, result: 'resolved', message: `${watch.instanceId} was destroyed on request; it is no longer watched.` }, watch.channel);
    return;
  }
  if (!reason || intent === 'stop') {
    if (record.status === 'running' && watch.state !== 'ok') {
      await changeWatch(context, watch, (stored) => Object.assign(stored, { state: 'ok', restarts: 0, downSince: null, nextAttemptAt: null }));
      await recordEvent(context, { orgId: watch.orgId, kind: 'resolved', ruleId: WATCH_ACTOR, instanceId: record.id, result: 'resolved', message: `${record.id} (${record.name}) is running again.` }, watch.channel);
    }
    return;
  }
  const nowMs = context.now().getTime();
  if (watch.state === 'ok') {
    await changeWatch(context, watch, (stored) => Object.assign(stored, { state: 'down', downSince: new Date(nowMs).toISOString(), restarts: 0, nextAttemptAt: null }));
    await recordEvent(context, { orgId: watch.orgId, kind: 'down', ruleId: WATCH_ACTOR, instanceId: record.id, result: 'detected', message: `${record.id} (${record.name}) is down: ${reason}.`, values: { status: record.rawStatus } }, watch.channel);
  }
  if (!watch.restart || watch.state === 'gave-up') return;
  if (watch.nextAttemptAt && nowMs < Date.parse(watch.nextAttemptAt)) return;
  const operation = restartOperation(context, record);
  if (operation && watch.restarts < watch.max) return restartOnce(context, watch, record, operation, nowMs);
  const why = !operation ? 'a restart is impossible here' : `${watch.max} restart${watch.max === 1 ? '' : 's'} did not bring it back`;
  return startRedeploy(context, watch, record, why);
}

async function restartOnce(context: AutomationContext, watch: WatchRecord, record: InstanceRecord, operation: 'start' | 'restart', nowMs: number): Promise<void> {
  const attempt = watch.restarts + 1;
  const nextAttemptAt = new Date(nowMs + BACKOFF_BASE_MS * 2 ** (attempt - 1)).toISOString();
  await changeWatch(context, watch, (stored) => Object.assign(stored, { restarts: attempt, nextAttemptAt }));
  const line = `${operation} id=${record.id}`;
  try {
    await context.fleet.apply(record, operation);
    await auditAction(context, watch.orgId, WATCH_ACTOR, line);
    await recordEvent(context, { orgId: watch.orgId, kind: 'restarted', ruleId: WATCH_ACTOR, instanceId: record.id, action: operation, result: 'ok', message: `${operation === 'start' ? 'started' : 'restarted'} ${record.id} (attempt ${attempt} of ${watch.max}).` }, watch.channel);
  } catch (error) {
    await auditAction(context, watch.orgId, WATCH_ACTOR, line, errorText(error));
    await recordEvent(context, { orgId: watch.orgId, kind: 'action-failed', ruleId: WATCH_ACTOR, instanceId: record.id, action: operation, result: 'failed', message: `could not ${operation} ${record.id} (attempt ${attempt} of ${watch.max}): ${errorText(error)}` }, watch.channel);
  }
}

/** Runs the redeploy in the background; the watch follows the new machine once it is ready. */
async function startRedeploy(context: AutomationContext, watch: WatchRecord, old: InstanceRecord, why: string): Promise<void> {
  const token = watch.redeployToken ?? newDeployToken();
  await changeWatch(context, watch, (stored) => Object.assign(stored, { state: 'redeploying', redeployToken: token }));
  const key = watchKey(watch);
  const work = redeploy(context.fleet, { old, actor: watch.createdBy, token, sameProviderFirst: true })
    .then(async (result) => {
      await changeWatch(context, watch, (stored) => Object.assign(stored, { instanceId: result.record.id, state: 'ok', restarts: 0, downSince: null, nextAttemptAt: null, redeployToken: null }));
      await auditAction(context, watch.orgId, WATCH_ACTOR, `redeploy id=${old.id}`);
      await recordEvent(context, { orgId: watch.orgId, kind: 'redeployed', ruleId: WATCH_ACTOR, instanceId: old.id, action: 'redeploy', result: 'ok', message: `${why}: ${result.message}` }, watch.channel);
    })
    .catch(async (error: unknown) => {
      await changeWatch(context, watch, (stored) => Object.assign(stored, { state: 'gave-up', redeployToken: null }));
      await auditAction(context, watch.orgId, WATCH_ACTOR, `redeploy id=${old.id}`, errorText(error));
      await recordEvent(context, { orgId: watch.orgId, kind: 'action-failed', ruleId: WATCH_ACTOR, instanceId: old.id, action: 'redeploy', result: 'failed', message: `${why}, and the redeploy failed: ${errorText(error)}. Restart it by hand, or watch it again once fixed.` }, watch.channel);
    })
    .finally(() => context.background.delete(key));
  context.background.set(key, work);
}
