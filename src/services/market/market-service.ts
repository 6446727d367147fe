// The market: live offers from every provider an org may use, asked in parallel under one deadline,
// cached per provider with a TTL, ranked by what the renter asked for, and recorded as price history.
// It never knows which chat asked; commands turn its results into replies.
import { DEFAULT_DISK_GB } from '../../../adapters/providers/common.ts';
import type { ProviderName } from '../../../adapters/providers/types.ts';
import type { Logger } from '../../log.ts';
import type { Offer } from '../../domain/offer.ts';
import { filterOffers, rankOffers, type OfferCriteria, type RankedOffer, type SortKey } from '../../domain/ranking.ts';
import { offerReference } from '../../domain/ranking-reference.ts';
import type { BoundProvider } from '../providers.ts';
import { broadPlan, isBroad, planKey, plansFor, toQuery, type FetchPlan } from './fetch-plan.ts';
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

interface ProviderAnswer {
  provider: BoundProvider;
  reads: SnapshotRead[];
}

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
    const asks = providers.flatMap((provider) => {
      const plans = plansFor(request.criteria, diskGb, provider);
      if (plans.length === 0) {
        const capability = provider.adapter.capabilities.interruptible;
        skipped.push({ provider: provider.name, reason: capability === true ? 'nothing to ask' : capability.reason });
      }
      return plans.length ? [{ provider, plans }] : [];
    });
    const answers = await this.ask(orgId, asks);
    const offers = answers.flatMap((answer) => answer.reads.flatMap((read) => read.snapshot?.offers ?? []));
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
    const plan = broadPlan(DEFAULT_DISK_GB);
    const answers = await this.ask(orgId, this.options.providers(orgId).map((provider) => ({ provider, plans: [plan] })), waitMs);
    const offers = answers.flatMap((answer) => answer.reads.flatMap((read) => read.snapshot?.offers ?? []));
    return { offers, sources: answers.map((answer) => this.report(answer, answer.reads[0]?.snapshot?.offers.length ?? 0)) };
  }

  /** An offer from a recent answer by its reference (`vast:21876543`, `runpod:k3x9q2`), for deploy. */
  findOffer(reference: string): Offer | undefined {
    const wanted = reference.trim().toLowerCase();
    let newest: { offer: Offer; at: number } | undefined;
    for (const [, snapshot] of this.cache.snapshots()) {
      for (const offer of snapshot.offers) {
        if (offerReference(offer).toLowerCase() === wanted && (!newest || snapshot.fetchedAt > newest.at)) newest = { offer, at: snapshot.fetchedAt };
      }
    }
    return newest?.offer;
  }

  private async ask(orgId: string, asks: { provider: BoundProvider; plans: FetchPlan[] }[], waitMs = this.options.deadlineMs): Promise<ProviderAnswer[]> {
    const started = Date.now();
    return Promise.all(
      asks.map(async ({ provider, plans }) => ({
        provider,
        reads: await Promise.all(plans.map((plan) => this.cache.read(planKey(provider, orgId, plan), () => this.fetch(provider, plan), waitMs - (Date.now() - started)))),
      })),
    );
  }

  private async fetch(provider: BoundProvider, plan: FetchPlan): Promise<Offer[]> {
    const started = Date.now();
    const offers = await provider.adapter.listOffers(toQuery(plan));
    this.options.log.debug({ provider: provider.name, offers: offers.length, ms: Date.now() - started, broad: isBroad(plan) }, 'offers fetched');
    if (isBroad(plan) && plan.diskGb === DEFAULT_DISK_GB) {
      // Recorded in the background: a slow disk never delays the answer.
      this.options.history.record(provider.name, provider.mode === 'simulated', offers, this.now()).catch((error: unknown) => {
        this.options.log.warn({ provider: provider.name, error: errorMessage(error) }, 'price history not recorded');
      });
    }
    return offers;
  }

  private report({ provider, reads }: ProviderAnswer, matched: number): SourceReport {
    const snapshots = reads.flatMap((read) => (read.snapshot ? [read.snapshot] : []));
    const oldest = snapshots.length > 0 ? Math.min(...snapshots.map((snapshot) => snapshot.fetchedAt)) : undefined;
    const stale = reads.some((read) => read.stale);
    const loading = reads.some((read) => read.loading);
    const problems = [...new Set(reads.flatMap((read) => (read.error ? [read.error] : [])))];
    if (loading && problems.length === 0) {
      problems.push(`no answer within ${(this.options.deadlineMs / 1000).toFixed(1)} s; still loading in the background, so the next query will have it`);
    }
    const missing = snapshots.length < reads.length;
    const report: SourceReport = {
      provider: provider.name,
      mode: provider.mode,
      ok: !stale && !missing,
      count: snapshots.reduce((sum, snapshot) => sum + snapshot.offers.length, 0),
      matched,
      ageSeconds: oldest === undefined ? null : Math.max(0, Math.round((this.now() - oldest) / 1000)),
      fetchedAt: oldest === undefined ? null : new Date(oldest).toISOString(),
      stale,
      loading,
    };
    if (problems.length) report.error = problems.join('; ');
    return report;
  }
}
