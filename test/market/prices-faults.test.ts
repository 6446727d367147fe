// A provider that fails, hangs or answers garbage never blanks the list: `prices` answers by its deadline
// with the others' offers and names the broken one; once it recovers, its offers come back. A provider
// that fails after a good answer is shown from that answer, with its age and the reason.
import { afterEach, describe, expect, it } from 'vitest';
import type { SimFaultKind } from '#sim/index.ts';
import { marketFixture, type MarketFixture, type PricesData } from './support.ts';

let market: MarketFixture | undefined;
afterEach(async () => {
  await market?.close();
  market = undefined;
});

const prices = async (fixture: MarketFixture, line = 'prices gpu=4090 limit=200') => {
  const execution = await fixture.app.run(line);
  expect(execution.outcome).toBe('ok');
  return { reply: execution.reply, data: execution.reply.data as PricesData };
};

const providersIn = (data: PricesData) => [...new Set(data.offers.map((offer) => offer.provider))].sort();

describe('prices with a broken provider', () => {
  const faults: [SimFaultKind, RegExp][] = [
    ['serverError', /500|server|unavailable/i],
    ['hang', /no answer within 1\.0 s|timed? ?out/i],
    ['malformedJson', /JSON|parse|malformed|unreadable|invalid/i],
  ];
  for (const [kind, reason] of faults) {
    it(`answers with the other providers while RunPod is ${kind}, then shows RunPod again once it recovers`, async () => {
      market = await marketFixture();
      const fault = market.sim.faults.add({ provider: 'runpod', endpoint: 'offers', kind });

      const { reply, data } = await prices(market);
      expect(providersIn(data)).toEqual(['tensordock', 'vast']);
      const runpod = data.sources.find((source) => source.provider === 'runpod')!;
      expect(runpod.ok).toBe(false);
      expect(runpod.count).toBe(0);
      expect(runpod.error).toMatch(reason);
      expect(reply.kind).toBe('warning');
      expect(reply.text).toMatch(/⚠ RunPod: no offers shown\./);
      expect(data.sources.filter((source) => source.provider !== 'runpod').every((source) => source.ok)).toBe(true);

      market.sim.faults.clear(fault.id);
      // A hung request keeps loading until the adapter's timeout; the answer arrives by a later query.
      let recovered: PricesData | undefined;
      for (let attempt = 0; attempt < 20 && !recovered; attempt++) {
        const { data: next } = await prices(market);
        if (next.sources.find((source) => source.provider === 'runpod')!.ok) recovered = next;
        else await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(recovered).toBeDefined();
      expect(providersIn(recovered!)).toEqual(['runpod', 'tensordock', 'vast']);
    });
  }

  it('shows a failing provider from its last good answer, saying how old it is and why', async () => {
    let clock = Date.parse('2026-11-27T12:00:00Z');
    market = await marketFixture({ PRICES_TTL_SECONDS: '300' }, { now: () => new Date(clock) });
    const before = await prices(market);
    const vastBefore = before.data.offers.filter((offer) => offer.provider === 'vast').length;
    expect(vastBefore).toBeGreaterThan(0);

    market.sim.faults.add({ provider: 'vast', endpoint: 'offers', kind: 'serverError', status: 503 });
    clock += 7 * 60_000;
    const { reply, data } = await prices(market);
    const vast = data.sources.find((source) => source.provider === 'vast')!;
    expect(data.offers.filter((offer) => offer.provider === 'vast')).toHaveLength(vastBefore);
    expect(vast).toMatchObject({ ok: false, stale: true, ageSeconds: 420 });
    expect(vast.error).toMatch(/503/);
    expect(reply.text).toMatch(/⚠ Vast\.ai: showing its offers from 7 min ago\./);
    expect(reply.footer).toContain('Vast.ai 7 min');
  });

  it('keeps loading a late provider in the background and serves it to the next query', async () => {
    // Lambda answers its first call with 429 "retry after 1 s"; the adapter waits and asks again. That
    // is after the 500 ms deadline, so the first query goes ahead without Lambda.
    market = await marketFixture({ PRICES_DEADLINE_MS: '500' }, { providerTuning: { waitScale: 1, retries: 1, breaker: { threshold: 1_000, cooldownMs: 1 } } });
    market.sim.faults.add({ provider: 'lambda', endpoint: 'offers', kind: 'rateLimit', retryAfterSeconds: 1, count: 1 });
    const first = await prices(market, 'prices provider=lambda,vast');
    const late = first.data.sources.find((source) => source.provider === 'lambda')!;
    expect(late).toMatchObject({ ok: false, loading: true, count: 0 });
    expect(late.error).toMatch(/still loading in the background/);

    let next = first;
    for (let attempt = 0; attempt < 40 && !next.data.sources.find((source) => source.provider === 'lambda')!.ok; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      next = await prices(market, 'prices provider=lambda,vast');
    }
    expect(next.data.sources.find((source) => source.provider === 'lambda')).toMatchObject({ ok: true, loading: false });
    expect(next.data.sources.find((source) => source.provider === 'lambda')!.count).toBeGreaterThan(0);
    // The one background retry filled the cache: the later queries asked Lambda nothing new.
    expect(market.sim.requests.filter((request) => request.provider === 'lambda' && request.endpoint === 'offers')).toHaveLength(2);
  });
});
