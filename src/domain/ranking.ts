// Which offers match what a renter asked for, in what order, one page at a time. Pure: the market
// service feeds it cached offers, the `prices` command turns the result into a table.
import type { Offer } from './offer.ts';
import { offerValue } from './pricing.ts';
import { continentOf, matchesRegion, type Continent } from './ranking-geography.ts';

export type CompareOp = '=' | '>=' | '<=' | '>' | '<' | '!=';

/** One numeric condition, e.g. vram >= 24 (the shape the command grammar's comparisons have). */
export interface NumberTest {
  op: CompareOp;
  value: number;
}

export const RENTAL_TYPES = ['on-demand', 'interruptible', 'any'] as const;
export type RentalType = (typeof RENTAL_TYPES)[number];

export const SORT_KEYS = ['price', 'value', 'vram', 'reliability'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/**
 * Every condition is optional; an absent one matches everything. A condition on a figure the provider
 * does not report (reliability outside Vast, CUDA version outside Vast and RunPod) keeps the offer:
 * those are managed data centres or VMs where the renter installs the driver, and hiding them would
 * hide whole providers.
 */
export interface OfferCriteria {
  /** Canonical GPU names (any of). */
  gpus?: readonly string[];
  gpuCount?: readonly NumberTest[];
  /** VRAM per GPU, GB. */
  vramGb?: readonly NumberTest[];
  /** All-in USD per hour for the whole rental. */
  pricePerHour?: readonly NumberTest[];
  /** A continent, country code or part of the provider's region name (see matchesRegion). */
  region?: string;
  /** ISO 3166-1 alpha-2 codes (any of). */
  countries?: readonly string[];
  continent?: Continent;
  providers?: readonly Offer['provider'][];
  type?: RentalType;
  /** 0..1 */
  minReliability?: number;
  cudaVersion?: readonly NumberTest[];
  /**
   * Disk the rental must hold, GB: offers whose disk is known to be smaller are dropped (a Vast host
   * with less free space, a Lambda type with a smaller fixed disk).
   */
  minDiskGb?: number;
}

export function passes(value: number, tests: readonly NumberTest[] | undefined): boolean {
  if (!tests) return true;
  for (const { op, value: wanted } of tests) {
    const ok =
      op === '=' ? value === wanted : op === '>=' ? value >= wanted : op === '<=' ? value <= wanted : op === '>' ? value > wanted : op === '<' ? value < wanted : value !== wanted;
    if (!ok) return false;
  }
  return true;
}

/** Builds the predicate once (sets, upper-cased codes) so filtering 20,000 offers stays cheap. */
export function offerMatcher(criteria: OfferCriteria): (offer: Offer) => boolean {
  const gpus = criteria.gpus && new Set(criteria.gpus);
  const providers = criteria.providers && new Set(criteria.providers);
  const countries = criteria.countries && new Set(criteria.countries.map((code) => code.toUpperCase()));
  const type = criteria.type ?? 'any';
  return (offer) =>
    (!gpus || gpus.has(offer.gpu)) &&
    (!providers || providers.has(offer.provider)) &&
    (type === 'any' || offer.interruptible === (type === 'interruptible')) &&
    passes(offer.gpuCount, criteria.gpuCount) &&
    passes(offer.vramGb, criteria.vramGb) &&
    passes(offer.pricePerHour, criteria.pricePerHour) &&
    (criteria.minReliability === undefined || offer.reliability === undefined || offer.reliability >= criteria.minReliability) &&
    (offer.cudaVersion === undefined || passes(offer.cudaVersion, criteria.cudaVersion)) &&
    (criteria.minDiskGb === undefined || offer.diskGb === undefined || offer.diskGb >= criteria.minDiskGb) &&
    (!countries || (offer.country !== undefined && countries.has(offer.country.toUpperCase()))) &&
    (!criteria.continent || continentOf(offer.country) === criteria.continent) &&
    (!criteria.region || matchesRegion(offer, criteria.region));
}

export function filterOffers(offers: readonly Offer[], criteria: OfferCriteria): Offer[] {
  return offers.filter(offerMatcher(criteria));
}

export interface RankedOffer {
  offer: Offer;
  /** $/PFLOP-h (see VALUE_MEASURE), when the GPU is in the catalogue. */
  value?: number;
}

type Comparator = (a: RankedOffer, b: RankedOffer) => number;

/** Missing figures sort last whichever way the key runs. */
const ascending = (a: number | undefined, b: number | undefined) => (a === undefined ? (b === undefined ? 0 : 1) : b === undefined ? -1 : a - b);
const descending = (a: number | undefined, b: number | undefined) => (a === undefined ? (b === undefined ? 0 : 1) : b === undefined ? -1 : b - a);

const byPrice: Comparator = (a, b) => a.offer.pricePerHour - b.offer.pricePerHour;
// The last word: equal offers keep one order across queries, so pages never repeat or skip a row.
const byIdentity: Comparator = (a, b) => (a.offer.provider < b.offer.provider ? -1 : a.offer.provider > b.offer.provider ? 1 : a.offer.offerId < b.offer.offerId ? -1 : a.offer.offerId > b.offer.offerId ? 1 : Number(a.offer.interruptible) - Number(b.offer.interruptible));

const PRIMARY: Record<SortKey, Comparator> = {
  price: byPrice,
  value: (a, b) => ascending(a.value, b.value),
  vram: (a, b) => descending(a.offer.vramGb, b.offer.vramGb),
  reliability: (a, b) => descending(a.offer.reliability, b.offer.reliability),
};

/** Ranks by the key, then by price, then by identity. */
export function rankOffers(offers: readonly Offer[], sort: SortKey): RankedOffer[] {
  const ranked = offers.map((offer): RankedOffer => {
    const value = offerValue(offer)?.usdPerPflopHour;
    return value === undefined ? { offer } : { offer, value };
  });
  const primary = PRIMARY[sort];
  return ranked.sort((a, b) => primary(a, b) || byPrice(a, b) || byIdentity(a, b));
}

export interface Page<T> {
  items: T[];
  /** 1-based. */
  page: number;
  pages: number;
  total: number;
  /** 0-based index of the first item in the whole list. */
  offset: number;
}

export function pageOf<T>(items: readonly T[], page: number, perPage: number): Page<T> {
  const pages = Math.max(1, Math.ceil(items.length / perPage));
  const offset = (page - 1) * perPage;
  return { items: items.slice(offset, offset + perPage), page, pages, total: items.length, offset };
}
