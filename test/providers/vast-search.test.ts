// Vast's search body and price cursor, evaluated by the simulator's implementation of Vast's search
// language: pushed-down bounds are Vast's fields and units, never stricter than the user's condition,
// and the cursor walks a list longer than one answer without losing or repeating an offer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readVastOfferRows } from '#providers/vast-parse.ts';
import { nextCursor, VAST_PAGE_LIMIT, vastSearchBody, type VastCursor } from '#providers/vast-search.ts';
import { matches, parseVastSearch, sortRows } from '#sim/vast-query.ts';
import { narrowingFor } from '#services/market/fetch-plan.ts';

type Row = { id: number; dph_total: number; gpu_ram: number; num_gpus: number; geolocation: string; verified: boolean; rentable: boolean; rented: boolean };

/** One answer of Vast's search over `rows`, as the simulator computes it. */
function answer(rows: Row[], body: Record<string, unknown>): Row[] {
  const search = parseVastSearch(body);
  return sortRows(rows.filter((row) => matches(row, search)), search.order).slice(0, search.limit);
}

describe('Vast search body', () => {
  it('pushes the search conditions down in Vast units, loosened where rounding differs', () => {
    const narrow = narrowingFor({ vramGb: [{ op: '>=', value: 80 }], pricePerHour: [{ op: '<=', value: 2 }], gpuCount: [{ op: '>=', value: 2 }, { op: '<=', value: 4 }], countries: ['us', 'CA'], minReliability: 0.98, cudaVersion: [{ op: '>=', value: 12.4 }] }, 50)!;
    const body = vastSearchBody({ interruptible: false, diskGb: 50, narrow });
    expect(body).toMatchObject({
      gpu_ram: { gte: 81408 },
      num_gpus: { gte: 2, lte: 4 },
      geolocation: { in: ['CA', 'US'] },
      reliability2: { gte: 0.98 },
      cuda_max_good: { gte: 12.4 },
      disk_space: { gte: 50 },
      order: [['dph_total', 'asc'], ['id', 'asc']],
      limit: VAST_PAGE_LIMIT,
      type: 'on-demand',
    });
    expect((body.dph_total as { lte: number }).lte).toBeGreaterThanOrEqual(2);
    // An 80 GB card reports a little under 80 × 1024 MB (81559 on an H100); it must still match.
    const h100 = { id: 1, dph_total: 1.5, gpu_ram: 81559, num_gpus: 2, geolocation: 'Oregon, US', verified: true, rentable: true, rented: false, reliability2: 0.99, cuda_max_good: 12.8, disk_space: 100 };
    expect(answer([h100], body)).toHaveLength(1);
  });

  it('reads region= as the filters do: a continent or a country pushes its countries, a region name nothing', () => {
    expect(narrowingFor({ region: 'Europe' }, 50)?.countries).toContain('DE');
    expect(narrowingFor({ region: 'de' }, 50)?.countries).toEqual(['DE']);
    expect(narrowingFor({ region: 'us-east' }, 50)).toBeUndefined();
  });

  it('has nothing to push down for a search without conditions', () => {
    expect(narrowingFor({ type: 'on-demand' }, 50)).toBeUndefined();
  });

  it('does not bound an interruptible search by dph_total (a bid costs the bid)', () => {
    const narrow = narrowingFor({ pricePerHour: [{ op: '<', value: 1 }] }, 50)!;
    expect(vastSearchBody({ interruptible: true, narrow }).dph_total).toBeUndefined();
  });

  it('walks a list longer than one answer, ties at page edges included, each offer once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 * VAST_PAGE_LIMIT }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 1_000 }), (count, distinctPrices, seed) => {
        const rows: Row[] = Array.from({ length: count }, (_, index) => ({
          id: 1_000 + ((index * 7919 + seed) % 100_003),
          dph_total: 0.1 + ((index * 31 + seed) % distinctPrices) / 100,
          gpu_ram: 24_564,
          num_gpus: 1,
          geolocation: 'Oregon, US',
          verified: true,
          rentable: true,
          rented: false,
        }));
        const seen: number[] = [];
        let cursor: VastCursor | undefined;
        for (let page = 0; page < 10; page++) {
          const rowsOfPage = answer(rows, vastSearchBody({}, cursor));
          seen.push(...rowsOfPage.map((row) => row.id));
          cursor = nextCursor(rowsOfPage, cursor);
          if (!cursor) break;
        }
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen.sort()).toEqual(rows.map((row) => row.id).sort());
      }),
      { numRuns: 15 },
    );
  });
});

it('keeps an unreadable row in its place, so a full page still leads to the next', () => {
  const price = (index: number) => 0.1 + index / 10_000;
  const rows = Array.from({ length: VAST_PAGE_LIMIT }, (_, index) => (index === 10 ? 'not an offer' : { id: 1_000 + index, dph_total: price(index) }));
  const read = readVastOfferRows({ offers: rows });
  expect(read).toHaveLength(VAST_PAGE_LIMIT);
  expect(nextCursor(read, undefined)).toEqual({ price: price(VAST_PAGE_LIMIT - 1), seenAtPrice: [1_000 + VAST_PAGE_LIMIT - 1] });
});

it('pages on past a full page whose last row is unreadable, from the last price it could read', () => {
  const price = (index: number) => 0.1 + index / 10_000;
  const rows = Array.from({ length: VAST_PAGE_LIMIT }, (_, index) => (index === VAST_PAGE_LIMIT - 1 ? { id: 'x', dph_total: 'garbage' } : { id: 1_000 + index, dph_total: price(index) }));
  expect(nextCursor(readVastOfferRows({ offers: rows }), undefined)).toEqual({ price: price(VAST_PAGE_LIMIT - 2), seenAtPrice: [1_000 + VAST_PAGE_LIMIT - 2] });
});
