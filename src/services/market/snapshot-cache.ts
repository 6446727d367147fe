// One cached answer per (provider, what was asked): fresh for the TTL, refreshed ahead of expiry in the
// background, shared by concurrent queries, and kept after a failure so a broken or slow provider
// never blanks the price list — its last good snapshot is served, labelled with its age and the reason.
// A list that arrives page by page is served from its first page on, marked partial until it is whole.
import type { OfferList } from '#providers/types.ts';
import type { Offer } from '#domain/offer.ts';
import { settlesWithin } from '#core/deadline.ts';

export interface Snapshot {
  offers: Offer[];
  /** Epoch ms the provider answered. */
  fetchedAt: number;
  /** The provider's list was cut off here (more pages loading, failed, or beyond what is loaded). */
  partial: boolean;
}

/** Fetches one entry; `publish` shows the pages so far while the rest is still being fetched. */
export type SnapshotFetch = (publish: (list: OfferList) => void) => Promise<OfferList>;

/** What one read of one entry gave: possibly stale data, and why it is not fresh. */
export interface SnapshotRead {
  snapshot?: Snapshot;
  /** Data is at least a TTL old (or missing) because a refresh failed or has not answered yet. */
  stale: boolean;
  /** Set when the newest refresh failed. */
  error?: string;
  /** A refresh is still running after the deadline; it will fill the cache for the next query. */
  loading: boolean;
  /** A refresh is still running (possibly adding pages to a partial snapshot). */
  refreshing: boolean;
}

export interface SnapshotCacheOptions {
  ttlMs: number;
  now: () => number;
  /** From this share of the TTL on, a read serves the cached snapshot and refreshes it in the background. */
  refreshAheadShare?: number;
  /** Entries kept (least recently used are dropped first). */
  maxEntries?: number;
  onError?: (key: string, error: unknown) => void;
}

interface Entry {
  snapshot?: Snapshot;
  inflight?: Promise<void>;
  /** Settles with the running refresh's first page (or its end). */
  firstAnswer?: Promise<void>;
  /** A query already waited a whole deadline for the running refresh. */
  waitedOut?: boolean;
  error?: string;
}

const DEFAULT_REFRESH_AHEAD_SHARE = 0.8;
const DEFAULT_MAX_ENTRIES = 256;

export function errorMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
}

export class SnapshotCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: SnapshotCacheOptions) {}

  /**
   * The freshest data for `key` available within `waitMs`. A fresh snapshot answers at once; a stale or
   * missing one is refreshed and waited for until then (the whole list, or only its first page with
   * `firstPage`), after which the last good snapshot, or the pages so far, are returned and the
   * refresh carries on in the background.
   */
  async read(key: string, fetch: SnapshotFetch, waitMs: number, firstPage = false): Promise<SnapshotRead> {
    const { ttlMs, now } = this.options;
    const started = Date.now();
    const entry = this.touch(key);
    const age = entry.snapshot ? now() - entry.snapshot.fetchedAt : Infinity;
    // A list cut off by a failed page is walked again by the next read rather than served for a whole TTL.
    const brokenOff = entry.snapshot?.partial === true && entry.error !== undefined && !entry.inflight;
    if (age < ttlMs && !brokenOff) {
      if (age >= ttlMs * (this.options.refreshAheadShare ?? DEFAULT_REFRESH_AHEAD_SHARE)) this.refresh(key, entry, fetch);
      return { snapshot: entry.snapshot!, stale: false, loading: false, refreshing: entry.inflight !== undefined };
    }
    const firstAnswer = this.refresh(key, entry, fetch);
    // A refresh that has already kept an earlier query waiting a whole deadline (a hung provider) is not
    // waited for again: every later query would pay the same wait for nothing.
    const wait = entry.waitedOut ? 0 : waitMs;
    const answered = await settlesWithin(firstAnswer, wait);
    const whole = answered && (firstPage || !entry.inflight || (await settlesWithin(entry.inflight, wait - (Date.now() - started))));
    if (!answered && waitMs > 0 && entry.inflight) entry.waitedOut = true;
    const current = entry.snapshot;
    const fresh = current !== undefined && now() - current.fetchedAt < ttlMs;
    return {
      ...(current ? { snapshot: current } : {}),
      stale: !fresh,
      ...(entry.error && (!fresh || current.partial) ? { error: entry.error } : {}),
      loading: !whole && !current?.partial,
      refreshing: entry.inflight !== undefined,
    };
  }

  /** The snapshot of `key` if it is fresh and whole, without refreshing anything. */
  whole(key: string): Snapshot | undefined {
    const snapshot = this.entries.get(key)?.snapshot;
    return snapshot && !snapshot.partial && this.options.now() - snapshot.fetchedAt < this.options.ttlMs ? snapshot : undefined;
  }

  /** Starts a refresh unless one is running; resolves at its first page or when it settles (never rejects). */
  private refresh(key: string, entry: Entry, fetch: SnapshotFetch): Promise<void> {
    if (entry.inflight && entry.firstAnswer) return entry.firstAnswer;
    let answer!: () => void;
    const firstAnswer = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const store = (list: OfferList) => {
      entry.snapshot = { offers: list.offers, partial: list.partial, fetchedAt: this.options.now() };
      delete entry.error;
      answer();
    };
    // A page does not replace a whole list that is still fresh: the refresh ahead of expiry would
    // otherwise show a partial list for as long as the rest takes to load.
    const publish = (list: OfferList) => {
      const current = entry.snapshot;
      if (current && !current.partial && this.options.now() - current.fetchedAt < this.options.ttlMs) return;
      store(list);
    };
    delete entry.waitedOut;
    entry.firstAnswer = firstAnswer;
    entry.inflight = fetch(publish)
      .then(store, (error: unknown) => {
        entry.error = errorMessage(error);
        this.options.onError?.(key, error);
      })
      .finally(() => {
        answer();
        delete entry.inflight;
        delete entry.firstAnswer;
      });
    return firstAnswer;
  }

  /** Every cached snapshot (for looking an offer up by reference). */
  *snapshots(): IterableIterator<[string, Snapshot]> {
    for (const [key, entry] of this.entries) if (entry.snapshot) yield [key, entry.snapshot];
  }

  private touch(key: string): Entry {
    const entry = this.entries.get(key) ?? {};
    // Re-inserting moves the key to the end: the Map's order is least recently used first.
    this.entries.delete(key);
    this.entries.set(key, entry);
    const max = this.options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    for (const [oldest, candidate] of this.entries) {
      if (this.entries.size <= max) break;
      if (!candidate.inflight) this.entries.delete(oldest);
    }
    return entry;
  }
}
