// Reconciles every org's providers into the store: status, price, SSH, metrics, cost. Machines the
// bot did not deploy appear as external; machines carrying our label are adopted, never duplicated.
// A provider that cannot be listed this round changes nothing (no instance is marked gone on an error).
// Failed deploys whose clean-up is not certain yet are retried on every provider that listed.
import { deployPhase, isDeploying, markGone, observe, tokenFromLabel } from '#domain/fleet.ts';
import type { Instance } from '#domain/instance.ts';
import type { Database } from '#store/schema.ts';
import type { InstanceRecord, MetricSample } from '#store/fleet-schema.ts';
import type { FleetContext } from './context.ts';
import type { BoundProvider } from './bound-providers.ts';
import { retryPendingCleanups } from './cleanup.ts';
import { allocateInstanceId } from './records.ts';
import { ProviderError, type ProviderErrorKind } from '#providers/errors.ts';

export interface SyncReport {
  /** provider names listed successfully, per org */
  synced: { orgId: string; provider: string; instances: number }[];
  /** `kind`: the provider error's kind (auth: the key was refused), when it was one. */
  failed: { orgId: string; provider: string; error: string; kind?: ProviderErrorKind | undefined }[];
  adopted: string[];
  gone: string[];
  /** Failed deploys whose clean-up this sync made certain. */
  cleaned: string[];
  /** The GPU metric samples this sync took (the automation reads the latest of each instance). */
  samples: MetricSample[];
}

export async function syncFleet(context: FleetContext, orgIds?: readonly string[]): Promise<SyncReport> {
  const report: SyncReport = { synced: [], failed: [], adopted: [], gone: [], cleaned: [], samples: [] };
  const orgs = orgIds ?? context.db.data.orgs.map((org) => org.id);
  for (const orgId of orgs) {
    const providers = context.providersFor(orgId);
    const listedAtMs = context.now().getTime();
    const listings = await Promise.allSettled(providers.map((provider) => provider.adapter.listInstances()));
    const samples: MetricSample[] = [];
    await context.db.update((data) => {
      listings.forEach((listing, index) => {
        const provider = providers[index]!;
        if (listing.status === 'rejected') {
          const error = listing.reason instanceof Error ? listing.reason.message : String(listing.reason);
          context.log.warn({ orgId, provider: provider.name, err: listing.reason }, 'sync could not list instances');
          report.failed.push({ orgId, provider: provider.name, error, kind: listing.reason instanceof ProviderError ? listing.reason.kind : undefined });
          return;
        }
        reconcile(context, data, orgId, provider, listing.value, listedAtMs, report, samples);
        report.synced.push({ orgId, provider: provider.name, instances: listing.value.length });
      });
    });
    await context.db.series.metrics.append(...samples);
    report.samples.push(...samples);
    for (const [index, listing] of listings.entries()) {
      if (listing.status === 'fulfilled') report.cleaned.push(...(await retryPendingCleanups(context, orgId, providers[index]!, listing.value)));
    }
  }
  return report;
}

function reconcile(context: FleetContext, data: Database, orgId: string, provider: BoundProvider, instances: Instance[], listedAtMs: number, report: SyncReport, samples: MetricSample[]): void {
  const nowMs = context.now().getTime();
  const seen = new Set<InstanceRecord>();
  for (const instance of instances) {
    if (instance.status === 'terminated') continue;
    const record = match(data, orgId, provider, instance) ?? adopt(context, data, orgId, provider, instance, report);
    if (!record) continue;
    seen.add(record);
    observe(record, instance, data.ledger, nowMs);
    if (isDeploying(record.phase)) {
      const { phase } = deployPhase(instance);
      // Failing a deploy (and cleaning up) is the deploy's job; sync only reports progress.
      if (phase !== 'failed') record.phase = phase;
      if (phase === 'ready') record.readyAt ??= new Date(nowMs).toISOString();
    }
    if (instance.metrics) samples.push(sample(record, instance));
  }
  for (const record of data.instances) {
    if (record.orgId !== orgId || record.provider !== provider.name || record.destroyedAt || !record.providerInstanceId || seen.has(record)) continue;
    // Seen after the listing was taken (a deploy that just created it): absence proves nothing.
    if (record.lastSeenAt && Date.parse(record.lastSeenAt) >= listedAtMs) continue;
    markGone(record, data.ledger, nowMs);
    report.gone.push(record.id);
  }
}

/** Our record of this machine: by provider id, else by the deploy token in its label. */
function match(data: Database, orgId: string, provider: BoundProvider, instance: Instance): InstanceRecord | undefined {
  const byId = data.instances.find(
    (record) => record.provider === provider.name && record.providerInstanceId === instance.providerInstanceId && !record.destroyedAt,
  );
  if (byId) return byId.orgId === orgId ? byId : undefined;
  const token = tokenFromLabel(instance.name);
  if (!token) return undefined;
  const byToken = data.instances.find((record) => record.orgId === orgId && record.deployToken === token && !record.providerInstanceId);
  if (byToken) byToken.providerInstanceId = instance.providerInstanceId;
  return byToken;
}

/** A machine with no record: ours if it carries our label (the record was lost), else external. */
function adopt(context: FleetContext, data: Database, orgId: string, provider: BoundProvider, instance: Instance, report: SyncReport): InstanceRecord | undefined {
  // The same account can be bound to several orgs; a machine belongs to the first that saw it.
  if (data.instances.some((record) => record.provider === provider.name && record.providerInstanceId === instance.providerInstanceId && !record.destroyedAt)) return undefined;
  const token = tokenFromLabel(instance.name);
  // Another org's deploy whose create was not recorded yet (several orgs on one account, e.g. the simulator).
  if (token && data.instances.some((record) => record.deployToken === token && record.orgId !== orgId)) return undefined;
  const org = data.orgs.find((candidate) => candidate.id === orgId);
  const nowIso = context.now().toISOString();
  const record: InstanceRecord = {
    id: allocateInstanceId(data, orgId),
    orgId,
    projectId: org?.defaultProjectId ?? 'default',
    provider: provider.name,
    providerInstanceId: instance.providerInstanceId,
    label: instance.name ?? '',
    deployToken: token ?? null,
    name: instance.name || `${provider.name}-${instance.providerInstanceId}`,
    templateId: null,
    external: !token,
    createdBy: null,
    status: instance.status,
    phase: null,
    rawStatus: instance.rawStatus,
    gpu: instance.gpu,
    gpuCount: instance.gpuCount,
    pricePerHour: instance.pricePerHour,
    interruptible: instance.interruptible,
    ssh: null,
    ports: [],
    simulated: instance.simulated,
    createdAt: instance.createdAt ?? nowIso,
    // Cost before we first saw it is not ours to guess: the ledger starts now.
    accruedUntil: nowIso,
  };
  data.instances.push(record);
  report.adopted.push(record.id);
  return record;
}

function sample(record: InstanceRecord, instance: Instance): MetricSample {
  const metrics = instance.metrics!;
  return {
    instanceId: record.id,
    orgId: record.orgId,
    at: metrics.at,
    ...(metrics.gpuUtilPercent !== undefined && { gpuUtilPercent: metrics.gpuUtilPercent }),
    ...(metrics.gpuTempC !== undefined && { gpuTempC: metrics.gpuTempC }),
    ...(metrics.vramUsedGb !== undefined && { vramUsedGb: metrics.vramUsedGb }),
    ...(metrics.vramTotalGb !== undefined && { vramTotalGb: metrics.vramTotalGb }),
  };
}
