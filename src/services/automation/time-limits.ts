// deploy … stop-after=2h / destroy-after=: once the instance's time is up, the evaluation after the
// next sync stops or destroys it (so it runs over by at most one sync interval) and records a
// `cap-hit` event; a limit whose instance is gone is dropped.
import { UserError } from '#core/errors.ts';
import type { TimeLimitRecord } from '#store/automation-schema.ts';
import { findInstance } from '../fleet/records.ts';
import { auditAction, errorText, recordEvent, type AutomationContext } from './context.ts';

export const TIME_LIMIT_ACTOR = 'time-limit';

export async function setTimeLimit(context: AutomationContext, orgId: string, reference: string, limit: Pick<TimeLimitRecord, 'action' | 'after' | 'createdBy' | 'channel'> & { seconds: number }): Promise<TimeLimitRecord> {
  const record = findInstance(context.db.data, orgId, reference);
  if (record.destroyedAt) throw new UserError(`${record.id} is ${record.status}; there is nothing to limit.`);
  const stored: TimeLimitRecord = { orgId, instanceId: record.id, action: limit.action, at: new Date(context.now().getTime() + limit.seconds * 1000).toISOString(), after: limit.after, createdBy: limit.createdBy, channel: limit.channel };
  await context.db.update((data) => {
    data.automation.timeLimits = [...data.automation.timeLimits.filter((entry) => !(entry.orgId === orgId && entry.instanceId === record.id)), stored];
  });
  return stored;
}

export async function enforceTimeLimits(context: AutomationContext, orgId: string): Promise<void> {
  const nowMs = context.now().getTime();
  for (const limit of context.db.data.automation.timeLimits.filter((entry) => entry.orgId === orgId && Date.parse(entry.at) <= nowMs)) {
    const record = context.db.data.instances.find((candidate) => candidate.orgId === orgId && candidate.id === limit.instanceId);
    const drop = () =>
      context.db.update((data) => {
        data.automation.timeLimits = data.automation.timeLimits.filter((entry) => !(entry.orgId === orgId && entry.instanceId === limit.instanceId));
      });
    const base = { orgId, kind: 'cap-hit' as const, ruleId: TIME_LIMIT_ACTOR, instanceId: limit.instanceId, action: limit.action };
    if (!record || record.destroyedAt || !record.providerInstanceId || (limit.action === 'stop' && (record.status === 'stopped' || record.status === 'exited'))) {
      await drop();
      continue;
    }
    const line = `${limit.action} id=${record.id}`;
    try {
      await context.fleet.apply(record, limit.action);
      await drop();
      await auditAction(context, orgId, TIME_LIMIT_ACTOR, line);
      await recordEvent(context, { ...base, result: 'ok', message: `${record.id} (${record.name}) reached its ${limit.after} time limit; ${limit.action === 'stop' ? 'stopped' : 'destroyed'} it.` }, limit.channel);
    } catch (error) {
      // Kept: the next evaluation tries again.
      await auditAction(context, orgId, TIME_LIMIT_ACTOR, line, errorText(error));
      await recordEvent(context, { ...base, kind: 'action-failed', result: 'failed', message: `${record.id} reached its ${limit.after} time limit, but ${limit.action} failed: ${errorText(error)}. I try again after the next sync.` }, limit.channel);
    }
  }
}
