// Batch operations: one action over a set of instances. Each provider's share runs one at a time
// (its rate limits hold, and its adapter paces calls); providers run side by side.
import { UserError } from '#core/errors.ts';
import { deployTokenFor } from '#domain/confirmations.ts';
import type { InstanceRecord } from '#store/fleet-schema.ts';
import type { FleetContext } from './context.ts';
import type { DeployService } from './deploy.ts';
import { newDeployToken } from './deploy-plan.ts';
import { applyAction, type LifecycleAction } from './lifecycle.ts';

export interface BatchResult {
  id: string;
  ok: boolean;
  message: string;
  /** For apply-template: the instance that replaced this one. */
  replacedBy?: string;
}

async function perProvider(records: readonly InstanceRecord[], work: (record: InstanceRecord) => Promise<BatchResult>): Promise<BatchResult[]> {
  const byProvider = new Map<string, InstanceRecord[]>();
  for (const record of records) byProvider.set(record.provider, [...(byProvider.get(record.provider) ?? []), record]);
  const results = new Map<string, BatchResult>();
  await Promise.all(
    [...byProvider.values()].map(async (share) => {
      for (const record of share) results.set(record.id, await work(record));
    }),
  );
  return records.map((record) => results.get(record.id)!);
}

function failure(record: InstanceRecord, error: unknown): BatchResult {
  return { id: record.id, ok: false, message: error instanceof UserError ? error.message : 'failed unexpectedly (see the log)' };
}

export function runLifecycleBatch(context: FleetContext, records: readonly InstanceRecord[], action: LifecycleAction): Promise<BatchResult[]> {
  return perProvider(records, async (record) => {
    try {
      const result = await applyAction(context, record, action);
      return { id: record.id, ok: true, message: result.message };
    } catch (error) {
      if (!(error instanceof UserError)) context.log.error({ err: error, instanceId: record.id, action }, 'batch action failed');
      return failure(record, error);
    }
  });
}

export interface ApplyTemplateRequest {
  templateId: string;
  actor: string;
  /** The confirmation carried out: each replacement's deploy token is derived from it. */
  confirmationId?: string;
}

/**
 * Redeploys each instance with the template on the same provider and GPU, then destroys the old one
 * once the new one is ready. A replacement that fails leaves the old instance untouched.
 */
export function runApplyTemplate(
  context: FleetContext,
  deployments: DeployService,
  records: readonly InstanceRecord[],
  request: ApplyTemplateRequest,
): Promise<BatchResult[]> {
  return perProvider(records, async (record) => {
    try {
      if (record.destroyedAt) throw new UserError(`${record.id} is already ${record.status}.`);
      const token = request.confirmationId ? deployTokenFor(request.confirmationId, record.id) : newDeployToken();
      const replacement = await deployments.deploy(
        record.orgId,
        token,
        () =>
          deployments.plan({
            orgId: record.orgId,
            projectId: record.projectId,
            actor: request.actor,
            templateId: request.templateId,
            gpu: record.gpu,
            gpuCount: record.gpuCount,
            provider: record.provider,
            name: record.name,
            token,
          }),
        async () => undefined,
      );
      if (replacement.phase !== 'ready') return { id: record.id, ok: false, message: `the replacement ${replacement.id} failed (${replacement.failure ?? replacement.status}); ${record.id} was left as it was.` };
      await applyAction(context, record, 'destroy');
      return { id: record.id, ok: true, replacedBy: replacement.id, message: `replaced by ${replacement.id} running ${request.templateId}; ${record.id} destroyed.` };
    } catch (error) {
      return failure(record, error);
    }
  });
}
