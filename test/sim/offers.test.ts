// Each face answers its offer endpoint in its provider's documented shape and units.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '#sim/index.ts';
import { call, graphql, KEYS } from './support.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 11, timeScale: 0, startTime: Date.UTC(2026, 5, 1) });
});
afterAll(() => sim.close());

describe('Vast offers (POST /api/v0/bundles/)', () => {
  it('returns {offers:[...]} in Vast units with dph_total = dph_base + storage for allocated_storage', async () => {
    const reply = await call(`${sim.urls.vast}/api/v0/bundles/`, {
      key: KEYS.vast,
      body: { gpu_name: { in: ['RTX 4090', 'H100 SXM'] }, rented: { eq: false }, verified: { eq: true }, allocated_storage: 50, order: [['dph_total', 'asc']], limit: 40, type: 'on-demand' },
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-computehub-simulated')).toBe('1');
    const offers = reply.json.offers as Record<string, any>[];
    expect(offers.length).toBe(40);
    for (const offer of offers) {
      expect(['RTX 4090', 'H100 SXM']).toContain(offer.gpu_name);
      expect(offer.verification).toBe('verified');
      expect(offer.rented).toBe(false);
      // MB per GPU, CC × 100, $/GB/month for storage, storage priced for the 50 GB asked
      expect(offer.gpu_ram).toBeGreaterThan(20_000);
      expect([890, 900]).toContain(offer.compute_cap);
      expect(offer.storage_total_cost).toBeCloseTo((offer.storage_cost * 50) / 720, 4);
      expect(offer.dph_total).toBeCloseTo(offer.dph_base + offer.storage_total_cost, 4);
      expect(offer.min_bid).toBeLessThan(offer.dph_base);
      expect(offer.cpu_ram).toBeGreaterThan(1000);
      expect(offer.geolocation).toMatch(/, [A-Z]{2}$/);
      expect(offer.reliability).toBeGreaterThan(0.8);
      expect(offer.reliability).toBeLessThanOrEqual(1);
    }
    const prices = offers.map((offer) => offer.dph_total);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    const h100 = offers.find((offer) => offer.gpu_name === 'H100 SXM');
    const rtx = offers.find((offer) => offer.gpu_name === 'RTX 4090');
    if (h100 && rtx) expect(h100.dph_base / h100.num_gpus).toBeGreaterThan(rtx.dph_base / rtx.num_gpus);
  });

  it('covers at least 25 GPU models and 15 countries, deterministically from the seed', async () => {
    const all = (await call(`${sim.urls.vast}/api/v0/bundles/`, { key: KEYS.vast, body: { limit: 5000 } })).json.offers as Record<string, any>[];
    expect(all.length).toBe(2000);
    expect(new Set(all.map((offer) => offer.gpu_name)).size).toBeGreaterThanOrEqual(25);
    expect(new Set(all.map((offer) => offer.geolocation.slice(-2))).size).toBeGreaterThanOrEqual(15);
    const twin = await startSimulator({ seed: 11, timeScale: 0, startTime: Date.UTC(2026, 5, 1) });
    try {
      const again = (await call(`${twin.urls.vast}/api/v0/bundles/`, { key: KEYS.vast, body: { limit: 5000 } })).json.offers;
      expect(again).toEqual(all);
    } finally {
      await twin.close();
    }
  });

  it('filters by country code and accepts the legacy GET ?q= form and anonymous search', async () => {
    const q = encodeURIComponent(JSON.stringify({ geolocation: { in: ['DE', 'NL'] }, num_gpus: { gte: 2 }, limit: 20 }));
    const reply = await call(`${sim.urls.vast}/api/v0/bundles/?q=${q}`);
    expect(reply.status).toBe(200);
    for (const offer of reply.json.offers) {
      expect(['DE', 'NL']).toContain(offer.geolocation.slice(-2));
      expect(offer.num_gpus).toBeGreaterThanOrEqual(2);
    }
  });

  it('drifts prices smoothly as simulated time passes', async () => {
    const query = { limit: 50, order: [['id', 'asc']] };
    const before = (await call(`${sim.urls.vast}/api/v0/bundles/`, { key: KEYS.vast, body: query })).json.offers;
    sim.clock.advance(6 * 3_600_000);
    const after = (await call(`${sim.urls.vast}/api/v0/bundles/`, { key: KEYS.vast, body: query })).json.offers;
    const changes = before.map((offer: any, index: number) => after[index].dph_base / offer.dph_base);
    expect(changes.some((ratio: number) => Math.abs(ratio - 1) > 0.005)).toBe(true);
    for (const ratio of changes) expect(Math.abs(ratio - 1)).toBeLessThan(0.4);
  });
});

describe('RunPod offers', () => {
  it('answers gpuTypes over GraphQL with per-GPU prices, stock and only the selected fields', async () => {
    const reply = await graphql(
      sim.urls.runpod,
      'query GpuTypes($lowest: GpuLowestPriceInput) { gpuTypes { id displayName memoryInGb securePrice communityPrice secureSpotPrice communitySpotPrice lowestPrice(input: $lowest) { minimumBidPrice uninterruptablePrice stockStatus minVcpu minMemory } } }',
      { lowest: { gpuCount: 1 } },
    );
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-computehub-simulated')).toBe('1');
    const types = reply.json.data.gpuTypes as Record<string, any>[];
    const rtx = types.find((type) => type.id === 'NVIDIA GeForce RTX 4090')!;
    expect(rtx.displayName).toBe('RTX 4090');
    expect(rtx.memoryInGb).toBe(24);
    expect(rtx.securePrice).toBeGreaterThan(rtx.communityPrice);
    expect(rtx.secureSpotPrice).toBeLessThan(rtx.securePrice);
    expect(['High', 'Medium', 'Low', 'None', null]).toContain(rtx.lowestPrice.stockStatus);
    expect(types.find((type) => type.id === 'NVIDIA H100 80GB HBM3')).toBeDefined();
    expect(Object.keys(rtx).sort()).toEqual(['communityPrice', 'communitySpotPrice', 'displayName', 'id', 'lowestPrice', 'memoryInGb', 'securePrice', 'secureSpotPrice'].sort());
  });

  it('rejects a field the schema does not have, as a GraphQL server does', async () => {
    const reply = await graphql(sim.urls.runpod, '{ gpuTypes { id pricePerHour } }');
    expect(reply.status).toBe(200);
    expect(reply.json.errors[0].message).toContain('Cannot query field "pricePerHour"');
  });

  it('serves the REST v2 catalogue with upper-case availability only when asked properly', async () => {
    const plain = await call(`${sim.urls.runpod}/v2/catalog/gpus`, { key: KEYS.runpod });
    expect(plain.json.gpus[0]).toMatchObject({ id: expect.any(String), memory: expect.any(Number), price: { secure: expect.any(Number) } });
    expect(plain.json.gpus[0].availability).toBeUndefined();
    const missingProduct = await call(`${sim.urls.runpod}/v2/catalog/gpus?include=AVAILABILITY`, { key: KEYS.runpod });
    expect(missingProduct.status).toBe(400);
    const withStock = await call(`${sim.urls.runpod}/v2/catalog/gpus?include=AVAILABILITY&product=POD`, { key: KEYS.runpod });
    expect(['NONE', 'LOW', 'MEDIUM', 'HIGH']).toContain(withStock.json.gpus[0].availability);
  });
});

describe('Lambda offers (GET /api/v1/instance-types)', () => {
  it('returns an object keyed by type name with integer cents and parseable descriptions', async () => {
    const reply = await call(`${sim.urls.lambda}/api/v1/instance-types`, { key: KEYS.lambda });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-computehub-simulated')).toBe('1');
    const entry = reply.json.data.gpu_8x_h100_sxm5;
    expect(entry.instance_type.name).toBe('gpu_8x_h100_sxm5');
    expect(entry.instance_type.description).toMatch(/^8x H100 \(80 GB SXM5\)$/);
    expect(Number.isInteger(entry.instance_type.price_cents_per_hour)).toBe(true);
    expect(entry.instance_type.price_cents_per_hour).toBeGreaterThan(1500);
    expect(Array.isArray(entry.regions_with_capacity_available)).toBe(true);
    const withCapacity = Object.values(reply.json.data as Record<string, any>).filter((type) => type.regions_with_capacity_available.length > 0);
    expect(withCapacity.length).toBeGreaterThan(0);
    expect(withCapacity[0].regions_with_capacity_available[0]).toMatchObject({ name: expect.any(String), description: expect.any(String) });
  });

  it('basic auth with the key as user name works; no key gets global/invalid-api-key', async () => {
    const basic = await fetch(`${sim.urls.lambda}/api/v1/instance-types`, { headers: { authorization: `Basic ${Buffer.from(`${KEYS.lambda}:`).toString('base64')}` } });
    expect(basic.status).toBe(200);
    const none = await call(`${sim.urls.lambda}/api/v1/instances`);
    expect(none.status).toBe(401);
    expect(none.json.error.code).toBe('global/invalid-api-key');
  });
});

describe('TensorDock offers (GET /api/v2/locations)', () => {
  it('lists locations with per-GPU prices and per-component pricing', async () => {
    const reply = await call(`${sim.urls.tensordock}/api/v2/locations`, { key: KEYS.tensordock });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-computehub-simulated')).toBe('1');
    const locations = reply.json.data.locations as Record<string, any>[];
    expect(locations.length).toBeGreaterThanOrEqual(5);
    const gpu = locations.flatMap((location) => location.gpus)[0];
    expect(gpu.v0Name).toMatch(/^[a-z0-9]+-(pcie|sxm\d)-\d+gb$/);
    expect(gpu.price_per_hr).toBeGreaterThan(0);
    expect(gpu.pricing).toEqual({ per_vcpu_hr: expect.any(Number), per_gb_ram_hr: expect.any(Number), per_gb_storage_hr: expect.any(Number) });
    expect(gpu.resources.max_storage_gb).toBeGreaterThanOrEqual(100);
  });
});

describe('auth on every face', () => {
  it('a missing key gets each provider’s own auth error', async () => {
    const vast = await call(`${sim.urls.vast}/api/v0/instances/`);
    expect(vast.status).toBe(401);
    expect(vast.json).toMatchObject({ success: false, error: 'invalid_user_key' });
    const runpod = await graphql(sim.urls.runpod, '{ myself { clientBalance } }', {}, '');
    expect(runpod.status).toBe(401);
    const runpodV2 = await call(`${sim.urls.runpod}/v2/pods`);
    expect(runpodV2.json).toMatchObject({ status: 401, title: 'Unauthorized' });
    const tensordock = await call(`${sim.urls.tensordock}/api/v2/instances`);
    expect(tensordock.status).toBe(401);
    expect(tensordock.json.errors[0].status).toBe('401');
  });

  it('pinned keys reject any other key', async () => {
    const pinned = await startSimulator({ vastOffers: 50, keys: { vast: KEYS.vast } });
    try {
      expect((await call(`${pinned.urls.vast}/api/v0/users/current/`, { key: 'wrong-key' })).status).toBe(401);
      expect((await call(`${pinned.urls.vast}/api/v0/users/current/`, { key: KEYS.vast })).status).toBe(200);
      expect((await call(`${pinned.urls.vast}/api/v0/users/current/?api_key=${KEYS.vast}`)).status).toBe(200);
    } finally {
      await pinned.close();
    }
  });
});
