// The offer cache with lists that arrive page by page, on a driven clock: the first page is served
// marked partial, a refresh ahead of expiry never swaps a whole list for a page, and a list cut off
// by a failed page is walked again by the next read.
import { describe, expect, it } from 'vitest';
import type { OfferList } from '#providers/types.ts';
import type { Offer } from '#domain/offer.ts';
import { SnapshotCache, type SnapshotFetch } from '#services/market/snapshot-cache.ts';

const TTL = 60_000;
const offer = (id: number) => ({ provider: 'vast', offerId: String(id) }) as Offer;
const offers = (from: number, count: number) => Array.from({ length: count }, (_, index) => offer(from + index));

/** A paged fetch the test releases page by page. */
function pagedFetch(pages: Offer[][], failAt?: number) {
  let release: () => void = () => {};
  let calls = 0;
  const fetch: SnapshotFetch = async (publish) => {
    calls++;
    const seen: Offer[] = [];
    for (const [index, page] of pages.entries()) {
      if (index === failAt) throw new Error('page refused');
      seen.push(...page);
      if (index === pages.length - 1) break;
      publish({ offers: [...seen], partial: true });
      await new Promise<void>((resolve) => (release = resolve));
    }
    return { offers: seen, partial: false } satisfies OfferList;
  };
  return { fetch, next: () => release(), calls: () => calls };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('SnapshotCache with paged lists', () => {
  it('serves the first page marked partial, then the whole list', async () => {
    let now = 0;
    const cache = new SnapshotCache({ ttlMs: TTL, now: () => now });
    const source = pagedFetch([offers(1, 3), offers(4, 2)]);
    const first = await cache.read('vast', source.fetch, 20);
    expect(first).toMatchObject({ stale: false, loading: false, refreshing: true, snapshot: { partial: true } });
    expect(first.snapshot!.offers).toHaveLength(3);
    source.next();
    await settle();
    now += 1_000;
    const second = await cache.read('vast', source.fetch, 20);
    expect(second).toMatchObject({ refreshing: false, snapshot: { partial: false } });
    expect(second.snapshot!.offers).toHaveLength(5);
  });

  it('keeps a fresh whole list while its refresh ahead of expiry is still on its first pages', async () => {
    let now = 0;
    const cache = new SnapshotCache({ ttlMs: TTL, now: () => now });
    const source = pagedFetch([offers(1, 3), offers(4, 2)]);
    await cache.read('vast', source.fetch, 20);
    source.next();
    await settle();
    now = TTL * 0.9;
    await cache.read('vast', source.fetch, 20);
    await settle();
    const during = await cache.read('vast', source.fetch, 20);
    expect(source.calls()).toBe(2);
    expect(during).toMatchObject({ refreshing: true, snapshot: { partial: false } });
    expect(during.snapshot!.offers).toHaveLength(5);
    source.next();
  });

  it('walks a list cut off by a failed page again at the next read', async () => {
    const now = 0;
    const cache = new SnapshotCache({ ttlMs: TTL, now: () => now });
    const failing = pagedFetch([offers(1, 3), offers(4, 2)], 1);
    const first = await cache.read('vast', failing.fetch, 20);
    expect(first).toMatchObject({ refreshing: true, snapshot: { partial: true } });
    failing.next();
    await settle();
    const healthy = pagedFetch([offers(1, 3), offers(4, 2)]);
    const again = cache.read('vast', healthy.fetch, 1_000);
    await settle();
    healthy.next();
    const walked = await again;
    expect(walked.error).toBeUndefined();
    expect(walked.snapshot).toMatchObject({ partial: false });
    expect(healthy.calls()).toBe(1);
  });
});
