// `prices` (search, the default): live all-in GPU prices across every provider the org uses, ranked by
// price, value, VRAM or reliability. `prices history` is in prices-history.ts.
import { DEFAULT_DISK_GB } from '#providers/common.ts';
import { defineCommand, defineGroup, opt, type Comparison, type OptionValues } from '#core/command.ts';
import { UsageError } from '#core/errors.ts';
import type { Button, Reply, Table } from '#core/reply.ts';
import { nearest } from '#domain/suggest.ts';
import { GPU_CATALOGUE, matchGpuQuery } from '#domain/gpus.ts';
import type { Offer } from '#domain/offer.ts';
import { formatUsd, offerValue, VALUE_MEASURE } from '#domain/pricing.ts';
import { pageOf, RENTAL_TYPES, SORT_KEYS, type OfferCriteria, type RankedOffer, type SortKey } from '#domain/ranking.ts';
import { CONTINENTS, continentOf, isCountryCode, parseContinent } from '#domain/ranking-geography.ts';
import { offerReference } from '#domain/ranking-reference.ts';
import { isProviderName, PROVIDER_NAMES, providerLabel, type ProviderName } from '#domain/providers.ts';
import type { SearchResult, SourceReport } from '#services/market/index.ts';

export const pricesGroup = defineGroup({ name: 'prices', summary: 'Search live GPU prices across providers, or chart their history', aliases: ['price', 'offers'], defaultSubcommand: 'search' });

const DEFAULT_LIMIT = 10;

const searchOptions = {
  gpu: opt.string('GPU model(s), forgiving: 4090, a100-80, "h100 sxm"; several with commas', { complete: 'gpu', aliases: ['model'] }),
  count: opt.range('GPUs per rental: count=2, count>=2, or a range with two comparisons', { integer: true, min: 1, max: 64, aliases: ['gpus', 'n'] }),
  vram: opt.range('VRAM per GPU in GB, e.g. vram>=24', { min: 1 }),
  max: opt.number('highest all-in price in $/h for the whole rental', { min: 0, aliases: ['maxprice'] }),
  price: opt.range('all-in $/h comparisons, e.g. price<0.8', { min: 0 }),
  region: opt.string('continent (EU, Europe), country code (DE) or part of a region name (EU-RO-1, us-east)'),
  country: opt.string('ISO country codes, e.g. DE or US,CA', { pattern: /^[A-Za-z]{2}(\s*,\s*[A-Za-z]{2})*$/, patternHint: 'expected 2-letter country codes such as DE or US,CA' }),
  continent: opt.string(`continent: ${Object.entries(CONTINENTS).map(([code, name]) => `${code} (${name})`).join(', ')}`),
  provider: opt.string(`only these providers: ${PROVIDER_NAMES.join(', ')} (commas for several)`, { complete: 'provider' }),
  type: opt.choice(RENTAL_TYPES, 'on-demand (default), interruptible (spot / bid) or any', { aliases: ['rental'] }),
  reliability: opt.number('lowest host reliability, 0.98 or 98 (%); providers that report none are kept', { min: 0, max: 100 }),
  disk: opt.integer(`disk to price the rental for, GB (default ${DEFAULT_DISK_GB})`, { min: 1, max: 100_000 }),
  cuda: opt.range('CUDA version the driver supports, e.g. cuda>=12.4 (only Vast reports it; others are kept)', { min: 1 }),
  sort: opt.choice(SORT_KEYS, `order: price (default), value (${VALUE_MEASURE.unit}), vram, reliability`),
  limit: opt.integer(`rows per page (default ${DEFAULT_LIMIT})`, { min: 1, max: 200 }),
  page: opt.integer('page number', { min: 1 }),
};

type SearchOptions = OptionValues<typeof searchOptions>;

const list = (text: string) => text.split(',').map((part) => part.trim()).filter(Boolean);

export function gpusFrom(text: string): string[] {
  const names = new Set<string>();
  for (const part of list(text)) {
    const matches = matchGpuQuery(part);
    if (matches.length === 0) {
      const guess = nearest(part, GPU_CATALOGUE.map((gpu) => gpu.name));
      throw new UsageError(`No GPU in the catalogue matches '${part}'.${guess ? ` Did you mean '${guess}'?` : ''} Type 'gpus all=yes' to see every model.`);
    }
    for (const gpu of matches) names.add(gpu.name);
  }
  return [...names];
}

function providersFrom(text: string): ProviderName[] {
  return list(text.toLowerCase()).map((name) => {
    if (isProviderName(name)) return name;
    const guess = nearest(name, PROVIDER_NAMES);
    throw new UsageError(`'${name}' is not a provider.${guess ? ` Did you mean '${guess}'?` : ''} Providers: ${PROVIDER_NAMES.join(', ')}.`);
  });
}

/** Turns validated options into the market's criteria; every value a user can get wrong says how to fix it. */
export function criteriaFrom(options: SearchOptions): OfferCriteria {
  const criteria: OfferCriteria = { type: options.type ?? 'on-demand' };
  if (options.gpu) criteria.gpus = gpusFrom(options.gpu);
  if (options.count) criteria.gpuCount = options.count;
  if (options.vram) criteria.vramGb = options.vram;
  const price: Comparison[] = [...(options.price ?? []), ...(options.max !== undefined ? [{ op: '<=' as const, value: options.max }] : [])];
  if (price.length) criteria.pricePerHour = price;
  if (options.region) criteria.region = options.region;
  if (options.country) {
    criteria.countries = list(options.country.toUpperCase());
    const unknown = criteria.countries.find((code) => !isCountryCode(code));
    if (unknown) throw new UsageError(`'${unknown}' is not an ISO country code. Use two letters, e.g. DE, US, JP.`);
  }
  if (options.continent) {
    const continent = parseContinent(options.continent);
    if (!continent) throw new UsageError(`'${options.continent}' is not a continent. Use one of: ${Object.keys(CONTINENTS).join(', ')}.`);
    criteria.continent = continent;
  }
  if (options.provider) criteria.providers = providersFrom(options.provider);
  if (options.reliability !== undefined) criteria.minReliability = options.reliability > 1 ? options.reliability / 100 : options.reliability;
  if (options.cuda) criteria.cudaVersion = options.cuda;
  return criteria;
}

// ---- Rendering ----

/** "12 s", "4 min", "3 h" */
export function ageText(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/** One warning line per provider whose data is not fresh or not whole: which, how old, and why. */
export function sourceProblems(sources: readonly SourceReport[]): string[] {
  return sources
    .filter((source) => !source.ok)
    .map((source) => {
      const name = providerLabel(source.provider);
      const age = source.ageSeconds === null ? undefined : ageText(source.ageSeconds);
      const shown = age === undefined ? 'no offers shown' : source.stale ? `showing its offers from ${age} ago` : source.partial ? `part of its list shown (${age} old)` : `showing its offers from ${age} ago`;
      const why = source.error ? `${source.error.charAt(0).toUpperCase()}${source.error.slice(1)}` : 'Its data is older than the refresh interval.';
      return `⚠ ${name}: ${shown}. ${why}`;
    });
}

/** The footer every market reply carries: the age of each provider's data. */
export function ageFooter(sources: readonly SourceReport[]): string {
  const ages = sources.map((source) => `${providerLabel(source.provider)} ${source.ageSeconds === null ? 'no data' : ageText(source.ageSeconds)}`);
  const simulated = sources.some((source) => source.mode === 'simulated') ? ' · simulated market' : '';
  return `Data age: ${ages.join(' · ') || 'no provider asked'}${simulated}`;
}

/** "Oregon, US", "Austin, US", "us-east-1, US", "Secure Cloud": the first part of the region and the country. */
function where(offer: Offer): string {
  const place = offer.region.split(',')[0]!.trim();
  const shortPlace = place.length > 16 ? `${place.slice(0, 15)}…` : place;
  return offer.country && place !== offer.country ? `${shortPlace}, ${offer.country}` : shortPlace;
}

function reliabilityOrStock(offer: Offer): string {
  if (offer.reliability !== undefined) return `${(offer.reliability * 100).toFixed(1)}%`;
  if (typeof offer.available === 'number') return `${offer.available} free`;
  if (offer.available) return `stock ${offer.available}`;
  return '–';
}

function rentalType(offer: Offer): string {
  return offer.interruptible ? `spot, bid ≥${formatUsd(offer.minBidPerHour ?? offer.pricePerHour)}` : 'on-demand';
}

function offerTable(rows: readonly RankedOffer[], offset: number): Table {
  return {
    columns: [
      { header: '#', align: 'right' },
      { header: 'Provider' },
      { header: 'GPU' },
      { header: 'VRAM', align: 'right' },
      { header: '$/h', align: 'right' },
      { header: '$/GPU-h', align: 'right' },
      { header: VALUE_MEASURE.unit, align: 'right' },
      { header: 'Where' },
      { header: 'Rel./stock', align: 'right' },
      { header: 'Type' },
      { header: 'Ref' },
    ],
    rows: rows.map(({ offer, value }, index) => [
      String(offset + index + 1),
      providerLabel(offer.provider),
      `${offer.gpu} ×${offer.gpuCount}`,
      `${offer.vramGb} GB`,
      formatUsd(offer.pricePerHour),
      formatUsd(offer.pricePerGpuHour),
      value === undefined ? '–' : value.toFixed(2),
      where(offer),
      reliabilityOrStock(offer),
      rentalType(offer),
      offerReference(offer),
    ]),
  };
}

/** One offer as the public JSON shows it (`prices --json`); field names are a stable interface. */
export function publicOffer({ offer, value }: RankedOffer) {
  const basis = offerValue(offer)?.basis;
  return {
    ref: offerReference(offer),
    provider: offer.provider,
    offerId: offer.offerId,
    gpu: offer.gpu,
    gpuRaw: offer.gpuRaw,
    gpuCount: offer.gpuCount,
    vramGb: offer.vramGb,
    pricePerHour: offer.pricePerHour,
    pricePerGpuHour: offer.pricePerGpuHour,
    usdPerPflopHour: value ?? null,
    valueBasis: basis ?? null,
    interruptible: offer.interruptible,
    minBidPerHour: offer.minBidPerHour ?? null,
    region: offer.region,
    country: offer.country ?? null,
    continent: continentOf(offer.country) ?? null,
    reliability: offer.reliability ?? null,
    available: offer.available ?? null,
    cudaVersion: offer.cudaVersion ?? null,
    priceBreakdown: offer.priceBreakdown ?? null,
    fetchedAt: offer.fetchedAt,
    simulated: offer.simulated,
  };
}

/** The command line that shows another page of the same search (for the "More" button). */
function searchLine(options: SearchOptions, page: number): string {
  const quote = (value: string) => (/^[^\s"'=<>!]+$/.test(value) ? value : `"${value.replace(/["\\]/g, '\\$&')}"`);
  const parts = ['prices'];
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || key === 'page') continue;
    if (Array.isArray(value)) for (const test of value as Comparison[]) parts.push(`${key}${test.op}${test.value}`);
    else parts.push(`${key}=${quote(String(value))}`);
  }
  parts.push(`page=${page}`);
  return parts.join(' ');
}

function describeSearch(criteria: OfferCriteria, sort: SortKey, diskGb: number): string {
  const what = criteria.gpus?.length ? criteria.gpus.join(', ') : 'all GPUs';
  const type = criteria.type === 'any' ? 'on-demand and interruptible' : criteria.type;
  return `${what}, ${type}, priced all-in for ${diskGb} GB disk, sorted by ${sort === 'value' ? `value (${VALUE_MEASURE.description})` : sort}`;
}

export function searchReply(result: SearchResult, options: SearchOptions, criteria: OfferCriteria, sort: SortKey): Reply {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const page = pageOf(result.offers, options.page ?? 1, limit);
  const problems = sourceProblems(result.sources);
  const skipped = result.skipped.map((entry) => `${providerLabel(entry.provider)} left out: ${entry.reason}.`);
  const considered = result.sources.reduce((sum, source) => sum + source.count, 0);
  const data = {
    offers: page.items.map(publicOffer),
    sources: result.sources,
    total: page.total,
    page: page.page,
    pages: page.pages,
    sort,
    diskGb: result.diskGb,
    valueMeasure: VALUE_MEASURE,
  };
  const footer = ageFooter(result.sources);
  const kind = problems.length ? 'warning' : 'info';
  if (page.total === 0) {
    const text = [
      `No offer matches among ${considered} from ${result.sources.length} provider${result.sources.length === 1 ? '' : 's'} (${describeSearch(criteria, sort, result.diskGb)}).`,
      'Loosen a filter (max=, vram>=, region=, reliability=), try type=any, or see what each provider lists with: gpus',
      ...problems,
      ...skipped,
    ].join('\n');
    return { kind: problems.length ? 'warning' : 'info', title: 'No matching offers', text, footer, data };
  }
  if (page.items.length === 0) {
    return { kind: 'info', text: `Page ${page.page} is past the end: there are ${page.pages} page${page.pages === 1 ? '' : 's'} of ${page.total} offers.`, footer, data };
  }
  const buttons: Button[] = [];
  if (page.page < page.pages) buttons.push({ label: `More (page ${page.page + 1} of ${page.pages})`, command: searchLine(options, page.page + 1), style: 'primary' });
  if (criteria.gpus?.length === 1) buttons.push({ label: 'Price history', command: `prices history gpu="${criteria.gpus[0]}"`, style: 'secondary' });
  const shown = `${page.offset + 1}–${page.offset + page.items.length} of ${page.total}`;
  return {
    kind,
    title: `GPU offers ${shown}`,
    text: [`${describeSearch(criteria, sort, result.diskGb)}.`, ...problems, ...skipped].join('\n'),
    table: offerTable(page.items, page.offset),
    buttons,
    footer,
    data,
  };
}

export const pricesSearch = defineCommand({
  name: 'prices search',
  summary: 'Live all-in GPU prices across providers, filtered and ranked',
  description:
    'Asks every provider your org uses at once (answers are cached for PRICES_TTL_SECONDS; a provider that fails or is slow is shown from its last good answer, with its age and the reason). ' +
    `Prices are all-in $/h for what you must rent, including the disk. Value is ${VALUE_MEASURE.description}.`,
  examples: ['prices gpu=4090', 'prices gpu=h100 count>=2 sort=value', 'prices vram>=48 max=1.5 region=EU', 'prices gpu=a100 type=any reliability=98 disk=200', 'prices count>=2 count<=4 country=US,CA --json'],
  options: searchOptions,
  role: 'viewer',
  mutating: false,
  tier: 'free',
  async run({ options, services, orgId }) {
    const criteria = criteriaFrom(options);
    const sort = options.sort ?? 'price';
    const result = await services.market.search(orgId, { criteria, sort, ...(options.disk !== undefined ? { diskGb: options.disk } : {}) });
    if (result.sources.length === 0 && result.skipped.length === 0) {
      return { kind: 'error', text: 'No provider is set up for your org. Add a key in a direct message with: provider add vast <key> (or runpod, lambda, tensordock).', data: { offers: [], sources: [] } };
    }
    return searchReply(result, options, criteria, sort);
  },
});
