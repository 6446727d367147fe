// Each filter and sort of `prices`, against the simulator: the rows must be exactly the offers the
// adapters list that match, computed here independently, in the promised order, across every page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfferQuery } from '#providers/types.ts';
import { GPU_CATALOGUE } from '#domain/gpus.ts';
import type { Offer } from '#domain/offer.ts';
import { allPages, identity, marketFixture, type MarketFixture, type OfferRow } from './support.ts';

// Written out here rather than imported, so the test does not trust the code it checks.
const EUROPE = new Set(['AD', 'AL', 'AT', 'BA', 'BE', 'BG', 'BY', 'CH', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GB', 'GR', 'HR', 'HU', 'IE', 'IS', 'IT', 'LI', 'LT', 'LU', 'LV', 'MC', 'MD', 'ME', 'MK', 'MT', 'NL', 'NO', 'PL', 'PT', 'RO', 'RS', 'RU', 'SE', 'SI', 'SK', 'TR', 'UA']);
const ASIA = new Set(['AE', 'CN', 'HK', 'ID', 'IL', 'IN', 'JP', 'KR', 'MY', 'PH', 'SA', 'SG', 'TH', 'TW', 'VN']);
const DISK = 50;

const tflops = (gpu: string) => {
  const spec = GPU_CATALOGUE.find((entry) => entry.name === gpu);
  return spec ? (spec.bf16Tflops ?? spec.fp16Tflops) : undefined;
};
const value = (offer: Pick<Offer, 'gpu' | 'gpuCount' | 'pricePerHour'>) => {
  const perGpu = tflops(offer.gpu);
  return perGpu === undefined ? Infinity : offer.pricePerHour / ((perGpu * offer.gpuCount) / 1000);
};

type Order = 'price' | 'value' | 'vram' | 'reliability';
/** What each sort promises, as a key that must come out ascending. */
const orderKey: Record<Order, (offer: Pick<Offer, 'gpu' | 'gpuCount' | 'pricePerHour' | 'vramGb'> & { reliability?: number | null }) => [number, number]> = {
  price: (offer) => [offer.pricePerHour, 0],
  value: (offer) => [value(offer), offer.pricePerHour],
  vram: (offer) => [-offer.vramGb, offer.pricePerHour],
  reliability: (offer) => [-(offer.reliability ?? -Infinity), offer.pricePerHour],
};
const ascending = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];

interface Case {
  line: string;
  /** The asks the adapters get (one per rental type). */
  queries: OfferQuery[];
  keep: (offer: Offer) => boolean;
  order: Order;
}

const onDemand = (extra: Partial<OfferQuery> = {}): OfferQuery[] => [{ interruptible: false, diskGb: DISK, ...extra }];
const fitsDisk = (disk: number) => (offer: Offer) => offer.diskGb === undefined || offer.diskGb >= disk;
const names = (text: string) => GPU_CATALOGUE.filter((gpu) => gpu.name.includes(text)).map((gpu) => gpu.name);

const CASES: Case[] = [
  { line: 'prices gpu=4090', queries: onDemand({ gpus: ['RTX 4090'] }), keep: (o) => o.gpu === 'RTX 4090', order: 'price' },
  { line: 'prices gpu=rtx4090 count=2', queries: onDemand({ gpus: ['RTX 4090'], gpuCount: 2 }), keep: (o) => o.gpu === 'RTX 4090' && o.gpuCount === 2, order: 'price' },
  { line: 'prices count>=2 count<=4 vram>=40', queries: onDemand(), keep: (o) => o.gpuCount >= 2 && o.gpuCount <= 4 && o.vramGb >= 40, order: 'price' },
  { line: 'prices max=0.5 region=EU', queries: onDemand(), keep: (o) => o.pricePerHour <= 0.5 && EUROPE.has(o.country ?? ''), order: 'price' },
  { line: 'prices region=europe price<1 price>=0.3 sort=value', queries: onDemand(), keep: (o) => o.pricePerHour < 1 && o.pricePerHour >= 0.3 && EUROPE.has(o.country ?? ''), order: 'value' },
  { line: 'prices country=US,CA vram>=24 sort=value', queries: onDemand(), keep: (o) => ['US', 'CA'].includes(o.country ?? '') && o.vramGb >= 24, order: 'value' },
  { line: 'prices continent=AS sort=vram', queries: onDemand(), keep: (o) => ASIA.has(o.country ?? ''), order: 'vram' },
  { line: 'prices provider=runpod,lambda sort=vram', queries: onDemand(), keep: (o) => o.provider === 'runpod' || o.provider === 'lambda', order: 'vram' },
  { line: 'prices gpu=a100 type=interruptible', queries: [{ gpus: names('A100'), interruptible: true, diskGb: DISK }], keep: (o) => o.gpu.startsWith('A100'), order: 'price' },
  { line: 'prices gpu=4090 type=any', queries: [{ gpus: ['RTX 4090'], interruptible: false, diskGb: DISK }, { gpus: ['RTX 4090'], interruptible: true, diskGb: DISK }], keep: (o) => o.gpu === 'RTX 4090', order: 'price' },
  { line: 'prices reliability=98 vram>=48 sort=reliability', queries: onDemand(), keep: (o) => o.vramGb >= 48 && (o.reliability === undefined || o.reliability >= 0.98), order: 'reliability' },
  { line: 'prices gpu=3090 disk=500', queries: [{ gpus: ['RTX 3090'], interruptible: false, diskGb: 500 }], keep: (o) => o.gpu === 'RTX 3090' && fitsDisk(500)(o), order: 'price' },
  { line: 'prices gpu=5090 cuda>=12.6', queries: onDemand({ gpus: ['RTX 5090'] }), keep: (o) => o.gpu === 'RTX 5090' && (o.cudaVersion === undefined || o.cudaVersion >= 12.6), order: 'price' },
];

let market: MarketFixture;
beforeAll(async () => {
  market = await marketFixture();
});
afterAll(async () => {
  await market?.close();
});

describe('prices filters and sorts against the simulator', () => {
  for (const { line, queries, keep, order } of CASES) {
    it(line, async () => {
      const listed = (await Promise.all(queries.map((query) => market.offers(query)))).flat();
      const disk = queries[0]!.diskGb ?? DISK;
      const expected = listed.filter((offer) => keep(offer) && fitsDisk(disk)(offer));
      const { rows, first, pagesSeen } = await allPages(market.app, `${line} limit=40`);

      expect(expected.length).toBeGreaterThan(0);
      expect(first.total).toBe(expected.length);
      expect(pagesSeen).toBe(Math.ceil(expected.length / 40));
      expect(rows.map(identity).sort()).toEqual(expected.map(identity).sort());
      expect(rows.map((row: OfferRow) => orderKey[order](row as never))).toEqual(expected.map((offer) => orderKey[order](offer)).sort(ascending));
      expect(first.sources.map((source) => source.provider).sort()).toEqual(
        line.includes('provider=') ? ['lambda', 'runpod'] : line.includes('type=interruptible') ? ['runpod', 'vast'] : ['lambda', 'runpod', 'tensordock', 'vast'],
      );
      expect(first.sources.every((source) => source.ok)).toBe(true);
    });
  }

  it('states the all-in price, $/GPU-h and the value measure per row, and keeps interruptible bids apart', async () => {
    const execution = await market.app.run('prices gpu=4090 type=any limit=200');
    const rows = (execution.reply.data as { offers: OfferRow[] }).offers;
    for (const row of rows) {
      expect(row.pricePerGpuHour).toBeCloseTo(row.pricePerHour / row.gpuCount, 5);
      expect(row.usdPerPflopHour).toBeCloseTo(value(row), 6);
      expect(row.minBidPerHour === null).toBe(!row.interruptible);
    }
    const table = execution.reply.table!;
    expect(table.columns.map((column) => column.header)).toEqual(['#', 'Provider', 'GPU', 'VRAM', '$/h', '$/GPU-h', '$/PFLOP-h', 'Where', 'Rel./stock', 'Type', 'Ref']);
    expect(table.rows.some((cells) => cells[9]!.startsWith('spot, bid ≥$'))).toBe(true);
    expect(execution.reply.footer).toMatch(/^Data age: .*simulated market$/);
  });

  it('prints the public JSON shape that `computehub prices --json` promises', async () => {
    const data = (await market.app.run('prices gpu=4090 type=any limit=5')).reply.data as { offers: Record<string, unknown>[]; sources: Record<string, unknown>[] };
    for (const offer of data.offers) {
      for (const key of ['provider', 'offerId', 'gpu', 'gpuCount', 'vramGb', 'pricePerHour', 'pricePerGpuHour', 'interruptible', 'region', 'country', 'fetchedAt']) expect(offer).toHaveProperty(key);
      expect(Number.isNaN(Date.parse(offer.fetchedAt as string))).toBe(false);
    }
    for (const source of data.sources) {
      expect(source).toMatchObject({ ok: true, stale: false });
      expect(typeof source.count).toBe('number');
      expect(typeof source.ageSeconds).toBe('number');
      expect(source).not.toHaveProperty('error');
    }
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
  });

  it('explains a mistyped filter instead of guessing', async () => {
    for (const [line, hint] of [
      ['prices gpu=rtx9999', /No GPU in the catalogue matches 'rtx9999'/],
      ['prices country=ZZ', /'ZZ' is not an ISO country code/],
      ['prices continent=atlantis', /not a continent/],
      ['prices provider=vasst', /Did you mean 'vast'/],
    ] as const) {
      const execution = await market.app.run(line);
      expect(execution.outcome).toBe('usage');
      expect(execution.reply.text).toMatch(hint);
    }
  });
});
