// The pure pieces under `prices`: where an offer is, statistics and percentiles, references, retention.
import { describe, expect, it } from 'vitest';
import { continentOf, matchesRegion, parseContinent } from '#domain/ranking-geography.ts';
import { percentileRank, priceStats, quantile, recordSample, type StoredSeries } from '#domain/history.ts';
import { offerReference } from '#domain/ranking-reference.ts';
import { offerValue } from '#domain/pricing.ts';

describe('geography', () => {
  it('maps ISO countries to continents and reads region= forgivingly', () => {
    expect(continentOf('de')).toBe('EU');
    expect(continentOf('JP')).toBe('AS');
    expect(parseContinent('north america')).toBe('NA');
    expect(matchesRegion({ region: 'Oregon, US', country: 'US' }, 'US')).toBe(true);
    expect(matchesRegion({ region: 'Oregon, US', country: 'US' }, 'NA')).toBe(true);
    expect(matchesRegion({ region: 'EU-RO-1', country: 'RO' }, 'eu-ro-1')).toBe(true);
    // A code never matches inside a word: "DE" is Germany, not "Ile-de-France".
    expect(matchesRegion({ region: 'Ile-de-France, FR', country: 'FR' }, 'DE')).toBe(false);
  });
});

describe('statistics', () => {
  it('takes min, p10 and median, and ranks a value among others', () => {
    expect(priceStats([5, 1, 3, 2, 4])).toEqual({ min: 1, p10: 1.4, median: 3, count: 5 });
    expect(quantile([10, 20], 0.5)).toBe(15);
    expect(percentileRank(2, [1, 2, 3, 4])).toBe(37.5);
  });
});

describe('references and value', () => {
  it('keeps Vast ask ids and hashes the rest stably', () => {
    expect(offerReference({ provider: 'vast', offerId: '21876543', gpuCount: 2, interruptible: false })).toBe('vast:21876543');
    expect(offerReference({ provider: 'vast', offerId: '21876543', gpuCount: 2, interruptible: true })).toBe('vast:21876543-bid');
    const runpod = { provider: 'runpod' as const, offerId: 'SECURE:NVIDIA GeForce RTX 4090', gpuCount: 2, interruptible: false };
    expect(offerReference(runpod)).toMatch(/^runpod:[0-9a-z]{6}$/);
    expect(offerReference(runpod)).toBe(offerReference({ ...runpod }));
    expect(offerReference(runpod)).not.toBe(offerReference({ ...runpod, gpuCount: 1 }));
  });

  it('prices value per dense BF16 PFLOP-hour, FP16 where there is no BF16', () => {
    const h100 = offerValue({ gpu: 'H100 SXM', gpuCount: 2, vramGb: 80, pricePerHour: 3.9576 })!;
    expect(h100.basis).toBe('bf16');
    expect(h100.usdPerPflopHour).toBeCloseTo(2, 9); // $3.9576/h over 2 × 989.4 TFLOPS
    expect(offerValue({ gpu: 'T4', gpuCount: 1, vramGb: 16, pricePerHour: 0.13 })?.basis).toBe('fp16');
    expect(offerValue({ gpu: 'Mystery 9000', gpuCount: 1, vramGb: 16, pricePerHour: 1 })).toBeUndefined();
  });
});

describe('retention', () => {
  it('keeps a day of 5-minute points and folds older ones into hourly averages', () => {
    const series: StoredSeries = { provider: 'vast', gpu: 'RTX 4090', simulated: true, raw: [], hourly: [], daily: [] };
    const start = Date.parse('2026-03-01T00:00:00Z');
    for (let minute = 0; minute < 3 * 24 * 60; minute += 5) recordSample(series, start + minute * 60_000, { min: minute % 60 === 0 ? 1 : 2, p10: 2, median: 3, count: 10 });
    expect(series.raw.length).toBeLessThanOrEqual(289);
    expect(series.hourly.length).toBe(48);
    // 12 samples per hour, one of them at $1: the hour's min is their average, in 1/10,000 USD.
    expect(series.hourly[0]).toEqual([start / 1000, Math.round((1 + 11 * 2) / 12 * 10_000), 20_000, 30_000, 10, 12]);
  });
});
