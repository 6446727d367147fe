// watch: an instance that is down (the provider says so, or it vanished) while nobody asked it to
// stop is restarted in the same evaluation, with backoff, up to `max` times per outage; when a
// restart is impossible or did not help, its template is redeployed on the cheapest equivalent
// offer (same provider first) and the old machine destroyed, so exactly one machine is left.
import { providerOf } from '../fleet/deploy.ts';
import { newDeployToken } from '../fleet/deploy-plan.ts';
import type { InstanceRecord } from '#store/fleet-schema.ts';
import type { WatchRecord } from '#store/automation-schema.ts';
import { auditAction, errorText, recordEvent, type AutomationContext } from './context.ts';
import { redeploy } from './redeploy.ts';
import { budgetRefusal, chargeBudget } from './budget.ts';
import { downReason, intendedDown, lastIntent } from './down.ts';
import { backoffMs, type BackoffPolicy } from '#domain/backoff.ts';

const WATCH_ACTOR = 'watch';
/** Restarts wait 1, 2, 4… minutes (at most `max` of them); the next attempt is stored, so no jitter. */
const RESTART_BACKOFF: BackoffPolicy = { baseMs: 60_000, maxMs: Number.POSITIVE_INFINITY, jitter: 'none' };

const watchKey = (watch: Pick<WatchRecord, 'orgId' | 'instanceId'>) => `${watch.orgId}/${watch.instanceId}`;

/** Finds the stored watch again inside an update (a rolled-back write replaces the objects). */
function changeWatch(context: AutomationContext, watch: WatchRecord, change: (stored: WatchRecord) => void): Promise<void> {
  return context.db.update((data) => {
    const stored = data.automation.watches.find((candidate) => watchKey(candidate) === watchKey(watch));
    if (stored) change(stored);
  });
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
  const intent = reason ? await lastIntent(context, record, Date.parse(watch.createdAt)) : undefined;
  if (!record || (intent !== 'stop' && intendedDown(intent))) {
    await context.db.update((data) => {
      data.automation.watches = data.automation.watches.filter((candidate) => watchKey(candidate) !== watchKey(watch));
    });
    await recordEvent(context, { orgId: watch.orgId, kind: 'resolved', ruleId: WATCH_ACTOR, instanceId: watch.instanceId, result: 'resolved', message: `${watch.instanceId} was destroyed on request; it is no longer watched.` }, watch.channel);
    return;
  }
  if (!reason || intent === 'stop') {
    if (record.status === 'running' && watch.state !== 'ok') {
      await changeWatch(context, watch, (stored) => Object.assign(stored, { state: 'ok', restarts: 0, downSince: null, nextAttemptAt: null, budgetSkipped: false }));
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
  const refusal = budgetRefusal(context, watch.orgId, nowMs);
  if (refusal) {
    if (watch.budgetSkipped) return;
    await changeWatch(context, watch, (stored) => Object.assign(stored, { budgetSkipped: true }));
    await recordEvent(context, { orgId: watch.orgId, kind: 'skipped', ruleId: WATCH_ACTOR, instanceId: record.id, action: 'restart', result: 'skipped', message: `${record.id} stays down for now: ${refusal}. I try again after each sync.` }, watch.channel);
    return;
  }
  const operation = restartOperation(context, record);
  if (operation && watch.restarts < watch.max) return restartOnce(context, watch, record, operation, nowMs);
  const why = !operation ? 'a restart is impossible here' : `${watch.max} restart${watch.max === 1 ? '' : 's'} did not bring it back`;
  return startRedeploy(context, watch, record, why);
}

async function restartOnce(context: AutomationContext, watch: WatchRecord, record: InstanceRecord, operation: 'start' | 'restart', nowMs: number): Promise<void> {
  const attempt = watch.restarts + 1;
  const nextAttemptAt = new Date(nowMs + backoffMs(attempt - 1, RESTART_BACKOFF)).toISOString();
  await changeWatch(context, watch, (stored) => Object.assign(stored, { restarts: attempt, nextAttemptAt }));
  await chargeBudget(context, watch.orgId, { ruleId: WATCH_ACTOR, instanceId: record.id, action: 'restart' });
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
  if (!watch.redeployToken) await chargeBudget(context, watch.orgId, { ruleId: WATCH_ACTOR, instanceId: old.id, action: 'migrate' });
  await changeWatch(context, watch, (stored) => Object.assign(stored, { state: 'redeploying', redeployToken: token }));
  const key = watchKey(watch);
  const work = redeploy(context.fleet, { old, actor: watch.createdBy, token, sameProviderFirst: true })
    .then(async (result) => {
      // Audited before the watch moves on, so the old machine's end reads as on purpose.
      await auditAction(context, watch.orgId, WATCH_ACTOR, `redeploy id=${old.id}`);
      await changeWatch(context, watch, (stored) => Object.assign(stored, { instanceId: result.record.id, state: 'ok', restarts: 0, downSince: null, nextAttemptAt: null, redeployToken: null, budgetSkipped: false }));
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
