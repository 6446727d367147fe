// start, stop, restart, destroy one instance. A provider that cannot do an operation says so with
// its reason and the alternative before anything is sent.
import type { Capability } from '#providers/types.ts';
import { UserError } from '#core/errors.ts';
import { markGone, observe } from '#domain/fleet.ts';
import { formatUsd, usdToMicros } from '#domain/ledger.ts';
import type { InstanceRecord } from '#store/fleet-schema.ts';
import type { FleetContext } from './context.ts';
import { providerOf } from './deploy.ts';
import { requireCapability } from './bound-providers.ts';

export type LifecycleAction = 'start' | 'stop' | 'restart' | 'destroy';

export interface LifecycleResult {
  record: InstanceRecord;
  /** What happened, in words, including what still bills. */
  message: string;
}

/** Refuses early, with the reason, when the action cannot apply to this instance. */
export function checkAction(context: FleetContext, record: InstanceRecord, action: LifecycleAction): void {
  if (record.destroyedAt) throw new UserError(`${record.id} (${record.name}) is already ${record.status}; there is nothing to ${action}.`);
  if (!record.providerInstanceId && record.phase === 'cleanup-pending') {
    throw new UserError(`${record.id}'s deploy failed and no machine of it is known yet; every sync looks for one carrying its label and destroys it. See: instances`);
  }
  if (!record.providerInstanceId) throw new UserError(`${record.id} is still being created; wait for the deploy to finish, then try again.`);
  // Destroy is the one operation every provider has; the others are capabilities of the same name.
  if (action !== 'destroy') requireCapability(providerOf(context, record), action satisfies Capability);
  if (action === 'start' && record.status === 'running') throw new UserError(`${record.id} is already running.`);
  if (action === 'stop' && (record.status === 'stopped' || record.status === 'exited')) throw new UserError(`${record.id} is already stopped.`);
}

export async function applyAction(context: FleetContext, record: InstanceRecord, action: LifecycleAction): Promise<LifecycleResult> {
  checkAction(context, record, action);
  const provider = providerOf(context, record);
  const id = record.providerInstanceId!;
  const { db } = context;
  if (action === 'destroy') {
    await provider.adapter.destroy(id);
    await db.update((data) => markGone(record, data.ledger, context.now().getTime()));
    return { record, message: `Destroyed ${record.id} (${record.name}) on ${provider.name}. Billing has stopped; its cost stays in the cost report.` };
  }
  await provider.adapter[action](id);
  // The next sync catches up if the provider cannot report right now.
  const instance = await provider.adapter.getInstance(id).catch(() => undefined);
  if (instance) await db.update((data) => observe(record, instance, data.ledger, context.now().getTime()));
  return { record, message: describe(record, action) };
}

function describe(record: InstanceRecord, action: Exclude<LifecycleAction, 'destroy'>): string {
  const what = `${record.id} (${record.name})`;
  if (action === 'stop') {
    const disk = record.stoppedPricePerHour ?? 0;
    return disk > 0
      ? `Stopping ${what}. Its disk still bills ${formatUsd(usdToMicros(disk))}/h while stopped; destroy it to stop all charges.`
      : `Stopping ${what}. The GPU is released; start it again with: start ${record.id}`;
  }
  if (action === 'start') return `Starting ${what}. It bills ${formatUsd(usdToMicros(record.pricePerHour))}/h once running. If its GPU was rented meanwhile the provider may take a while, or refuse.`;
  return `Restarting ${what}.`;
}
