// idle: an instance whose GPU util stays under the threshold at every sync for the whole duration is
// idle: one `idle` event and the action (stop, destroy or notify) through the fleet, at most once per
// stretch, not again within the cooldown, and within the org's budget of automatic actions.
import { DEFAULT_COOLDOWN_SECONDS, describeDuration } from '#domain/rules/index.ts';
import type { IdleRecord } from '#store/automation-schema.ts';
import type { InstanceRecord, MetricSample } from '#store/fleet-schema.ts';
import { UserError } from '#core/errors.ts';
import { providerEntry, providerLabel, providersThat } from '#domain/providers.ts';
import { inWords } from '#domain/words.ts';
import { findInstance } from '../fleet/records.ts';
import { auditAction, errorText, nextId, recordEvent, type AutomationContext } from './context.ts';
import { budgetRefusal, chargeBudget } from './budget.ts';
import { metricKey } from './snapshot.ts';

type IdleTarget = IdleRecord['targets'][string];

export function idleScope(idle: Pick<IdleRecord, 'instanceId' | 'projectId'>): string {
  return idle.instanceId ?? (idle.projectId ? `project ${idle.projectId}` : 'the org');
}

function inScope(idle: IdleRecord, record: InstanceRecord): boolean {
  if (record.orgId !== idle.orgId || record.destroyedAt || !record.providerInstanceId || record.status !== 'running') return false;
  if (idle.instanceId) return record.id === idle.instanceId;
  return !idle.projectId || record.projectId === idle.projectId;
}

export async function checkIdles(context: AutomationContext, orgId: string, latestMetrics: ReadonlyMap<string, MetricSample>): Promise<void> {
  for (const idle of context.db.data.automation.idles.filter((candidate) => candidate.orgId === orgId)) {
    try {
      await checkIdle(context, idle, latestMetrics);
    } catch (error) {
      context.log.error({ err: error, orgId, idleId: idle.id }, 'idle check failed');
    }
  }
}

async function checkIdle(context: AutomationContext, idle: IdleRecord, latestMetrics: ReadonlyMap<string, MetricSample>): Promise<void> {
  const nowMs = context.now().getTime();
  const next: Record<string, IdleTarget> = {};
  for (const record of context.db.data.instances.filter((candidate) => inScope(idle, candidate))) {
    const before = idle.targets[record.id];
    const util = latestMetrics.get(metricKey(record.orgId, record.id))?.gpuUtilPercent;
    const cooling = before?.lastFiredAt ? nowMs < Date.parse(before.lastFiredAt) + DEFAULT_COOLDOWN_SECONDS * 1000 : false;
    // No reading, or a busy GPU, ends the stretch: idle means under the threshold at every sync.
    if (util === undefined || util >= idle.belowPct) {
      if (cooling) next[record.id] = { lowSince: null, lastFiredAt: before!.lastFiredAt, firing: false, skipped: false };
      continue;
    }
    const target: IdleTarget = before?.lowSince ? { ...before } : { lowSince: new Date(nowMs).toISOString(), lastFiredAt: before?.lastFiredAt ?? null, firing: false, skipped: false };
    next[record.id] = target;
    const heldMs = nowMs - Date.parse(target.lowSince!);
    if (target.firing || heldMs < idle.forSeconds * 1000 || cooling) continue;
    const refusal = idle.action === 'notify' ? undefined : budgetRefusal(context, idle.orgId, nowMs);
    if (refusal) {
      if (!target.skipped) await recordEvent(context, { orgId: idle.orgId, kind: 'skipped', ruleId: idle.id, instanceId: record.id, action: idle.action, result: 'skipped', message: `${record.id} is idle but not ${idle.action === 'stop' ? 'stopped' : 'destroyed'}: ${refusal}.` }, idle.channel);
      target.skipped = true;
      continue;
    }
    Object.assign(target, { firing: true, skipped: false, lastFiredAt: new Date(nowMs).toISOString() });
    await actOnIdle(context, idle, record, util, heldMs);
  }
  if (JSON.stringify(next) === JSON.stringify(idle.targets)) return;
  await context.db.update((data) => {
    const stored = data.automation.idles.find((candidate) => candidate.orgId === idle.orgId && candidate.id === idle.id);
    if (stored) stored.targets = next;
  });
}

async function actOnIdle(context: AutomationContext, idle: IdleRecord, record: InstanceRecord, util: number, heldMs: number): Promise<void> {
  const base = { orgId: idle.orgId, ruleId: idle.id, instanceId: record.id, action: idle.action, values: { gpu_util: util, below: idle.belowPct } };
  const seen = `${record.id} (${record.name}) has had its GPU under ${idle.belowPct}% for ${describeDuration(heldMs / 1000)} (now ${util}%)`;
  if (idle.action === 'notify') {
    await recordEvent(context, { ...base, kind: 'idle', result: 'ok', message: `${seen}.` }, idle.channel);
    return;
  }
  await chargeBudget(context, idle.orgId, { ruleId: idle.id, instanceId: record.id, action: idle.action });
  const line = `${idle.action} id=${record.id}`;
  const by = `idle:${idle.id}`;
  try {
    await context.fleet.apply(record, idle.action);
    await auditAction(context, idle.orgId, by, line);
    await recordEvent(context, { ...base, kind: 'idle', result: 'ok', message: `${seen}; ${idle.action === 'stop' ? 'stopped' : 'destroyed'} it.` }, idle.channel);
  } catch (error) {
    await auditAction(context, idle.orgId, by, line, errorText(error));
    await recordEvent(context, { ...base, kind: 'action-failed', result: 'failed', message: `${seen}, but ${idle.action} failed: ${errorText(error)}` }, idle.channel);
  }
}

/** Idle is read from the GPU metrics the provider reports: on a provider that reports none it could never fire. */
function refuseWithoutGpuMetrics(instance: InstanceRecord): void {
  const metrics = providerEntry(instance.provider).capabilities.gpuMetrics;
  if (metrics === true) return;
  throw new UserError(
    `${instance.id} is on ${providerLabel(instance.provider)}: ${metrics.reason}, so an idle check could never see it idle. ` +
      `Idle checks work on ${inWords(providersThat('gpuMetrics', true), 'and')} instances${metrics.alternative ? `; for this one, ${metrics.alternative}` : ''}.`,
  );
}

/** The org's idle checks: added, listed, removed (checkIdles runs them). */
export class IdleChecks {
  constructor(private readonly context: AutomationContext) {}

  list(orgId: string): IdleRecord[] {
    return this.context.db.data.automation.idles.filter((idle) => idle.orgId === orgId);
  }

  add(orgId: string, settings: Pick<IdleRecord, 'belowPct' | 'forSeconds' | 'action' | 'createdBy' | 'channel'> & { instance: string | null; projectId: string | null }): Promise<IdleRecord> {
    const instance = settings.instance ? findInstance(this.context.db.data, orgId, settings.instance) : undefined;
    if (instance) refuseWithoutGpuMetrics(instance);
    const instanceId = instance?.id ?? null;
    const { belowPct, forSeconds, action, createdBy, channel } = settings;
    return this.context.db.update((data) => {
      const idle: IdleRecord = { orgId, id: nextId(data, `idles:${orgId}`, 'idle'), instanceId, projectId: settings.projectId, belowPct, forSeconds, action, targets: {}, createdBy, createdAt: this.context.now().toISOString(), channel };
      data.automation.idles.push(idle);
      return idle;
    });
  }

  /** By its id (idle1), or every idle check of an instance (i3). */
  async remove(orgId: string, reference: string): Promise<IdleRecord[]> {
    const key = reference.toLowerCase();
    const found = this.list(orgId).filter((idle) => idle.id === key || idle.instanceId === key);
    if (found.length === 0) throw new UserError(`There is no idle check ${reference} in this org. See them with: idle list`);
    await this.context.db.update((data) => {
      data.automation.idles = data.automation.idles.filter((idle) => !(idle.orgId === orgId && found.some((entry) => entry.id === idle.id)));
    });
    return found;
  }
}
