// Deploying a plan (deploy-plan.ts): create with our label → poll until ready, reporting each
// phase → on failure or timeout, destroy whatever carries our label. The deploy token in the
// label makes a retried or double-clicked deploy, or one resumed after a restart, rent one machine.
import { setTimeout as sleep } from 'node:timers/promises';
import { ProviderError } from '#providers/errors.ts';
import type { LaunchSpec } from '#providers/types.ts';
import { UserError } from '#core/errors.ts';
import { deployLabel, deployPhase, isDeploying, observe, tokenFromLabel } from '#domain/fleet.ts';
import type { Instance } from '#domain/instance.ts';
import { renderTemplate, type Template } from '#domain/templates.ts';
import type { InstanceRecord } from '#store/fleet-schema.ts';
import type { FleetContext } from './context.ts';
import { destroyByLabel, settleFailure } from './cleanup.ts';
import { deployTemplate, newDeployToken, planDeploy, type DeployPlan, type DeployRequest } from './deploy-plan.ts';
import { providerNamed, type BoundProvider } from './bound-providers.ts';
import { allocateInstanceId, openAppSecret } from './records.ts';
import { registerSecret } from '#src/log.ts';
import { appSecretPurpose } from '#store/seal-secrets.ts';

/** Called with the record each time the deploy moves to another phase. */
export type DeployProgress = (record: InstanceRecord) => Promise<void>;

const TRANSIENT: readonly string[] = ['rate-limit', 'unavailable', 'timeout', 'bad-response'];
/** Create errors after which the provider may have made the machine all the same. */
const LOST_ANSWER: readonly string[] = ['unavailable', 'timeout', 'bad-response'];

export class DeployService {
  private readonly inFlight = new Map<string, Promise<InstanceRecord>>();

  constructor(private readonly context: FleetContext) {}

  /** The template to deploy, refused when it is Pro and no licence is in force. */
  template(orgId: string, templateId: string, image: string | undefined): { template: Template; image: string } {
    return deployTemplate(this.context, orgId, templateId, image);
  }

  plan(request: DeployRequest): Promise<DeployPlan> {
    return planDeploy(this.context, request);
  }

  /** Told of every deploy this process ran to its end, ready or failed (the alerts). */
  readonly outcomeListeners: ((record: InstanceRecord) => void)[] = [];

  /** The deploy already made with this token in this org, if any. */
  existing(orgId: string, token: string): InstanceRecord | undefined {
    return this.context.db.data.instances.find((record) => record.orgId === orgId && record.deployToken === token);
  }

  /**
   * Runs, joins or resumes the deploy with this token; resolves when it is ready or has failed.
   * The in-flight map is filled synchronously, so simultaneous calls share one deploy; `makePlan`
   * runs only when there is nothing to join.
   */
  deploy(orgId: string, token: string, makePlan: () => Promise<DeployPlan>, progress: DeployProgress): Promise<InstanceRecord> {
    const key = `${orgId}:${token}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const found = this.existing(orgId, token);
    if (found && !isInProgress(found)) return Promise.resolve(found);
    const work = this.run(found, makePlan, progress)
      .then((record) => {
        for (const listener of this.outcomeListeners) listener(record);
        return record;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, work);
    return work;
  }

  /**
   * Deploys cut short by a restart finish (or are cleaned up) in the background, without waiting
   * for someone to retry them. One whose create was never confirmed and left no machine fails.
   */
  resumeInterrupted(): void {
    // While stopping, deploys stay parked for the next start.
    if (this.context.closed.aborted) return;
    for (const record of this.context.db.data.instances) {
      if (!record.deployToken || !isInProgress(record) || this.inFlight.has(`${record.orgId}:${record.deployToken}`)) continue;
      const interrupted = () => Promise.reject(new UserError('ComputeHub restarted before the provider confirmed the create, and no machine was made; deploy again'));
      this.deploy(record.orgId, record.deployToken, interrupted, async () => undefined).catch((error: unknown) =>
        this.context.log.warn({ err: error, instanceId: record.id }, 'could not resume an interrupted deploy'),
      );
    }
  }

  private async run(found: InstanceRecord | undefined, makePlan: () => Promise<DeployPlan>, progress: DeployProgress): Promise<InstanceRecord> {
    const { db } = this.context;
    if (found) {
      // Resuming after a restart: the machine may exist already, under our label.
      await progress(found);
      const provider = providerOf(this.context, found);
      if (found.providerInstanceId) return this.waitUntilReady(provider, found, progress);
      const adopted = await this.findByLabel(provider, found.deployToken!);
      if (adopted) {
        await db.update(() => this.attach(found, adopted));
        await progress(found);
        return this.waitUntilReady(provider, found, progress);
      }
    }
    let plan: DeployPlan;
    try {
      plan = await makePlan();
    } catch (error) {
      if (found) return this.fail(providerOf(this.context, found), found, errorText(error));
      throw error;
    }
    const record = found ?? (await this.insert(plan));
    if (!found) await progress(record);
    let created: Instance;
    try {
      created = await plan.provider.adapter.create(this.launchSpec(plan, record));
    } catch (error) {
      // A lost answer (timeout, 5xx) may hide a machine that was made: fail() looks for it by label.
      const lost = error instanceof ProviderError && LOST_ANSWER.includes(error.kind);
      return this.fail(plan.provider, record, `${plan.provider.name} ${lost ? 'did not confirm' : 'refused'} the create: ${errorText(error)}`);
    }
    await db.update(() => this.attach(record, created));
    await progress(record);
    return this.waitUntilReady(plan.provider, record, progress);
  }

  private async insert(plan: DeployPlan): Promise<InstanceRecord> {
    const nowIso = this.context.now().toISOString();
    const { request, offer, template } = plan;
    const appSecret = newDeployToken() + newDeployToken();
    registerSecret(appSecret);
    return this.context.db.update((data) => {
      const record: InstanceRecord = {
        id: allocateInstanceId(data, request.orgId),
        orgId: request.orgId,
        projectId: request.projectId,
        provider: plan.provider.name,
        providerInstanceId: null,
        label: deployLabel(plan.token, plan.name),
        deployToken: plan.token,
        name: plan.name,
        templateId: template.id,
        external: false,
        createdBy: request.actor,
        status: 'requested',
        phase: 'requested',
        rawStatus: 'requested',
        gpu: offer.gpu,
        gpuCount: offer.gpuCount,
        pricePerHour: plan.pricePerHour,
        interruptible: request.bidPerHour !== undefined,
        ...(request.bidPerHour !== undefined && { bidPerHour: request.bidPerHour }),
        image: plan.image,
        region: offer.region,
        ssh: null,
        ports: [],
        simulated: plan.provider.mode === 'simulated',
        createdAt: nowIso,
        accruedUntil: nowIso,
      };
      record.appSecretSealed = this.context.vault.seal(appSecretPurpose(record.orgId, record.id), appSecret);
      data.instances.push(record);
      return record;
    });
  }

  private launchSpec(plan: DeployPlan, record: InstanceRecord): LaunchSpec {
    const rendered = renderTemplate(plan.template, { image: plan.image, secret: openAppSecret(this.context.vault, record) ?? '' });
    return {
      offerId: plan.offer.offerId,
      name: record.label,
      image: rendered.image,
      env: rendered.env,
      ports: rendered.ports,
      startScript: rendered.startScript,
      ...(rendered.imageSetsEntrypoint && { imageSetsEntrypoint: true }),
      diskGb: plan.diskGb,
      gpuCount: plan.offer.gpuCount,
      ...(plan.cuda !== undefined && { minCudaVersion: plan.cuda }),
      ...(plan.request.bidPerHour !== undefined && { bidPerHour: plan.request.bidPerHour }),
      ...(this.context.sshPublicKey && { sshPublicKey: this.context.sshPublicKey }),
    };
  }

  private attach(record: InstanceRecord, instance: Instance): void {
    record.providerInstanceId = instance.providerInstanceId;
    observe(record, instance, this.context.db.data.ledger, this.context.now().getTime());
    const { phase } = deployPhase(instance);
    // A machine that reports a failure right at create is judged by the poll loop, which cleans up.
    record.phase = phase === 'failed' ? 'provisioning' : phase;
  }

  private async findByLabel(provider: BoundProvider, token: string): Promise<Instance | undefined> {
    const instances = await provider.adapter.listInstances();
    return instances.find((instance) => tokenFromLabel(instance.name) === token && instance.status !== 'terminated');
  }

  private async waitUntilReady(provider: BoundProvider, record: InstanceRecord, progress: DeployProgress): Promise<InstanceRecord> {
    const { db, timing, closed } = this.context;
    const startedMs = Date.parse(record.createdAt);
    while (record.phase !== 'ready') {
      if (this.context.now().getTime() - startedMs > timing.deployTimeoutMs) {
        const limit = timing.deployTimeoutMs >= 60_000 ? `${Math.round(timing.deployTimeoutMs / 60_000)} minutes` : `${Math.round(timing.deployTimeoutMs / 1000)} seconds`;
        return this.fail(provider, record, `it was not ready after ${limit} (DEPLOY_TIMEOUT_SECONDS)`);
      }
      // Closing ends the wait early; the loop then sees `closed` and leaves.
      await sleep(timing.pollMs, undefined, { signal: closed }).catch(() => undefined);
      if (closed.aborted) return record;
      let instance: Instance | undefined;
      try {
        instance = await provider.adapter.getInstance(record.providerInstanceId!);
      } catch (error) {
        if (error instanceof ProviderError && TRANSIENT.includes(error.kind)) continue;
        return this.fail(provider, record, `${provider.name} could not report on it: ${errorText(error)}`);
      }
      if (!instance) return this.fail(provider, record, `${provider.name} no longer lists it`);
      const before = record.phase;
      const verdict = deployPhase(instance);
      await db.update(() => {
        observe(record, instance, db.data.ledger, this.context.now().getTime());
        if (verdict.phase !== 'failed') record.phase = verdict.phase;
        if (verdict.phase === 'ready') record.readyAt = this.context.now().toISOString();
      });
      if (verdict.phase === 'failed') return this.fail(provider, record, verdict.failure!);
      if (record.phase !== before) await progress(record);
    }
    return record;
  }

  /** Destroys everything carrying this deploy's label, then records why the deploy failed and what is known of the clean-up. */
  private async fail(provider: BoundProvider, record: InstanceRecord, reason: string): Promise<InstanceRecord> {
    const outcome = await destroyByLabel(this.context, provider, record);
    await settleFailure(this.context, provider, record, `${reason}.`, outcome);
    return record;
  }
}

/** Finds the bound provider a record lives on. */
export function providerOf(context: FleetContext, record: InstanceRecord): BoundProvider {
  return providerNamed(context.providersFor(record.orgId), record.provider);
}

export function isInProgress(record: InstanceRecord): boolean {
  return isDeploying(record.phase) && !record.destroyedAt;
}

function errorText(error: unknown): string {
  return error instanceof UserError ? error.message.replace(/\.$/, '') : 'an unexpected error (see the log)';
}
