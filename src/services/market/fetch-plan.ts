// What to ask each provider for one search: the provider-side filters worth sending (GPU models, an
// exact GPU count, on-demand or interruptible, the disk to price for), and the cache key of that ask.
// Everything else is filtered locally, so one cached answer serves many different searches. When a
// provider's whole list is longer than it returns, the search's other conditions are pushed down too.
import type { OfferNarrowing, OfferQuery } from '#providers/types.ts';
import type { NumberTest, OfferCriteria } from '#domain/ranking.ts';
import { countriesOf, isCountryCode, parseContinent } from '#domain/ranking-geography.ts';
import type { BoundProvider } from '../providers.ts';

export interface FetchPlan {
  /** Canonical GPU names, sorted; absent = every GPU. */
  gpus?: string[];
  gpuCount?: number;
  interruptible: boolean;
  diskGb: number;
  /** Conditions the provider applies itself, asked only when its whole list was cut off. */
  narrow?: OfferNarrowing;
}

/** The asks one provider gets for these criteria (none when it cannot offer what is asked). */
export function plansFor(criteria: OfferCriteria, diskGb: number, provider: BoundProvider): FetchPlan[] {
  const type = criteria.type ?? 'any';
  const canInterrupt = provider.adapter.capabilities.interruptible === true;
  const kinds = [...(type !== 'interruptible' ? [false] : []), ...(type !== 'on-demand' && canInterrupt ? [true] : [])];
  const exactCount = criteria.gpuCount?.find((test) => test.op === '=')?.value;
  return kinds.map((interruptible) => ({
    ...(criteria.gpus?.length ? { gpus: [...criteria.gpus].sort() } : {}),
    ...(exactCount !== undefined ? { gpuCount: exactCount } : {}),
    interruptible,
    diskGb,
  }));
}

/** The ask whose answers feed the price history and the `gpus` table: everything on-demand at the default disk. */
export function broadPlan(diskGb: number): FetchPlan {
  return { interruptible: false, diskGb };
}

export function isBroad(plan: FetchPlan): boolean {
  return plan.gpus === undefined && plan.gpuCount === undefined && !plan.interruptible && plan.narrow === undefined;
}

const lowest = (tests: readonly NumberTest[] | undefined) => bound(tests, ['>=', '>', '='], Math.max);
const highest = (tests: readonly NumberTest[] | undefined) => bound(tests, ['<=', '<', '='], Math.min);

function bound(tests: readonly NumberTest[] | undefined, ops: readonly NumberTest['op'][], pick: (...values: number[]) => number): number | undefined {
  const values = (tests ?? []).filter((test) => ops.includes(test.op)).map((test) => test.value);
  return values.length ? pick(...values) : undefined;
}

/** The countries one of the search's place conditions allows (any one is a loose enough bound); a region name gives none. */
function countriesFor(criteria: OfferCriteria): string[] | undefined {
  if (criteria.countries?.length) return [...criteria.countries].map((code) => code.toUpperCase()).sort();
  if (criteria.continent) return countriesOf(criteria.continent);
  if (!criteria.region) return undefined;
  const continent = parseContinent(criteria.region);
  if (continent) return countriesOf(continent);
  return isCountryCode(criteria.region) ? [criteria.region.trim().toUpperCase()] : undefined;
}

/**
 * The search's conditions a provider can apply itself (inclusive bounds, so never stricter than the
 * search), or undefined when the search has none: then there is nothing to push down.
 */
export function narrowingFor(criteria: OfferCriteria, diskGb: number): OfferNarrowing | undefined {
  const narrow: OfferNarrowing = {};
  const set = <K extends keyof OfferNarrowing>(key: K, value: OfferNarrowing[K] | undefined) => {
    if (value !== undefined) narrow[key] = value;
  };
  set('minVramGb', lowest(criteria.vramGb));
  set('maxVramGb', highest(criteria.vramGb));
  set('minGpuCount', lowest(criteria.gpuCount));
  set('maxGpuCount', highest(criteria.gpuCount));
  set('maxPricePerHour', highest(criteria.pricePerHour));
  set('countries', countriesFor(criteria));
  set('minReliability', criteria.minReliability);
  set('minCudaVersion', lowest(criteria.cudaVersion));
  if (Object.keys(narrow).length === 0) return undefined;
  // Rides along: every search drops offers that cannot hold the disk priced for.
  narrow.minDiskGb = diskGb;
  return narrow;
}

export function toQuery(plan: FetchPlan): OfferQuery {
  return {
    ...(plan.gpus ? { gpus: plan.gpus } : {}),
    ...(plan.gpuCount !== undefined ? { gpuCount: plan.gpuCount } : {}),
    interruptible: plan.interruptible,
    diskGb: plan.diskGb,
    ...(plan.narrow ? { narrow: plan.narrow } : {}),
  };
}

/**
 * Cache key. Offers from the environment's keys or the simulator are the same for every org; a key an
 * org bound in chat gets its own entries, since its account may see a different market.
 */
/**
 * Whose market a cached answer is: the provider, simulated or real, and whose key asked (an org's own
 * key, or the environment's shared by every org). Answers are shared only under the same source.
 */
export function sourceKey(provider: BoundProvider, orgId: string): string {
  const owner = provider.source === 'chat' ? `org=${orgId}` : provider.source;
  return [provider.name, provider.mode, owner].join('|');
}

export function planKey(provider: BoundProvider, orgId: string, plan: FetchPlan): string {
  return [sourceKey(provider, orgId), plan.gpus?.join(',') ?? '*', plan.gpuCount ?? '*', plan.interruptible ? 'bid' : 'on-demand', `${plan.diskGb}GB`, plan.narrow ? JSON.stringify(plan.narrow) : '*'].join('|');
}
