// The fleet service: deploy, sync, lifecycle. Built once in app.ts; commands reach it as services.fleet.
import { DEFAULT_TIMING, type FleetContext, type FleetTiming } from './context.ts';
import { DeployService } from './deploy.ts';
import { applyAction, checkAction, type LifecycleAction } from './lifecycle.ts';
import { syncFleet, type SyncReport } from './sync.ts';
import { runApplyTemplate, runLifecycleBatch, type ApplyTemplateRequest } from './batch.ts';
import type { InstanceRecord } from '#store/fleet-schema.ts';

/** What the fleet is built from: its context, with default timings and without the close signal it owns. */
export type FleetServiceOptions = Omit<FleetContext, 'timing' | 'closed' | 'sshPublicKey'> & { timing?: Partial<FleetTiming>; sshPublicKey?: string | undefined };

export function createFleetService(options: FleetServiceOptions) {
  const stop = new AbortController();
  const context: FleetContext = { ...options, timing: { ...DEFAULT_TIMING, ...options.timing }, sshPublicKey: options.sshPublicKey, closed: stop.signal };
  const deployments = new DeployService(context);
  /** When each org's fleet was last checked with its providers (in this process), and what failed then. */
  const lastSyncs = new Map<string, LastSync>();
  return {
    context,
    deployments,
    /** The scheduler calls this every SYNC_INTERVAL_SECONDS; commands call it for fresh data. */
    async sync(orgIds?: readonly string[]) {
      const report = await syncFleet(context, orgIds);
      const at = context.now();
      for (const orgId of orgIds ?? context.db.data.orgs.map((org) => org.id)) lastSyncs.set(orgId, { at, failed: report.failed.filter((failure) => failure.orgId === orgId) });
      deployments.resumeInterrupted();
      return report;
    },
    /** The last sync of this org, for answers that read the store instead of calling every provider. */
    lastSync: (orgId: string): LastSync | undefined => lastSyncs.get(orgId),
    check: (record: InstanceRecord, action: LifecycleAction) => checkAction(context, record, action),
    apply: (record: InstanceRecord, action: LifecycleAction) => applyAction(context, record, action),
    batch: (records: readonly InstanceRecord[], action: LifecycleAction) => runLifecycleBatch(context, records, action),
    applyTemplate: (records: readonly InstanceRecord[], request: ApplyTemplateRequest) => runApplyTemplate(context, deployments, records, request),
    /** Stops deploy loops so the process can exit; a restarted bot resumes them by token. */
    close: () => stop.abort(),
  };
}

export interface LastSync {
  at: Date;
  failed: SyncReport['failed'];
}

export type FleetService = ReturnType<typeof createFleetService>;
export type { BoundProvider, ProvidersFor } from './bound-providers.ts';
