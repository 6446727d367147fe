// Planning a deploy before anything is rented: the template (Pro ones need a licence), the image,
// the disk, the offer and the true $/h. Nothing here writes the store or calls create.
import { randomBytes } from 'node:crypto';
import { DeniedError, UsageError, UserError } from '#core/errors.ts';
import type { Offer } from '#domain/offer.ts';
import type { Template } from '#domain/templates.ts';
import type { FleetContext } from './context.ts';
import { chooseOffer, type OfferWanted } from './offers.ts';
import type { BoundProvider } from './bound-providers.ts';
import { findTemplate } from './records.ts';

export interface DeployRequest extends OfferWanted {
  orgId: string;
  projectId: string;
  /** platform:userId of whoever asked. */
  actor: string;
  templateId: string;
  image?: string | undefined;
  diskGb?: number | undefined;
  name?: string | undefined;
  /** Same token, same deploy: a retry never rents a second machine. */
  token?: string | undefined;
}

export interface DeployPlan {
  request: DeployRequest;
  token: string;
  template: Template;
  image: string;
  /** The CUDA the image needs from the host driver, when the template declares it (RunPod places the pod by it). */
  cuda?: number;
  provider: BoundProvider;
  offer: Offer;
  diskGb: number;
  /** What it will bill while running, USD/h: the bid for interruptible rentals. */
  pricePerHour: number;
  name: string;
}

const IMAGE_PATTERN = /^[\w.\-/:@]+$/;

export function newDeployToken(): string {
  // 10 base-36 characters from 8 random bytes: short enough for every provider's name field.
  return BigInt(`0x${randomBytes(8).toString('hex')}`).toString(36).padStart(13, '0').slice(-10);
}

/** The template to deploy, refused when it is Pro and no licence is in force. */
export function deployTemplate(context: FleetContext, orgId: string, templateId: string, image: string | undefined): { template: Template; image: string } {
  const template = findTemplate(context.db.data, orgId, templateId);
  if (template.tier === 'pro') {
    const status = context.licence.status();
    if (!status.pro) {
      throw new DeniedError(
        `${template.name} is a Pro template. ${status.reason} The free templates are custom, jupyter and pytorch; ` +
          'or activate a licence with: licence activate <key>',
      );
    }
  }
  const chosen = image ?? template.image;
  if (!chosen) throw new UsageError(`The ${template.name} template runs the image you name: add image=..., e.g. image=nvidia/cuda:12.4.1-runtime-ubuntu22.04`);
  if (!IMAGE_PATTERN.test(chosen)) throw new UsageError(`'${chosen}' is not a Docker image name. Write it as repository:tag, e.g. nvidia/cuda:12.4.1-runtime-ubuntu22.04`);
  return { template, image: chosen };
}

export async function planDeploy(context: FleetContext, request: DeployRequest): Promise<DeployPlan> {
  const { template, image: namedOrDefault } = deployTemplate(context, request.orgId, request.templateId, request.image);
  const diskGb = Math.max(request.diskGb ?? template.minDiskGb, template.minDiskGb);
  if (request.diskGb !== undefined && request.diskGb < template.minDiskGb) {
    throw new UsageError(`${template.name} needs at least ${template.minDiskGb} GB of disk; disk=${request.diskGb} is too small.`);
  }
  const bound = context.providersFor(request.orgId);
  // Without SSH_PUBLIC_KEY TensorDock cannot rent; "the best offer" then looks elsewhere, and only
  // an explicit TensorDock request gets the explanation below.
  const explicit = request.provider === 'tensordock' || request.reference?.toLowerCase().startsWith('tensordock:');
  const providers = context.sshPublicKey || explicit ? bound : bound.filter((provider) => provider.name !== 'tensordock');
  const { provider, offer, image: build, cuda } = await chooseOffer(providers, request, template, diskGb, { log: context.log, cached: (reference) => context.cachedOffer?.(request.orgId, reference) });
  const image = build ?? namedOrDefault;
  if (request.bidPerHour !== undefined && offer.minBidPerHour !== undefined && request.bidPerHour < offer.minBidPerHour) {
    throw new UserError(`A bid of $${request.bidPerHour}/h is below this offer's minimum of $${offer.minBidPerHour}/h. Bid at least that, or leave bid out for on-demand.`);
  }
  if (provider.name === 'tensordock' && !context.sshPublicKey) {
    throw new UserError('TensorDock only rents a VM with an SSH key. Set SSH_PUBLIC_KEY in .env to your public key (~/.ssh/id_ed25519.pub), restart, and deploy again.');
  }
  const token = request.token ?? newDeployToken();
  const name = request.name ?? `${template.id}-${offer.gpu.toLowerCase().replace(/[^a-z0-9]+/g, '')}`;
  // A bid replaces the minimum bid; what the offer adds on top (Vast disk) is still paid.
  const extras = offer.minBidPerHour !== undefined ? Math.max(0, offer.pricePerHour - offer.minBidPerHour) : 0;
  const pricePerHour = request.bidPerHour !== undefined ? Math.round((request.bidPerHour + extras) * 1e6) / 1e6 : offer.pricePerHour;
  return { request, token, template, image, ...(cuda !== undefined && { cuda }), provider, offer, diskGb, pricePerHour, name };
}
