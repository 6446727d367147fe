// Finding the offer a deploy rents: a reference from `prices` (vast:12345), or the cheapest offer
// that matches a GPU and fits the template right now, with the template's build for that GPU and
// host driver (a Blackwell card only gets a CUDA 12.8+ image, and only on a host whose driver runs it).
import { UsageError, UserError } from '#core/errors.ts';
import { matchGpuQuery } from '#domain/gpus.ts';
import type { Offer } from '#domain/offer.ts';
import { offerReference } from '#domain/ranking-reference.ts';
import { fitTemplate, type Template } from '#domain/templates.ts';
import type { Logger } from '#src/log.ts';
import { providerNamed, requireCapability, type BoundProvider } from './bound-providers.ts';

export interface OfferWanted {
  /** An offer reference as `prices` shows it (vast:12345, runpod:k3x9q2). */
  reference?: string | undefined;
  gpu?: string | undefined;
  gpuCount?: number | undefined;
  provider?: string | undefined;
  bidPerHour?: number | undefined;
  /** An image the user named (image=): run as it is, whatever CUDA it was built with. */
  image?: string | undefined;
}

export interface ChosenOffer {
  provider: BoundProvider;
  offer: Offer;
  /** The template build for this offer's GPU and driver; undefined = the image the user names. */
  image: string | undefined;
  /** The CUDA that build needs from the host driver, when the template declares it. */
  cuda?: number;
}

export function parseOfferReference(reference: string): { provider: string; offerId: string } {
  const colon = reference.indexOf(':');
  if (colon <= 0 || colon === reference.length - 1) {
    throw new UsageError(`'${reference}' is not an offer reference. References look like vast:12345; copy one from: prices gpu=4090`);
  }
  return { provider: reference.slice(0, colon).toLowerCase(), offerId: reference.slice(colon + 1) };
}

/** Offers an org's providers answered recently (the prices cache), by reference. */
export type CachedOffers = (orgId: string, reference: string) => Offer | undefined;
/** The same, for the org that deploys. */
type OrgCachedOffers = (reference: string) => Offer | undefined;

export async function chooseOffer(
  providers: readonly BoundProvider[],
  wanted: OfferWanted,
  template: Template,
  diskGb: number,
  context: { log: Logger; cached?: OrgCachedOffers | undefined },
): Promise<ChosenOffer> {
  if (wanted.reference) return referencedOffer(providers, wanted.reference, wanted, template, diskGb, context.cached);
  if (!wanted.gpu) {
    throw new UsageError('Say what to rent: an offer reference from prices (deploy vast:12345 template=pytorch) or a GPU (deploy gpu=4090 template=pytorch).');
  }
  return cheapestFit(providers, wanted.gpu, wanted, template, diskGb, context.log);
}

/** The offer a reference names, checked against the rental type asked for and the template. */
async function referencedOffer(
  providers: readonly BoundProvider[],
  written: string,
  wanted: OfferWanted,
  template: Template,
  diskGb: number,
  cached: OrgCachedOffers | undefined,
): Promise<ChosenOffer> {
  const reference = written.trim().toLowerCase();
  const { provider: name, offerId } = parseOfferReference(reference);
  const provider = providerNamed(providers, name);
  let offer = cached?.(reference);
  if (!offer) {
    // Not in the prices cache (or it expired): ask the provider, both rental types.
    const [onDemand, bids] = await Promise.all([
      provider.adapter.listOffers({ diskGb }),
      provider.adapter.capabilities.interruptible === true ? provider.adapter.listOffers({ diskGb, interruptible: true }) : Promise.resolve([]),
    ]);
    offer = [...onDemand, ...bids].find((candidate) => offerReference(candidate).toLowerCase() === reference || candidate.offerId === offerId);
  }
  if (!offer) throw new UserError(`The offer ${written} is no longer available (it was rented or withdrawn). Pick another from: prices`);
  if (offer.interruptible && wanted.bidPerHour === undefined) {
    throw new UsageError(`${written} is an interruptible offer: add bid=<$/h>, at least ${offer.minBidPerHour ?? offer.pricePerHour}.`);
  }
  if (wanted.bidPerHour !== undefined && !offer.interruptible) throw new UsageError(`${written} is an on-demand offer; leave bid out, or pick an interruptible (-bid) offer from: prices`);
  const fit = fitTemplate(template, offer, diskGb, wanted.image);
  if ('misfit' in fit) throw new UserError(`${fit.misfit}. Pick another offer from: prices vram>=${template.minVramGb}`);
  return { provider, offer, ...fit };
}

/** What the searched providers offered for a GPU query: the offers that fit, why others did not, who failed. */
interface Search {
  found: ChosenOffer[];
  misfits: Set<string>;
  failures: string[];
}

/** The cheapest offer of the GPUs a query names that fits the template now (on price ties, the more reliable). */
async function cheapestFit(providers: readonly BoundProvider[], query: string, wanted: OfferWanted, template: Template, diskGb: number, log: Logger): Promise<ChosenOffer> {
  const gpus = matchGpuQuery(query);
  if (gpus.length === 0) throw new UsageError(`I don't know the GPU '${query}'. See the known models with: gpus`);
  const names = new Set(gpus.map((gpu) => gpu.name));
  const { found, misfits, failures } = await searchOffers(candidateProviders(providers, wanted), names, wanted, template, diskGb, log);
  if (found.length === 0) {
    const why = failures.length ? ` (${failures.join('; ')})` : '';
    // Say why the offers that were there did not fit (the driver, the architecture), not only the sizes.
    const reasons = misfits.size ? ` ${[...misfits].slice(0, 3).join('. ')}.` : '';
    throw new UserError(
      `No ${gpus.map((gpu) => gpu.name).join(' / ')} offer fits ${template.name} (at least ${template.minVramGb} GB VRAM, ${diskGb} GB disk) right now${why}.${reasons} ` +
        'Try another GPU, or see what is available with: prices',
    );
  }
  const cost = (choice: ChosenOffer) => (wanted.bidPerHour !== undefined ? (choice.offer.minBidPerHour ?? choice.offer.pricePerHour) : choice.offer.pricePerHour);
  found.sort((a, b) => cost(a) - cost(b) || (b.offer.reliability ?? 0) - (a.offer.reliability ?? 0));
  return found[0]!;
}

/** The providers to search: the one named, or all; only those that take bids when there is a bid. */
function candidateProviders(providers: readonly BoundProvider[], wanted: OfferWanted): BoundProvider[] {
  let candidates = wanted.provider ? [providerNamed(providers, wanted.provider)] : [...providers];
  if (wanted.bidPerHour !== undefined) {
    if (wanted.provider) requireCapability(candidates[0]!, 'interruptible');
    candidates = candidates.filter((provider) => provider.adapter.capabilities.interruptible === true);
  }
  if (candidates.length === 0) throw new UserError('No provider set up for this org can do that. Add one with: provider add');
  return candidates;
}

/** Asks every candidate at once; one that fails is reported, not fatal. */
async function searchOffers(
  candidates: readonly BoundProvider[],
  names: ReadonlySet<string>,
  wanted: OfferWanted,
  template: Template,
  diskGb: number,
  log: Logger,
): Promise<Search> {
  const interruptible = wanted.bidPerHour !== undefined ? true : undefined;
  const answers = await Promise.allSettled(
    candidates.map((provider) =>
      provider.adapter.listOffers({ gpus: [...names], diskGb, ...(wanted.gpuCount && { gpuCount: wanted.gpuCount }), ...(interruptible && { interruptible }) }),
    ),
  );
  const search: Search = { found: [], misfits: new Set(), failures: [] };
  answers.forEach((answer, index) => {
    const provider = candidates[index]!;
    if (answer.status === 'rejected') {
      search.failures.push(`${provider.name}: ${answer.reason instanceof Error ? answer.reason.message : String(answer.reason)}`);
      log.warn({ provider: provider.name, err: answer.reason }, 'offer search failed during deploy');
      return;
    }
    for (const offer of answer.value) {
      if (!names.has(offer.gpu) || (wanted.gpuCount && offer.gpuCount !== wanted.gpuCount)) continue;
      if (offer.interruptible !== (wanted.bidPerHour !== undefined)) continue;
      if (wanted.bidPerHour !== undefined && offer.minBidPerHour !== undefined && wanted.bidPerHour < offer.minBidPerHour) continue;
      const fit = fitTemplate(template, offer, diskGb, wanted.image);
      if ('misfit' in fit) search.misfits.add(fit.misfit);
      else search.found.push({ provider, offer, ...fit });
    }
  });
  return search;
}
