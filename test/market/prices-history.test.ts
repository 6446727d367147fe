// Price history: refreshes record per (GPU, provider) statistics; `prices history` answers with a chart
// (one pair of lines per provider) and a percentile verdict; a year of refreshes stays bounded on disk.
import { statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_NAMES } from '#domain/providers.ts';
import type { Offer } from '#domain/offer.ts';
import { PriceHistory } from '#services/market/index.ts';
import { tempDir } from '#test/support/app.ts';
import { marketFixture, type MarketFixture } from './support.ts';

const HOUR = 3_600_000;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

interface HistoryData {
  gpu: string;
  percentile?: number;
  current?: { pricePerGpuHour: number; provider: string };
  series: { provider: string; points: { t: string; min: number; median: number }[] }[];
}

let market: MarketFixture;
let clock = Date.parse('2026-11-20T00:00:00Z');
beforeAll(async () => {
  market = await marketFixture({ PRICES_TTL_SECONDS: '300', PRICES_DEADLINE_MS: '25000' }, { now: () => new Date(clock) });
});
afterAll(async () => {
  await market?.close();
});

describe('prices history', () => {
  it('charts each provider that lists the GPU and judges today against the period', async () => {
    // Twelve hourly refreshes while the simulated market drifts.
    for (let hour = 0; hour < 12; hour++) {
      await market.app.services.market.refresh('default');
      clock += HOUR;
      market.sim.clock.advance(HOUR);
    }
    await market.app.services.market.history.flush();
    const listed = await market.offers({ interruptible: false, diskGb: 50 });
    const expectedProviders = [...new Set(listed.filter((offer) => offer.gpu === 'RTX 4090').map((offer) => offer.provider))].sort();

    const execution = await market.app.run('prices history gpu=rtx4090 days=1');
    expect(execution.outcome).toBe('ok');
    const { reply } = execution;
    const data = reply.data as HistoryData;
    expect(data.gpu).toBe('RTX 4090');
    expect(data.series.map((series) => series.provider).sort()).toEqual(expectedProviders);
    for (const series of data.series) expect(series.points.length).toBe(13);

    expect([...reply.image!.png.slice(0, 8)]).toEqual(PNG_SIGNATURE);
    for (const provider of expectedProviders) {
      const label = { vast: 'Vast.ai', runpod: 'RunPod', lambda: 'Lambda', tensordock: 'TensorDock' }[provider];
      expect(reply.image!.alt).toContain(`${label} cheapest`);
      expect(reply.image!.alt).toContain(`${label} median`);
    }

    // The verdict, recomputed: the cheapest provider's price per hour, and where now sits among them.
    const hours = new Map<string, number>();
    for (const series of data.series) {
      for (const point of series.points) hours.set(point.t, Math.min(hours.get(point.t) ?? Infinity, point.min));
    }
    const past = [...hours.values()];
    const current = Math.min(...data.series.map((series) => series.points.at(-1)!.min));
    const below = past.filter((price) => price < current).length;
    const equal = past.filter((price) => price === current).length;
    expect(data.current?.pricePerGpuHour).toBe(current);
    expect(data.percentile).toBe(Math.round((100 * (below + equal / 2)) / past.length));
    expect(reply.text).toMatch(new RegExp(`^RTX 4090 now from \\$[\\d.]+/GPU-h \\(.+\\): at the ${data.percentile}(st|nd|rd|th) percentile of the last day \\(range \\$`));
  });

  it('asks for one model when the words match several', async () => {
    const execution = await market.app.run('prices history gpu=h100');
    expect(execution.outcome).toBe('usage');
    expect(execution.reply.text).toMatch(/matches H100 PCIe, H100 SXM, H100 NVL; history is per model/);
  });

  it('stays under its stated bound after a simulated year of refreshes', async () => {
    // One real answer per provider for three common GPUs, replayed at every refresh with wandering prices.
    const GPUS = ['RTX 4090', 'RTX 3090', 'A100 80GB SXM'];
    const answers = await Promise.all(
      PROVIDER_NAMES.map(async (name) => {
        const offers = await market.adapters[name].listOffers({ gpus: GPUS, interruptible: false, diskGb: 50 });
        return [name, GPUS.flatMap((gpu) => offers.filter((offer) => offer.gpu === gpu).slice(0, 2))] as const;
      }),
    );
    const history = await PriceHistory.open(tempDir());
    const start = Date.parse('2026-01-01T00:00:00Z');
    const end = start + 366 * 24 * HOUR;
    // Hourly refreshes for the year, then every 5 minutes for the last two days: every tier ends up full
    // (more frequent refreshes earlier would only fold into the same hourly and daily points).
    let tick = 0;
    for (let at = start; at < end; at += at < end - 48 * HOUR ? HOUR : 5 * 60_000, tick++) {
      const factor = 1 + 0.2 * Math.sin(tick / 500);
      for (const [name, offers] of answers) {
        void history.record(name, true, offers.map((offer): Offer => ({ ...offer, pricePerGpuHour: offer.pricePerGpuHour * factor })), at);
      }
    }
    await history.flush();

    const gpus = [...new Set(answers.flatMap(([, offers]) => offers.map((offer) => offer.gpu)))];
    const series = await history.series(gpus, start, true);
    // Per series: 288 five-minute points + 720 hourly + 365 daily, each tier with one partial bucket.
    const maxPoints = 288 + 720 + 365 + 3;
    for (const entry of series) {
      expect(entry.points.length).toBeLessThanOrEqual(maxPoints);
      expect(entry.points[0]!.t).toBeGreaterThanOrEqual(end - 366 * 24 * HOUR);
    }
    // The stated bound: 32 bytes per stored point and 200 per series, so every catalogue GPU (50) at
    // every provider (4) stays under 50 × 4 × (1,376 × 32 + 200) bytes ≈ 8.8 MB.
    const bytes = statSync(history.file).size;
    expect(series.length).toBeGreaterThanOrEqual(8);
    expect(bytes).toBeLessThanOrEqual(series.length * (maxPoints * 32 + 200));
    // And it reads back as it was written.
    const reopened = await PriceHistory.open(path.dirname(history.file));
    expect(await reopened.series(gpus, start, true)).toEqual(series);
  });
});
