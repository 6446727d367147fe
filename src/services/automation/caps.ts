// Cost caps: after every sync, the spend of an instance, a project or the whole org over its period
// (the UTC day, the UTC month, or since creation) is read from the ledger, which the sync has just
// brought up to its last observation, plus the time since then at each instance's current rate (a
// provider that did not answer this sync still costs money). At 80 % a warning; at the cap its action
// (stop, destroy, notify) on everything in scope that is still billing, once per period. Acting at
// the first evaluation past the cap bounds the overshoot to one sync interval of spend.
import { billingRate } from '#domain/fleet.ts';
import { amountFor, amountWithin, formatUsd, monthStartMs, usdToMicros } from '#domain/ledger.ts';
import type { CapRecord } from '#store/automation-schema.ts';
import type { InstanceRecord, LedgerEntry } from '#store/fleet-schema.ts';
import { instanceCostMicros } from '#store/series-ledger.ts';
import type { Db } from '#store/db.ts';
import { auditAction, errorText, recordEvent, type AutomationContext } from './context.ts';
import type { NewEvent } from './events.ts';

const DAY_MS = 86_400_000;
export const CAP_WARNING_SHARE = 0.8;

/** The period a cap counts in now: its start and a key that names it (a cap acts once per period). */
export function capPeriod(per: CapRecord['per'], nowMs: number): { fromMs: number; key: string } {
  if (per === 'day') {
    const fromMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
    return { fromMs, key: new Date(fromMs).toISOString().slice(0, 10) };
  }
  if (per === 'month') {
    const fromMs = monthStartMs(nowMs);
    return { fromMs, key: new Date(fromMs).toISOString().slice(0, 7) };
  }
  return { fromMs: 0, key: 'total' };
}

export function capScope(cap: CapRecord): string {
  return cap.instanceId ?? (cap.projectId ? `project ${cap.projectId}` : 'the org');
}

/** Closed ledger entries in the series from a moment on. */
export type SealedLedger = (fromMs: number) => Promise<readonly LedgerEntry[]>;

/** One evaluation's reader of the ledger series: each start is read from disk once, however many caps and orgs ask. */
export function sealedLedgerReader(db: Db): SealedLedger {
  const reads = new Map<number, Promise<LedgerEntry[]>>();
  return (fromMs) => {
    let read = reads.get(fromMs);
    if (!read) {
      read = db.series.ledger.list({ fromMs });
      reads.set(fromMs, read);
    }
    return read;
  };
}

/** Whether an instance record or a ledger entry counts towards the cap. */
export function inCapScope(cap: CapRecord, item: { orgId: string; projectId: string; instanceId?: string; id?: string }): boolean {
  if (item.orgId !== cap.orgId) return false;
  if (cap.instanceId) return (item.instanceId ?? item.id) === cap.instanceId;
  return !cap.projectId || item.projectId === cap.projectId;
}

/** What the scope's instances have cost since their last accrual (the ledger's end), at their rate now. */
function unaccruedMicros(records: readonly InstanceRecord[], fromMs: number, nowMs: number): number {
  return records.reduce((sum, record) => {
    if (record.destroyedAt) return sum;
    return sum + amountFor(usdToMicros(billingRate(record)), Math.max(fromMs, Date.parse(record.accruedUntil)), nowMs);
  }, 0);
}

/** Micro-dollars the cap's scope has cost in its period: the ledger, extrapolated to now. */
async function capSpendMicros(context: AutomationContext, cap: CapRecord, nowMs: number, sealedLedger: SealedLedger): Promise<number> {
  const { data } = context.db;
  const records = data.instances.filter((record) => inCapScope(cap, record));
  if (cap.per === 'total') {
    return records.reduce((sum, record) => sum + instanceCostMicros(data, record.orgId, record.id), 0) + unaccruedMicros(records, 0, nowMs);
  }
  const window = { fromMs: capPeriod(cap.per, nowMs).fromMs, toMs: nowMs };
  // Closed entries already in the series may have started up to a day before the window.
  const sealed = await sealedLedger(window.fromMs - DAY_MS);
  const ledger = [...data.ledger, ...sealed].filter((entry) => inCapScope(cap, entry)).reduce((sum, entry) => sum + amountWithin(entry, window), 0);
  return ledger + unaccruedMicros(records, window.fromMs, nowMs);
}

export async function checkCaps(context: AutomationContext, orgId: string, sealedLedger: SealedLedger): Promise<void> {
  const nowMs = context.now().getTime();
  for (const cap of context.db.data.automation.caps.filter((candidate) => candidate.orgId === orgId)) {
    try {
      await checkCap(context, cap, nowMs, sealedLedger);
    } catch (error) {
      context.log.error({ err: error, orgId, capId: cap.id }, 'cap check failed');
    }
  }
}

async function checkCap(context: AutomationContext, cap: CapRecord, nowMs: number, sealedLedger: SealedLedger): Promise<void> {
  const period = capPeriod(cap.per, nowMs);
  const spent = await capSpendMicros(context, cap, nowMs, sealedLedger);
  const limit = usdToMicros(cap.usd);
  const base = { orgId: cap.orgId, ruleId: cap.id, ...(cap.instanceId && { instanceId: cap.instanceId }), values: { spend: spent / 1e6, cap: cap.usd } };
  const what = `${capScope(cap)} has cost ${formatUsd(spent)} ${cap.per === 'total' ? 'in all' : `this ${cap.per}`} (cap ${formatUsd(limit)})`;
  const mark = (change: Partial<CapRecord>) =>
    context.db.update((data) => {
      const stored = data.automation.caps.find((candidate) => candidate.orgId === cap.orgId && candidate.id === cap.id);
      if (stored) Object.assign(stored, change);
    });
  if (spent >= limit && cap.hitPeriod !== period.key) {
    await mark({ hitPeriod: period.key, warnedPeriod: period.key });
    const done = await actOnScope(context, cap, (record) => billingNow(record, cap.action), base);
    const acted = cap.action === 'notify' ? '' : done.length ? `; ${cap.action === 'stop' ? 'stopped' : 'destroyed'} ${done.join(', ')}` : '; nothing was billing';
    await recordEvent(context, { ...base, kind: 'cap-hit', action: cap.action, result: 'ok', message: `${what}${acted}.` }, cap.channel);
    return;
  }
  // Past the cap in this period already: a machine still running (its action failed, or it was started again) is acted on again.
  if (spent >= limit && cap.action !== 'notify') {
    await actOnScope(context, cap, (record) => record.status === 'running', base);
    return;
  }
  if (spent >= limit * CAP_WARNING_SHARE && spent < limit && cap.warnedPeriod !== period.key) {
    await mark({ warnedPeriod: period.key });
    await recordEvent(context, { ...base, kind: 'cap-warning', result: 'warned', message: `${what}: ${Math.floor((spent / limit) * 100)}% of it.` }, cap.channel);
  }
}

/** Takes the cap's action on the instances in scope that `select` picks; returns the ids it was taken on. */
async function actOnScope(context: AutomationContext, cap: CapRecord, select: (record: InstanceRecord) => boolean, base: Omit<NewEvent, 'at' | 'kind' | 'result' | 'message'>): Promise<string[]> {
  if (cap.action === 'notify') return [];
  const action = cap.action;
  const done: string[] = [];
  for (const record of context.db.data.instances.filter((candidate) => inCapScope(cap, candidate) && !candidate.destroyedAt && candidate.providerInstanceId && select(candidate))) {
    const line = `${action} id=${record.id}`;
    const by = `cap:${cap.id}`;
    try {
      await context.fleet.apply(record, action);
      await auditAction(context, cap.orgId, by, line);
      done.push(record.id);
    } catch (error) {
      await auditAction(context, cap.orgId, by, line, errorText(error));
      await recordEvent(context, { ...base, instanceId: record.id, kind: 'action-failed', action, result: 'failed', message: `${action} ${record.id} at the cap failed: ${errorText(error)}` }, cap.channel);
    }
  }
  return done;
}

function billingNow(record: InstanceRecord, action: CapRecord['action']): boolean {
  // A stopped machine bills only its disk: stopping it again does nothing, destroying it ends that too.
  return action === 'destroy' || (record.status !== 'stopped' && record.status !== 'exited');
}
