// One cached answer per (provider, what was asked): fresh for the TTL, refreshed ahead of expiry in the
// background, shared by concurrent queries, and kept after a failure so a broken or slow provider
// never blanks the price list — its last good snapshot is served, labelled with its age and the reason.
import type { Offer } from '../../domain/offer.ts';

export interface Snapshot {
  offers: Offer[];
  /** Epoch ms the provider answered. */
  fetchedAt: number;
}

/** What one read of one entry gave: possibly stale data, and why it is not fresh. */
export interface SnapshotRead {
  snapshot?: Snapshot;
  /** Data is at least a TTL old (or missing) because a refresh failed or has not answered yet. */
  stale: boolean;
  /** Set when the newest refresh failed. */
  error?: string;
  /** A refresh is still running after the deadline; it will fill the cache for the next query. */
  loading: boolean;
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
  /** Real time (Date.now) the running refresh began. */
  inflightSince?: number;
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
   * missing one is refreshed and waited for until then, after which the last good snapshot (if any) is
   * returned and the refresh carries on in the background.
   */
  async read(key: string, fetch: () => Promise<Offer[]>, waitMs: number): Promise<SnapshotRead> {
    const { ttlMs, now } = this.options;
    const entry = this.touch(key);
    const age = entry.snapshot ? now() - entry.snapshot.fetchedAt : Infinity;
    if (age < ttlMs) {
      if (age >= ttlMs * (this.options.refreshAheadShare ?? DEFAULT_REFRESH_AHEAD_SHARE)) this.refresh(key, entry, fetch);
      return { snapshot: entry.snapshot!, stale: false, loading: false };
    }
    const running = entry.inflightSince;
    const refreshing = this.refresh(key, entry, fetch);
    // A refresh that has already kept an earlier query waiting a whole deadline (a hung provider) is not
    // waited for again: every later query would pay the same wait for nothing.
    const answered = await settlesWithin(refreshing, running !== undefined && Date.now() - running >= waitMs ? 0 : waitMs);
    const current = entry.snapshot;
    const fresh = current !== undefined && now() - current.fetchedAt < ttlMs;
    return {
      ...(current ? { snapshot: current } : {}),
      stale: !fresh,
      ...(entry.error && !fresh ? { error: entry.error } : {}),
      loading: !answered,
    };
  }

  /** Starts a refresh unless one is running; resolves when it settles (never rejects). */
  private refresh(key: string, entry: Entry, fetch: () => Promise<Offer[]>): Promise<void> {
    if (entry.inflight) return entry.inflight;
    const started = fetch().then(
      (offers) => {
        entry.snapshot = { offers, fetchedAt: this.options.now() };
        delete entry.error;
      },
      (error: unknown) => {
        entry.error = errorMessage(error);
        this.options.onError?.(key, error);
      },
    );
    entry.inflightSince = Date.now();
    entry.inflight = started.finally(() => {
      delete entry.inflight;
      delete entry.inflightSince;
    });
    return entry.inflight;
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

/** Whether `work` settles within `ms` of real time (the deadline is the user's wait, never simulated). */
function settlesWithin(work: Promise<void>, ms: number): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(false);
  if (!Number.isFinite(ms)) return work.then(() => true);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([work.then(() => true), late]).finally(() => clearTimeout(timer));
}
