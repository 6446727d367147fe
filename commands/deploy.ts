import { defineCommand, opt, type CommandContext } from '#core/command.ts';
import type { Reply } from '#core/reply.ts';
import { PROVIDER_NAMES } from '#domain/providers.ts';
import { deployTokenFor, priceRose } from '#domain/confirmations.ts';
import { DEPLOY_TOKEN_PATTERN } from '#domain/fleet.ts';
import { formatUsd, usdToMicros } from '#domain/ledger.ts';
import { offerReference } from '#domain/ranking-reference.ts';
import { newDeployToken, type DeployPlan, type DeployRequest } from '#services/fleet/deploy-plan.ts';
import { findProject } from '#services/projects.ts';
import { currentProject, failedReply, perHour, progressReply, readyReply, view } from './shared/fleet-replies.ts';
import { withAppSecret } from './app-secrets.ts';
import { DeniedError, UsageError } from '#core/errors.ts';
import { formatDuration } from '#domain/rules/index.ts';

const options = {
  offer: opt.string('an offer reference from prices, e.g. vast:12345', { positional: true, placeholder: '<provider:offer>' }),
  gpu: opt.string('GPU model: rents the cheapest matching offer right now, e.g. 4090 or h100', { complete: 'gpu' }),
  count: opt.integer('GPUs in the machine (with gpu=)', { min: 1, max: 16 }),
  provider: opt.choice(PROVIDER_NAMES, 'only look at this provider (with gpu=)', { complete: 'provider' }),
  template: opt.string('what to run: a template id from template list (default pytorch)', { complete: 'template' }),
  image: opt.string('Docker image for template=custom, e.g. nvidia/cuda:12.4.1-runtime-ubuntu22.04', { maxLength: 1000 }),
  disk: opt.integer('disk in GB (default: the template minimum)', { min: 10, max: 4000 }),
  name: opt.string('a name for the instance', { pattern: /^[\w.-]{1,40}$/, patternHint: 'expected up to 40 letters, digits, dots, dashes or underscores' }),
  project: opt.string('project to bill it to (default: your current project)', { complete: 'project' }),
  bid: opt.number('rent interruptible at this bid in $/h (Vast, RunPod); it may be stopped when outbid', { min: 0.001, max: 128 }),
  'stop-after': opt.duration('stop it once it has run this long, e.g. 2h (Pro)', { min: 60, max: 90 * 86_400 }),
  'destroy-after': opt.duration('destroy it once it has run this long, e.g. 8h (Pro)', { min: 60, max: 90 * 86_400 }),
  token: opt.string('idempotency token: a deploy with the same token never rents a second machine', {
    pattern: DEPLOY_TOKEN_PATTERN,
    patternHint: 'expected 10 lower-case letters or digits',
  }),
};

type DeployContext = CommandContext<typeof options>;

function request(context: DeployContext): DeployRequest {
  const { options: o, services } = context;
  const projectId = o.project ? findProject(services.db.data, context.orgId, o.project).id : currentProject(context);
  return {
    orgId: context.orgId,
    projectId,
    actor: `${context.actor.platform}:${context.actor.userId}`,
    templateId: o.template ?? 'pytorch',
    reference: o.offer,
    gpu: o.gpu,
    gpuCount: o.count,
    provider: o.provider,
    image: o.image,
    diskGb: o.disk,
    name: o.name,
    bidPerHour: o.bid,
    // A confirmed deploy's token comes from its confirmation: however often it is pressed, one machine.
    token: o.token ?? (context.confirmationId ? deployTokenFor(context.confirmationId) : undefined),
  };
}

/** The offer's price went up between the preview and the press: nothing is rented, a new preview is shown. */
class PriceRoseError extends Error {
  constructor(readonly plan: DeployPlan) {
    super('the price rose since the preview');
  }
}

function preview(plan: DeployPlan): Reply {
  const { offer, template, provider } = plan;
  const breakdown = offer.priceBreakdown
    ? ` (${Object.entries(offer.priceBreakdown)
        .map(([part, usd]) => `${part} ${formatUsd(usdToMicros(usd))}`)
        .join(' + ')})`
    : '';
  return {
    kind: 'confirm',
    title: `Rent ${offer.gpuCount}× ${offer.gpu} on ${provider.name} for ${perHour(plan.pricePerHour)}?`,
    fields: [
      { name: 'Offer', value: offerReference(offer), inline: true },
      { name: 'Region', value: offer.region + (offer.country ? ` (${offer.country})` : ''), inline: true },
      { name: 'True price', value: `${perHour(plan.pricePerHour)}${plan.request.bidPerHour === undefined ? breakdown : ' (your interruptible bid)'}`, inline: true },
      { name: 'Template', value: `${template.name} — ${plan.image}`, inline: true },
      { name: 'Disk', value: `${plan.diskGb} GB`, inline: true },
      { name: 'Per day', value: formatUsd(usdToMicros(plan.pricePerHour * 24)), inline: true },
    ],
    text: 'Billing starts when the provider accepts and runs until you stop or destroy it.' + (provider.mode === 'simulated' ? ' (simulated provider: no real money)' : ''),
    data: { offer: offerReference(offer), gpu: offer.gpu, gpuCount: offer.gpuCount, provider: provider.name, pricePerHour: plan.pricePerHour, template: template.id, image: plan.image, diskGb: plan.diskGb, token: plan.token },
  };
}

/**
 * Pins what the preview shows: the exact offer (not "the cheapest 4090"), the project, and the price,
 * so Confirm rents that offer, for that project, and asks again if the price has risen.
 */
function pin(context: DeployContext, plan: DeployPlan): void {
  const { options: o } = context;
  o.offer = offerReference(plan.offer);
  o.provider = undefined;
  o.gpu = undefined;
  o.count = undefined;
  o.project = plan.request.projectId;
  context.pins.pricePerHour = plan.pricePerHour;
}

/** stop-after= / destroy-after=, checked before anything is rented: one of them, and Pro. */
function timeLimit(context: DeployContext): { action: 'stop' | 'destroy'; seconds: number; after: string } | undefined {
  const { options: o, services } = context;
  if (o['stop-after'] !== undefined && o['destroy-after'] !== undefined) throw new UsageError('Give stop-after= or destroy-after=, not both.');
  const seconds = o['stop-after'] ?? o['destroy-after'];
  if (seconds === undefined) return undefined;
  const status = services.licence.status();
  if (!status.pro) throw new DeniedError(`stop-after= and destroy-after= are Pro. ${status.reason}`);
  return { action: o['stop-after'] !== undefined ? 'stop' : 'destroy', seconds, after: formatDuration(seconds) };
}

export const deploy = defineCommand({
  name: 'deploy',
  summary: 'Rent a GPU machine and start a template on it, with live progress',
  description:
    'Shows what will be rented and its true $/h first. Then one message follows the deploy (requested → provisioning → pulling image → running → ready) and ends with the SSH command, ports and app URLs. A deploy that fails or times out is cleaned up. stop-after= / destroy-after= (Pro) stop or destroy it once it has run that long, at the first sync after.',
  examples: ['deploy gpu=4090 template=jupyter', 'deploy vast:12345 template=comfyui disk=80', 'deploy gpu=h100 template=vllm stop-after=2h', 'deploy gpu=a100 provider=runpod template=custom image=nvidia/cuda:12.4.1-runtime-ubuntu22.04', 'deploy gpu=4090 bid=0.2'],
  options,
  role: 'dev',
  mutating: true,
  tier: 'free',
  async confirm(context) {
    const { options: o, services } = context;
    timeLimit(context);
    // A retried Confirm (same token) joins the deploy already made instead of asking again.
    if (o.token && services.fleet.deployments.existing(context.orgId, o.token)) return undefined;
    const plan = await services.fleet.deployments.plan(request(context));
    pin(context, plan);
    return preview(plan);
  },
  async run(context) {
    const { services } = context;
    const limit = timeLimit(context);
    const wanted = request(context);
    const token = wanted.token ?? newDeployToken();
    const makePlan = async () => {
      const plan = await services.fleet.deployments.plan({ ...wanted, token });
      if (priceRose(context.pins.pricePerHour, plan.pricePerHour)) throw new PriceRoseError(plan);
      return plan;
    };
    let record;
    try {
      record = await services.fleet.deployments.deploy(context.orgId, token, makePlan, (update) => context.progress(progressReply(view(context, update))));
    } catch (error) {
      if (!(error instanceof PriceRoseError)) throw error;
      const previewed = context.pins.pricePerHour!;
      pin(context, error.plan);
      const again = preview(error.plan);
      // The new confirmation brings a new token; the one planned here belonged to the old.
      return { ...again, data: { ...(again.data as object), token: undefined }, text: `The price rose from ${perHour(previewed)} to ${perHour(error.plan.pricePerHour)} since the preview; nothing was rented. ${again.text}` };
    }
    if (limit && !record.destroyedAt && record.phase !== 'failed' && record.phase !== 'cleanup-pending') {
      await services.automation.limitTime(context.orgId, record.id, { ...limit, createdBy: wanted.actor, channel: { platform: context.channel.platform, id: context.channel.id } });
    }
    const instance = view(context, record);
    // The deployer gets the app secret with the ready answer, privately when the channel is shared.
    if (instance.phase === 'ready' || (instance.phase === null && instance.status === 'running')) return withAppSecret(context, record, readyReply(instance));
    if (instance.phase === 'failed' || instance.phase === 'cleanup-pending' || instance.destroyedAt) return failedReply(instance);
    const parked = services.fleet.context.closed.aborted;
    const footer = parked ? `ComputeHub is stopping: this deploy is saved and resumes when it starts again; see it then with: ssh ${instance.id}` : `Still deploying; see it with: ssh ${instance.id}`;
    return { ...progressReply(instance), kind: 'warning', footer };
  },
});
