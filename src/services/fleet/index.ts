// The fleet service: deploy, sync, lifecycle. Built once in app.ts; commands reach it as services.fleet.
import type { Logger } from '../../log.ts';
import type { Db } from '../../store/db.ts';
import type { LicenceService } from '../licence.ts';
import { DEFAULT_TIMING, type FleetContext, type FleetTiming } from './context.ts';
import { DeployService } from './deploy.ts';
import { applyAction, checkAction, type LifecycleAction } from './lifecycle.ts';
import type { CachedOffers } from './offers.ts';
import type { ProvidersFor } from './providers.ts';
import { syncFleet } from './sync.ts';
import { runApplyTemplate, runLifecycleBatch } from './batch.ts';
import type { InstanceRecord } from '../../store/fleet-schema.ts';

export interface FleetServiceOptions {
  db: Db;
  log: Logger;
  now: () => Date;
  providersFor: ProvidersFor;
  licence: LicenceService;
  timing?: Partial<FleetTiming>;
  sshPublicKey?: string | undefined;
  cachedOffer?: CachedOffers | undefined;
}

export function createFleetService(options: FleetServiceOptions) {
  const stop = new AbortController();
  const context: FleetContext = {
    db: options.db,
    log: options.log,
    now: options.now,
    providersFor: options.providersFor,
    licence: options.licence,
    timing: { ...DEFAULT_TIMING, ...options.timing },
    sshPublicKey: options.sshPublicKey,
    cachedOffer: options.cachedOffer,
    closed: stop.signal,
  };
  const deployments = new DeployService(context);
  return {
    context,
    deployments,
    /** The scheduler calls this every SYNC_INTERVAL_SECONDS; commands call it for fresh data. */
    async sync(orgIds?: readonly string[]) {
      const report = await syncFleet(context, orgIds);
      deployments.resumeInterrupted();
      return report;
    },
    check: (record: InstanceRecord, action: LifecycleAction) => checkAction(context, record, action),
    apply: (record: InstanceRecord, action: LifecycleAction) => applyAction(context, record, action),
    batch: (records: readonly InstanceRecord[], action: LifecycleAction) => runLifecycleBatch(context, records, action),
    applyTemplate: (records: readonly InstanceRecord[], request: { templateId: string; actor: string }) => runApplyTemplate(context, deployments, records, request),
    /** Stops deploy loops so the process can exit; a restarted bot resumes them by token. */
    close: () => stop.abort(),
  };
}

export type FleetService = ReturnType<typeof createFleetService>;
export type { BoundProvider, ProvidersFor } from './providers.ts';
