// Moving an instance's work to another machine: the same template on the cheapest equivalent offer
// (the same GPU; the same provider first when asked), wait until it is ready, then destroy the old
// one, so exactly one machine is left. Shared by watch (a restart is impossible) and a rule's migrate.
import { UserError } from '#core/errors.ts';
import { formatUsd, usdToMicros } from '#domain/ledger.ts';
import type { InstanceRecord } from '#store/fleet-schema.ts';
import type { FleetService } from '../fleet/index.ts';
import type { DeployRequest } from '../fleet/deploy-plan.ts';
import { findTemplate } from '../fleet/records.ts';

export interface RedeployRequest {
  /** The instance whose work moves. */
  old: InstanceRecord;
  /** Who the new machine is billed to (platform:userId), or rule:<id>. */
  actor: string;
  /** The deploy token: the same token never rents twice, and a restarted bot resumes it. */
  token: string;
  /** Only this provider (migrate provider=). */
  provider?: string | null | undefined;
  /** Try the old instance's provider before the others (watch). */
  sameProviderFirst?: boolean;
}

export interface RedeployResult {
  record: InstanceRecord;
  /** One line: where it went and what it costs now. */
  message: string;
}

export async function redeploy(fleet: FleetService, request: RedeployRequest): Promise<RedeployResult> {
  const { old } = request;
  if (!old.templateId) throw new UserError(`${old.id} was not deployed from a template, so there is nothing to redeploy it from.`);
  const template = findTemplate(fleet.context.db.data, old.orgId, old.templateId);
  const wanted: DeployRequest = {
    orgId: old.orgId,
    projectId: old.projectId,
    actor: request.actor,
    templateId: old.templateId,
    gpu: old.gpu,
    gpuCount: old.gpuCount,
    name: old.name,
    token: request.token,
    // A template without an image of its own ran the image the user named.
    ...(!template.image && old.image && { image: old.image }),
  };
  const makePlan = async () => {
    if (request.provider) return fleet.deployments.plan({ ...wanted, provider: request.provider });
    if (request.sameProviderFirst) {
      try {
        return await fleet.deployments.plan({ ...wanted, provider: old.provider });
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
      }
    }
    return fleet.deployments.plan(wanted);
  };
  const record = await fleet.deployments.deploy(old.orgId, request.token, makePlan, async () => undefined);
  if (record.phase !== 'ready') throw new UserError(`the new machine did not come up: ${record.failure ?? record.status}`);
  let oldFate = 'the old machine was already gone';
  if (!old.destroyedAt && old.providerInstanceId) {
    await fleet.apply(old, 'destroy');
    oldFate = `${old.id} was destroyed`;
  }
  const message = `${old.id} moved to ${record.id} on ${record.provider} (${record.gpu}) at ${formatUsd(usdToMicros(record.pricePerHour))}/h; ${oldFate}.`;
  return { record, message };
}
