// Pure Vast.ai offer search: the body POST /api/v0/bundles/ takes for a query (Vast's defaults, the
// GPU names in Vast's spelling, the bounds pushed down to Vast) and the price cursor that pages through
// a list longer than one answer. Vast has no paging for offers; ordering by dph_total and asking again
// from the last price (minus the offers already seen at it) walks the list.
// Search language: Vast's OpenAPI (search_offers) in https://github.com/vast-ai/docs under api-reference/.
import { GPU_CATALOGUE, matchGpuQuery } from '#domain/gpus.ts';
import { asObject, DEFAULT_DISK_GB } from './common.ts';
import type { OfferNarrowing, OfferQuery } from './types.ts';
import type { VastOfferRow } from './vast-parse.ts';

/** Offers per answer: what gpuhunt asks for when it cannot narrow by GPU name. */
export const VAST_PAGE_LIMIT = 3000;
/** Answers per list at most (30,000 offers); a longer list is reported partial. */
export const VAST_MAX_PAGES = 10;

const MB_PER_GB = 1024;

export type VastFilter = Record<string, unknown>;

/** Where the next answer starts: the last price seen and the offers already seen at exactly that price. */
export interface VastCursor {
  price: number;
  seenAtPrice: number[];
}

export function vastSearchBody(query: OfferQuery, cursor?: VastCursor): VastFilter {
  const interruptible = query.interruptible === true;
  const narrow = query.narrow ?? {};
  const filter: VastFilter = {
    verified: { eq: true },
    rentable: { eq: true },
    rented: { eq: false },
    num_gpus: query.gpuCount ? { eq: query.gpuCount } : countBounds(narrow),
    type: interruptible ? 'bid' : 'on-demand',
    allocated_storage: query.diskGb ?? DEFAULT_DISK_GB,
    order: [
      ['dph_total', 'asc'],
      ['id', 'asc'],
    ],
    limit: VAST_PAGE_LIMIT,
  };
  if (query.gpus?.length) filter.gpu_name = { in: vastSpellings(query.gpus) };
  Object.assign(filter, narrowing(narrow, interruptible));
  if (cursor) {
    filter.dph_total = { ...asObject(filter.dph_total), gte: cursor.price };
    if (cursor.seenAtPrice.length) filter.id = { notin: cursor.seenAtPrice };
  }
  return filter;
}

function countBounds(narrow: OfferNarrowing): Record<string, number> {
  return { gte: Math.max(1, narrow.minGpuCount ?? 1), ...(narrow.maxGpuCount !== undefined ? { lte: narrow.maxGpuCount } : {}) };
}

/**
 * The bounds in Vast's fields and units. Each is a little looser than the user's condition where our
 * rounding differs from Vast's (VRAM is rounded to whole GB here, kept in MB there), never tighter.
 */
function narrowing(narrow: OfferNarrowing, interruptible: boolean): VastFilter {
  const filter: VastFilter = {};
  const ram: Record<string, number> = {};
  if (narrow.minVramGb !== undefined) ram.gte = Math.floor((narrow.minVramGb - 0.5) * MB_PER_GB);
  if (narrow.maxVramGb !== undefined) ram.lte = Math.ceil((narrow.maxVramGb + 0.5) * MB_PER_GB);
  if (Object.keys(ram).length) filter.gpu_ram = ram;
  // An interruptible rental costs the bid, not dph_total, so only on-demand prices are bounded here.
  if (narrow.maxPricePerHour !== undefined && !interruptible) filter.dph_total = { lte: narrow.maxPricePerHour + 0.000_001 };
  if (narrow.countries?.length) filter.geolocation = { in: narrow.countries };
  if (narrow.minReliability !== undefined) filter.reliability2 = { gte: narrow.minReliability };
  if (narrow.minCudaVersion !== undefined) filter.cuda_max_good = { gte: narrow.minCudaVersion };
  if (narrow.minDiskGb !== undefined) filter.disk_space = { gte: narrow.minDiskGb };
  return filter;
}

/** The cursor after an answer of `rows`, or undefined when the answer was the last one (short). */
export function nextCursor(rows: readonly VastOfferRow[], previous: VastCursor | undefined): VastCursor | undefined {
  if (rows.length < VAST_PAGE_LIMIT) return undefined;
  // The answer is sorted by price: the last row that has one says where the next starts (an unreadable
  // last row must not end the list early).
  const price = rows.findLast((row) => row.dph_total !== undefined)?.dph_total;
  if (price === undefined) return undefined;
  const seenAtPrice = previous && previous.price === price ? [...previous.seenAtPrice] : [];
  for (const { id, dph_total: rowPrice } of rows) if (id !== undefined && rowPrice === price) seenAtPrice.push(id);
  return { price, seenAtPrice };
}

/** Vast spellings (spaces, no vendor prefix) for canonical names; the aliases without underscores or dashes. */
function vastSpellings(canonicalNames: readonly string[]): string[] {
  const spellings = new Set<string>();
  for (const name of canonicalNames) {
    const gpu = GPU_CATALOGUE.find((entry) => entry.name === name) ?? matchGpuQuery(name)[0];
    if (!gpu) continue;
    spellings.add(gpu.name);
    for (const alias of gpu.aliases) if (!/[_()-]/.test(alias) && !/^(NVIDIA|AMD) /.test(alias)) spellings.add(alias);
  }
  return [...spellings];
}
