// Cleaning up after a failed deploy: destroy every machine carrying its label. The outcome is certain
// only when the provider's listing answered and every destroy succeeded; otherwise the record stays
// `cleanup-pending`, the user is told that nobody knows yet, and every sync tries again.
import { markGone, tokenFromLabel } from '#domain/fleet.ts';
import type { Instance } from '#domain/instance.ts';
import type { InstanceRecord } from '#store/fleet-schema.ts';
import type { FleetContext } from './context.ts';
import type { BoundProvider } from './bound-providers.ts';

export interface CleanupOutcome {
  /** The provider listed its machines, so we know what carries the label. */
  listed: boolean;
  /** Provider ids whose destroy failed: they may still bill. */
  leftovers: string[];
  /** Provider ids destroyed this time. */
  destroyed: string[];
}

export function isCertain(outcome: CleanupOutcome): boolean {
  return outcome.listed && outcome.leftovers.length === 0;
}

/** Destroys what carries this record's label (and its known provider id); `listing` spares a second list call. */
export async function destroyByLabel(context: FleetContext, provider: BoundProvider, record: InstanceRecord, listing?: readonly Instance[]): Promise<CleanupOutcome> {
  const ids = new Set<string>();
  let listed = true;
  try {
    for (const instance of listing ?? (await provider.adapter.listInstances())) {
      const ours = instance.providerInstanceId === record.providerInstanceId || (record.deployToken && tokenFromLabel(instance.name) === record.deployToken);
      if (ours && instance.status !== 'terminated') ids.add(instance.providerInstanceId);
    }
  } catch (error) {
    listed = false;
    context.log.warn({ provider: provider.name, instanceId: record.id, err: error }, 'could not list instances while cleaning up a failed deploy');
    // Without a listing, the one machine we know of is destroyed anyway (destroy is idempotent).
    if (record.providerInstanceId) ids.add(record.providerInstanceId);
  }
  const outcome: CleanupOutcome = { listed, leftovers: [], destroyed: [] };
  for (const id of ids) {
    try {
      await provider.adapter.destroy(id);
      outcome.destroyed.push(id);
    } catch (error) {
      context.log.error({ provider: provider.name, providerInstanceId: id, err: error }, 'could not destroy after a failed deploy');
      outcome.leftovers.push(id);
    }
  }
  return outcome;
}

/** What the user reads about a clean-up that is not certain yet. */
export function pendingText(provider: string, outcome: CleanupOutcome): string {
  if (outcome.leftovers.length) {
    return (
      `Destroying ${provider} instance ${outcome.leftovers.join(', ')} failed; I will keep trying at every sync. ` +
      `To stop its charges at once, destroy it in the ${provider} console.`
    );
  }
  return `I could not confirm whether a machine was created on ${provider}; I will keep checking and destroy it if it appears.`;
}

/**
 * Records the end of a failed deploy: failed when the clean-up is certain, else clean-up pending
 * (still counted as possibly billing, and retried by sync).
 */
export async function settleFailure(context: FleetContext, provider: BoundProvider, record: InstanceRecord, reason: string, outcome: CleanupOutcome): Promise<void> {
  const certain = isCertain(outcome);
  context.log.warn({ instanceId: record.id, provider: provider.name, reason, cleanupCertain: certain }, 'deploy failed');
  await context.db.update((data) => {
    record.failure = reason;
    if (certain) {
      markGone(record, data.ledger, context.now().getTime(), 'failed');
      record.phase = 'failed';
    } else {
      record.phase = 'cleanup-pending';
      record.cleanup = pendingText(provider.name, outcome);
    }
  });
}

/**
 * One sync's retry for the org's clean-up-pending records on a provider that listed successfully:
 * destroys what still carries their label; a record whose provider shows nothing left becomes failed.
 * Returns the ids of records settled this time.
 */
export async function retryPendingCleanups(context: FleetContext, orgId: string, provider: BoundProvider, listing: readonly Instance[]): Promise<string[]> {
  const pending = context.db.data.instances.filter((record) => record.orgId === orgId && record.provider === provider.name && record.phase === 'cleanup-pending');
  const settled: string[] = [];
  for (const record of pending) {
    const outcome = await destroyByLabel(context, provider, record, listing);
    if (!isCertain(outcome)) {
      await context.db.update(() => {
        record.cleanup = pendingText(provider.name, outcome);
      });
      continue;
    }
    const done = outcome.destroyed.length
      ? `A later check found ${provider.name} instance ${outcome.destroyed.join(', ')} and destroyed it; nothing is left running or billing.`
      : `A later check confirmed that nothing of it is running or billing on ${provider.name}.`;
    context.log.info({ instanceId: record.id, provider: provider.name, destroyed: outcome.destroyed }, 'clean-up of a failed deploy confirmed');
    await context.db.update((data) => {
      markGone(record, data.ledger, context.now().getTime(), 'failed');
      record.phase = 'failed';
      record.cleanup = done;
    });
    settled.push(record.id);
  }
  return settled;
}
