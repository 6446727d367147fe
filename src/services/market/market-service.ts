// The market: live offers from every provider an org may use, asked in parallel under one deadline,
// cached per provider with a TTL, ranked by what the renter asked for, and recorded as price history.
// It never knows which chat asked; commands turn its results into replies.
import { DEFAULT_DISK_GB } from '#providers/common.ts';
import type { OfferList, OfferNarrowing, ProviderName } from '#providers/types.ts';
import type { Logger } from '#src/log.ts';
import type { Offer } from '#domain/offer.ts';
import { filterOffers, rankOffers, type OfferCriteria, type RankedOffer, type SortKey } from '#domain/ranking.ts';
import { offerReference } from '#domain/ranking-reference.ts';
import type { BoundProvider } from '../providers.ts';
import { broadPlan, isBroad, narrowingFor, planKey, plansFor, sourceKey, toQuery, type FetchPlan } from './fetch-plan.ts';
import type { PriceHistory } from './price-history.ts';
import { errorMessage, SnapshotCache, type SnapshotRead } from './snapshot-cache.ts';

export interface MarketServiceOptions {
  /** The providers an org may use now (ProviderService.forOrg). */
  providers: (orgId: string) => readonly BoundProvider[];
  history: PriceHistory;
  /** PRICES_TTL_SECONDS × 1000. */
  ttlMs: number;
  /** PRICES_DEADLINE_MS: the longest a search waits for providers. */
  deadlineMs: number;
  log: Logger;
  /** Epoch ms; tests drive it to age snapshots and history. */
  now?: () => number;
}

export interface SearchRequest {
  criteria: OfferCriteria;
  sort: SortKey;
  /** Disk to price the rental for, GB (default the adapters' DEFAULT_DISK_GB). */
  diskGb?: number;
}

/** How one provider's data in an answer came about. Part of the public JSON (`prices --json`). */
export interface SourceReport {
  provider: ProviderName;
  mode: 'real' | 'simulated';
  /** The provider answered a refresh within the deadline (or its cached answer was still fresh). */
  ok: boolean;
  /** Offers it contributed before filtering. */
  count: number;
  /** Offers of it that matched the filters. */
  matched: number;
  /** Age of its data in whole seconds; null when there is none. */
  ageSeconds: number | null;
  fetchedAt: string | null;
  /** The data is older than the TTL (shown only because a refresh failed or is late). */
  stale: boolean;
  /** A refresh is still running and will fill the cache for the next query. */
  loading: boolean;
  /** Its list was cut off: it lists more offers than are shown (loading, failed, or too long to load). */
  partial: boolean;
  /** Why it is not ok, in words a user can act on. */
  error?: string;
}

export interface SearchResult {
  offers: RankedOffer[];
  sources: SourceReport[];
  diskGb: number;
  /** Providers that cannot offer what was asked (e.g. interruptible on Lambda), with the reason. */
  skipped: { provider: ProviderName; reason: string }[];
}

/**
 * Reads that answer one ask together: the provider's list for it and, when that list was cut off,
 * the same ask with the search's conditions pushed down. Whichever is whole covers the ask.
 */
type ReadGroup = SnapshotRead[];

interface ProviderAnswer {
  provider: BoundProvider;
  groups: ReadGroup[];
}

/** The offers of one group, each once (the pushed-down answer repeats offers of the cut-off list). */
function groupOffers(group: ReadGroup): Offer[] {
  if (group.length === 1) return group[0]!.snapshot?.offers ?? [];
  const byId = new Map<string, Offer>();
  for (const read of group) for (const offer of read.snapshot?.offers ?? []) if (!byId.has(offer.offerId)) byId.set(offer.offerId, offer);
  return [...byId.values()];
}

const answerOffers = (answer: ProviderAnswer) => answer.groups.flatMap(groupOffers);

export class MarketService {
  private readonly cache: SnapshotCache;
  private readonly now: () => number;

  constructor(private readonly options: MarketServiceOptions) {
    this.now = options.now ?? Date.now;
    this.cache = new SnapshotCache({
      ttlMs: options.ttlMs,
      now: this.now,
      onError: (key, error) => options.log.warn({ key, error: errorMessage(error) }, 'price refresh failed'),
    });
  }

  get history(): PriceHistory {
    return this.options.history;
  }

  /** Offers matching the criteria from every provider the org may use, ranked. */
  async search(orgId: string, request: SearchRequest): Promise<SearchResult> {
    const diskGb = request.diskGb ?? DEFAULT_DISK_GB;
    const wanted = request.criteria.providers && new Set(request.criteria.providers);
    const providers = this.options.providers(orgId).filter((provider) => !wanted || wanted.has(provider.name));
    const skipped: SearchResult['skipped'] = [];
    const narrow = narrowingFor(request.criteria, diskGb);
    const asks = providers.flatMap((provider) => {
      const plans = plansFor(request.criteria, diskGb, provider);
      if (plans.length === 0) {
        const capability = provider.adapter.capabilities.interruptible;
        skipped.push({ provider: provider.name, reason: capability === true ? 'nothing to ask' : capability.reason });
      }
      return plans.length ? [{ provider, plans, ...(narrow ? { narrow } : {}) }] : [];
    });
    const answers = await this.ask(orgId, asks);
    const offers = answers.flatMap(answerOffers);
    // The disk priced for is also a condition: an offer that cannot hold it cannot be rented as priced.
    const ranked = rankOffers(filterOffers(offers, { ...request.criteria, minDiskGb: diskGb }), request.sort);
    const matched = new Map<ProviderName, number>();
    for (const { offer } of ranked) matched.set(offer.provider, (matched.get(offer.provider) ?? 0) + 1);
    return { offers: ranked, sources: answers.map((answer) => this.report(answer, matched.get(answer.provider.name) ?? 0)), diskGb, skipped };
  }

  /**
   * Every provider's whole on-demand list at the default disk: what the `gpus` table compares and what
   * the scheduler calls to keep the cache warm and the history recording between searches.
   */
  async refresh(orgId: string, waitMs = this.options.deadlineMs): Promise<{ offers: Offer[]; sources: SourceReport[] }> {
    const answers = await this.ask(orgId, this.options.providers(orgId).map((provider) => ({ provider, plans: [broadPlan(DEFAULT_DISK_GB)] })), waitMs);
    return { offers: answers.flatMap(answerOffers), sources: answers.map((answer) => this.report(answer, answerOffers(answer).length)) };
  }

  /**
   * Starts the refresh and waits (at most `waitMs`) for every provider's first answer, so that the
   * first search after start has every provider that answers; longer lists load on in the background.
   */
  async warm(orgId: string, waitMs: number): Promise<void> {
    await this.ask(orgId, this.options.providers(orgId).map((provider) => ({ provider, plans: [broadPlan(DEFAULT_DISK_GB)] })), waitMs, true);
  }

  /**
   * An offer by its reference (`vast:21876543`, `runpod:k3x9q2`) from a recent answer to this org's own
   * providers, for deploy: never one another org's key saw, nor a simulated offer for a real rental.
   */
  findOffer(orgId: string, reference: string): Offer | undefined {
    const wanted = reference.trim().toLowerCase();
    const sources = this.options.providers(orgId).map((provider) => `${sourceKey(provider, orgId)}|`);
    let newest: { offer: Offer; at: number } | undefined;
    for (const [key, snapshot] of this.cache.snapshots()) {
      if (!sources.some((source) => key.startsWith(source))) continue;
      for (const offer of snapshot.offers) {
        if (offerReference(offer).toLowerCase() === wanted && (!newest || snapshot.fetchedAt > newest.at)) newest = { offer, at: snapshot.fetchedAt };
      }
    }
    return newest?.offer;
  }

  /**
   * Reads every plan of every provider within the wait. A plan whose list comes back cut off is asked
   * again with the search's conditions pushed down (`narrow`), in what is left of the wait.
   */
  private async ask(orgId: string, asks: { provider: BoundProvider; plans: FetchPlan[]; narrow?: OfferNarrowing }[], waitMs = this.options.deadlineMs, firstPage = false): Promise<ProviderAnswer[]> {
    const started = Date.now();
    const read = (provider: BoundProvider, plan: FetchPlan) =>
      this.cache.read(planKey(provider, orgId, plan), (publish) => this.fetch(provider, plan, publish), waitMs - (Date.now() - started), firstPage);
    const readGroup = async (provider: BoundProvider, plan: FetchPlan, narrow: OfferNarrowing | undefined): Promise<ReadGroup> => {
      // A fresh whole list of every GPU holds every offer of the GPUs asked for: no need to ask again.
      const everyGpu = plan.gpus && plan.gpuCount === undefined ? this.cache.whole(planKey(provider, orgId, { interruptible: plan.interruptible, diskGb: plan.diskGb })) : undefined;
      if (everyGpu) return [{ snapshot: everyGpu, stale: false, loading: false, refreshing: false }];
      const whole = await read(provider, plan);
      if (!narrow || !provider.adapter.searchOffers || !whole.snapshot?.partial) return [whole];
      return [whole, await read(provider, { ...plan, narrow })];
    };
    return Promise.all(
      asks.map(async ({ provider, plans, narrow }) => ({
        provider,
        groups: await Promise.all(plans.map((plan) => readGroup(provider, plan, narrow))),
      })),
    );
  }

  private async fetch(provider: BoundProvider, plan: FetchPlan, publish: (list: OfferList) => void): Promise<OfferList> {
    const started = Date.now();
    const query = toQuery(plan);
    const list = provider.adapter.searchOffers ? await provider.adapter.searchOffers(query, publish) : { offers: await provider.adapter.listOffers(query), partial: false };
    const { offers } = list;
    this.options.log.debug({ provider: provider.name, offers: offers.length, partial: list.partial, ms: Date.now() - started, broad: isBroad(plan) }, 'offers fetched');
    if (isBroad(plan) && plan.diskGb === DEFAULT_DISK_GB) {
      // Recorded in the background: a slow disk never delays the answer.
      this.options.history.record(provider.name, provider.mode === 'simulated', offers, this.now()).catch((error: unknown) => {
        this.options.log.warn({ provider: provider.name, error: errorMessage(error) }, 'price history not recorded');
      });
    }
    return list;
  }

  private report({ provider, groups }: ProviderAnswer, matched: number): SourceReport {
    const reads = groups.flat();
    const snapshots = reads.flatMap((read) => (read.snapshot ? [read.snapshot] : []));
    const oldest = snapshots.length > 0 ? Math.min(...snapshots.map((snapshot) => snapshot.fetchedAt)) : undefined;
    const stale = groups.some((group) => group.every((read) => read.stale));
    const missing = groups.some((group) => group.every((read) => !read.snapshot));
    const cutOff = groups.filter((group) => group.some((read) => read.snapshot) && !group.some((read) => read.snapshot && !read.snapshot.partial));
    const loading = reads.some((read) => read.loading);
    const problems = [...new Set(reads.flatMap((read) => (read.error ? [read.error] : [])))];
    if (cutOff.length) problems.unshift(cutOffReason(cutOff));
    else if (loading && problems.length === 0) {
      problems.push(`no answer within ${(this.options.deadlineMs / 1000).toFixed(1)} s; still loading in the background, so the next query will have it`);
    }
    const report: SourceReport = {
      provider: provider.name,
      mode: provider.mode,
      ok: !stale && !missing && cutOff.length === 0,
      count: groups.reduce((sum, group) => sum + groupOffers(group).length, 0),
      matched,
      ageSeconds: oldest === undefined ? null : Math.max(0, Math.round((this.now() - oldest) / 1000)),
      fetchedAt: oldest === undefined ? null : new Date(oldest).toISOString(),
      stale,
      loading,
      partial: cutOff.length > 0,
    };
    if (problems.length) report.error = problems.join('; ');
    return report;
  }
}

/** Why a provider's list stops short, in words a user can act on. */
function cutOffReason(groups: readonly ReadGroup[]): string {
  const shown = groups.reduce((sum, group) => sum + groupOffers(group).length, 0).toLocaleString('en');
  const pushedDown = groups.some((group) => group.slice(1).some((read) => read.snapshot));
  // Once the search was pushed down, the offers held mix the cut-off list with the matching ones: no count.
  const head = pushedDown ? 'only its cheapest matching offers are loaded' : `only its ${shown} cheapest offers are loaded`;
  if (groups.some((group) => group.some((read) => read.refreshing))) return `${head}; the rest is loading in the background, so asking again shortly shows more`;
  if (groups.some((group) => group.some((read) => read.error))) return `${head}, as loading the rest failed`;
  return `${head}: it lists more than ComputeHub loads${pushedDown ? '' : '; narrow the search (gpu=, vram>=, max=, country=) to see the rest'}`;
}
