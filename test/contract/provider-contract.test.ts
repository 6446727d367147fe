// One contract, four providers: each adapter is pointed at the simulator (real HTTP over loopback,
// the providers' real wire shapes) and must behave the same where capable and fail with the typed
// error where not. Prices and units are checked against the raw wire answers, recomputed here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, UnsupportedError } from '#providers/index.ts';
import { PROVIDER_NAMES, providerLabel } from '#domain/providers.ts';
import { type LaunchSpec, type ProviderAdapter, type ProviderName } from '#providers/types.ts';
import { canonicalGpu, GPU_CATALOGUE } from '#domain/gpus.ts';
import type { Offer } from '#domain/offer.ts';
import { startSimulator, type Simulator } from '#sim/index.ts';
import { SIM_GPUS } from '#sim/gpus.ts';
import { ALL_TEST_SECRETS } from '#test/support/secrets.ts';
import { adapterFor, advanceUntil, failure, KEYS, logLines, SSH_PUBLIC_KEY } from './harness.ts';

let sim: Simulator;
const errorsSeen: string[] = [];

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, vastOffers: 300, timeScale: 0, keys: KEYS });
});

afterAll(async () => {
  await sim?.close();
});

/** The simulator's own VRAM for a provider spelling, from its catalogue (not from our gpus.json). */
function simVram(provider: ProviderName, offer: Offer): number | undefined {
  const model = SIM_GPUS.find((gpu) =>
    provider === 'vast' ? gpu.vast === offer.gpuRaw : provider === 'runpod' ? gpu.runpod?.id === offer.gpuRaw : provider === 'tensordock' ? gpu.tensordock?.v0Name === offer.gpuRaw : false,
  );
  return model?.vramGb;
}

async function raw(provider: ProviderName, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(sim.urls[provider] + path, {
    method,
    headers: { authorization: `Bearer ${KEYS[provider]}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return response.json();
}

/** The price of an offer, recomputed from the provider's raw answer by its documented units. */
async function wirePrice(provider: ProviderName, offer: Offer): Promise<number> {
  switch (provider) {
    case 'vast': {
      const answer = await raw('vast', 'POST', '/api/v0/bundles/', { id: { eq: Number(offer.offerId) }, allocated_storage: 50, type: 'on-demand', limit: 5 });
      return answer.offers[0].dph_total;
    }
    case 'runpod': {
      const answer = await raw('runpod', 'POST', '/graphql', { query: 'query { gpuTypes { id securePrice communityPrice } }' });
      const type = answer.data.gpuTypes.find((entry: any) => entry.id === offer.gpuRaw);
      const perGpu = offer.offerId.startsWith('SECURE:') ? type.securePrice : type.communityPrice;
      return perGpu * offer.gpuCount + ((20 + 50) * 0.1) / 730; // 20 GB container disk + 50 GB volume
    }
    case 'lambda': {
      const answer = await raw('lambda', 'GET', '/api/v1/instance-types');
      return answer.data[offer.offerId.split('@')[0]!].instance_type.price_cents_per_hour / 100;
    }
    case 'tensordock': {
      const answer = await raw('tensordock', 'GET', '/api/v2/locations');
      const [locationId, v0Name, vcpus, ram] = offer.offerId.split('|');
      const location = answer.data.locations.find((entry: any) => entry.id === locationId);
      const gpu = location.gpus.find((entry: any) => entry.v0Name === v0Name);
      return gpu.price_per_hr * offer.gpuCount + Number(vcpus) * gpu.pricing.per_vcpu_hr + Number(ram) * gpu.pricing.per_gb_ram_hr + 100 * gpu.pricing.per_gb_storage_hr;
    }
  }
}

function launchSpec(offer: Offer, name: string): LaunchSpec {
  return {
    offerId: offer.offerId,
    name,
    image: 'pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime',
    env: { HF_HOME: '/workspace/hf' },
    ports: [{ port: 22, protocol: 'tcp' }, { port: 8888, protocol: 'http' }],
    diskGb: 50,
    gpuCount: offer.gpuCount,
    sshPublicKey: SSH_PUBLIC_KEY,
  };
}

function expectNamesProvider(error: Error, provider: ProviderName): void {
  errorsSeen.push(error.message);
  expect(error).toBeInstanceOf(ProviderError);
  expect((error as ProviderError).provider).toBe(provider);
  expect(error.message).toContain(providerLabel(provider));
}

describe.each(PROVIDER_NAMES)('%s adapter against the simulator', (provider) => {
  let adapter: ProviderAdapter;

  beforeAll(() => {
    adapter = adapterFor(sim, provider);
  });

  it('accepts the key and names the account', async () => {
    const account = await adapter.verifyKey();
    expect(account.id).toBeTruthy();
  });

  it('lists offers in the common shape, with canonical GPUs and the right units', async () => {
    const offers = await adapter.listOffers();
    expect(offers.length).toBeGreaterThan(3);
    const names = new Set(GPU_CATALOGUE.map((gpu) => gpu.name));
    for (const offer of offers) {
      expect(offer.provider).toBe(provider);
      expect(names.has(offer.gpu), `${offer.gpuRaw} → ${offer.gpu} is canonical`).toBe(true);
      expect(offer.simulated).toBe(true);
      expect(offer.pricePerHour).toBeGreaterThan(0);
      expect(offer.pricePerGpuHour * offer.gpuCount).toBeCloseTo(offer.pricePerHour, 4);
      expect(offer.vramGb).toBe(canonicalGpu(offer.gpu)!.vramGb);
      const expectedVram = simVram(provider, offer);
      if (expectedVram !== undefined) expect(offer.vramGb).toBe(expectedVram);
      expect(offer.region).toBeTruthy();
    }
    for (const offer of offers.slice(0, 3)) expect(offer.pricePerHour).toBeCloseTo(await wirePrice(provider, offer), 5);
  });

  it('filters offers by canonical GPU name', async () => {
    const all = await adapter.listOffers();
    const gpu = all[0]!.gpu;
    const filtered = await adapter.listOffers({ gpus: [gpu] });
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((offer) => offer.gpu === gpu)).toBe(true);
  });

  it('offers multi-GPU machines, and only the asked count when one is given', async () => {
    expect((await adapter.listOffers()).some((offer) => offer.gpuCount > 1)).toBe(true);
    const pairs = await adapter.listOffers({ gpuCount: 2 });
    expect(pairs.length).toBeGreaterThan(0);
    expect(pairs.every((offer) => offer.gpuCount === 2)).toBe(true);
  });

  it('creates an instance, shows SSH once running, and follows stop / start / restart / destroy where capable', async () => {
    const offers = await adapter.listOffers({ gpuCount: 1 });
    const offer = [...offers].sort((a, b) => a.pricePerHour - b.pricePerHour)[0]!;
    const name = `contract-${provider}-lifecycle`;
    sim.requests.length = 0;
    const created = await adapter.create(launchSpec(offer, name));
    expect(created.provider).toBe(provider);
    const keySent = sim.requests.some((request) => request.provider === provider && JSON.stringify(request.body ?? '').includes(SSH_PUBLIC_KEY.split(' ')[1]!));
    expect(keySent, 'the deploy\'s SSH public key reaches the provider').toBe(true);
    expect(['creating', 'starting', 'running']).toContain(created.status);
    const id = created.providerInstanceId;

    const running = await advanceUntil(sim, adapter, id, ['running']);
    expect(running.name).toBe(name);
    expect(running.gpu).toBe(offer.gpu);
    expect(running.ssh?.host).toBeTruthy();
    expect(running.ssh?.port).toBeGreaterThan(0);
    expect(running.pricePerHour).toBeGreaterThan(0);
    expect(running.simulated).toBe(true);
    expect((await adapter.listInstances()).map((instance) => instance.providerInstanceId)).toContain(id);

    if (adapter.capabilities.stop === true) {
      await adapter.stop(id);
      const stopped = await advanceUntil(sim, adapter, id, ['stopped']);
      expect(stopped.ssh).toBeUndefined();
      await adapter.start(id);
      await advanceUntil(sim, adapter, id, ['running']);
    } else {
      const refused = await failure(adapter.stop(id));
      expectNamesProvider(refused, provider);
      expect(refused).toBeInstanceOf(UnsupportedError);
      expect(refused.message).toMatch(/destroy/i);
    }

    if (adapter.capabilities.restart === true) {
      await adapter.restart(id);
      await advanceUntil(sim, adapter, id, ['running']);
    } else {
      const refused = await failure(adapter.restart(id));
      expectNamesProvider(refused, provider);
      expect((refused as ProviderError).kind).toBe('unsupported');
    }

    await adapter.destroy(id);
    await adapter.destroy(id);
    sim.clock.advance(60_000);
    const after = await adapter.getInstance(id);
    expect(after === undefined || after.status === 'terminated').toBe(true);
    await adapter.destroy(id);
  });

  it('rents interruptible capacity where capable, and refuses a bid where not', async () => {
    const offers = await adapter.listOffers({ interruptible: true, gpuCount: 1 });
    if (adapter.capabilities.interruptible !== true) {
      expect(offers).toEqual([]);
      const onDemand = (await adapter.listOffers({ gpuCount: 1 }))[0]!;
      const refused = await failure(adapter.create({ ...launchSpec(onDemand, `contract-${provider}-spot`), bidPerHour: 0.5 }));
      expectNamesProvider(refused, provider);
      expect((refused as ProviderError).kind).toBe('unsupported');
      return;
    }
    expect(offers.length).toBeGreaterThan(0);
    for (const offer of offers) {
      expect(offer.interruptible).toBe(true);
      expect(offer.minBidPerHour).toBeGreaterThan(0);
      expect(offer.minBidPerHour).toBeLessThanOrEqual(offer.pricePerHour);
    }
    const offer = offers[0]!;
    const created = await adapter.create({ ...launchSpec(offer, `contract-${provider}-spot`), bidPerHour: offer.pricePerHour * 1.2 });
    const running = await advanceUntil(sim, adapter, created.providerInstanceId, ['running']);
    expect(running.interruptible).toBe(true);
    await adapter.destroy(created.providerInstanceId);
  });

  it('shows a crashed instance as no longer running', async () => {
    const offer = (await adapter.listOffers({ gpuCount: 1 }))[0]!;
    const created = await adapter.create(launchSpec(offer, `contract-${provider}-crash`));
    await advanceUntil(sim, adapter, created.providerInstanceId, ['running']);
    sim.market.crash(provider, created.providerInstanceId);
    const crashed = await adapter.getInstance(created.providerInstanceId);
    expect(['exited', 'failed', 'stopped']).toContain(crashed?.status);
    await adapter.destroy(created.providerInstanceId);
  });

  it('reports a create without capacity as no-capacity, naming the provider', async () => {
    const offer = (await adapter.listOffers({ gpuCount: 1 }))[0]!;
    sim.faults.add({ provider, kind: 'noCapacity', count: 1 });
    const error = await failure(adapter.create(launchSpec(offer, `contract-${provider}-full`)));
    expectNamesProvider(error, provider);
    expect((error as ProviderError).kind).toBe('no-capacity');
    expect(sim.market.instances(provider).filter((instance) => instance.name === `contract-${provider}-full`)).toEqual([]);
  });

  it('reports the balance, or says plainly that it cannot', async () => {
    if (adapter.capabilities.balance === true) {
      expect((await adapter.balance()).creditUsd).toBeGreaterThan(0);
    } else {
      const refused = await failure(adapter.balance());
      expectNamesProvider(refused, provider);
      expect((refused as ProviderError).kind).toBe('unsupported');
    }
  });

  it('retries a 429 and succeeds', async () => {
    const fresh = adapterFor(sim, provider);
    sim.requests.length = 0;
    sim.faults.add({ provider, endpoint: 'offers', kind: 'rateLimit', count: 1, ...(provider === 'vast' ? {} : { retryAfterSeconds: 1 }) });
    expect((await fresh.listOffers()).length).toBeGreaterThan(0);
    expect(sim.requests.filter((request) => request.provider === provider && request.endpoint === 'offers')).toHaveLength(2);
  });

  it('gives an error naming the provider when 5xx persists', async () => {
    const fresh = adapterFor(sim, provider, { retries: 2 });
    const fault = sim.faults.add({ provider, endpoint: 'list', kind: 'serverError', status: 503 });
    try {
      const error = await failure(fresh.listInstances());
      expectNamesProvider(error, provider);
      expect((error as ProviderError).kind).toBe('unavailable');
    } finally {
      sim.faults.clear(fault.id);
    }
  });

  it('cuts a hung request at the timeout', async () => {
    const fresh = adapterFor(sim, provider, { timeoutMs: 300 });
    sim.faults.add({ provider, endpoint: 'offers', kind: 'hang', count: 1 });
    const error = await failure(fresh.listOffers());
    expectNamesProvider(error, provider);
    expect((error as ProviderError).kind).toBe('timeout');
    expect(error.message).toMatch(/did not answer within 0\.3 s/);
  });

  it('turns malformed JSON into an error naming the provider, not a crash', async () => {
    const fresh = adapterFor(sim, provider);
    sim.faults.add({ provider, endpoint: 'offers', kind: 'malformedJson', count: 1 });
    const error = await failure(fresh.listOffers());
    expectNamesProvider(error, provider);
    expect((error as ProviderError).kind).toBe('bad-response');
  });

  it('says the key was refused when it is wrong', async () => {
    const other = PROVIDER_NAMES.find((name) => name !== provider)!;
    const wrongKey = adapterFor(sim, provider, { apiKey: KEYS[other] });
    const error = await failure(wrongKey.verifyKey());
    expectNamesProvider(error, provider);
    expect((error as ProviderError).kind).toBe('auth');
    expect(error.message).toMatch(/refused the API key/);
  });

  it('opens the circuit breaker after repeated failures and stops calling', async () => {
    const fresh = adapterFor(sim, provider, { retries: 0, breaker: { threshold: 3, cooldownMs: 60_000 } });
    const fault = sim.faults.add({ provider, endpoint: 'list', kind: 'serverError', status: 500 });
    try {
      for (let call = 0; call < 3; call++) expect((await failure(fresh.listInstances())) as ProviderError).toMatchObject({ kind: 'unavailable' });
      sim.requests.length = 0;
      const error = await failure(fresh.listInstances());
      expectNamesProvider(error, provider);
      expect(error.message).toMatch(/circuit breaker/);
      expect(sim.requests.filter((request) => request.provider === provider)).toHaveLength(0);
    } finally {
      sim.faults.clear(fault.id);
    }
  });
});

describe('Vast.ai create that errors yet creates', () => {
  it('leaves no orphan: the stopped leftover is found by label and destroyed', async () => {
    const adapter = adapterFor(sim, 'vast');
    const offer = (await adapter.listOffers({ interruptible: true }))[0]!;
    const name = 'contract-vast-orphan';
    sim.faults.add({ provider: 'vast', kind: 'createErrorLeavesStopped', count: 1 });
    const error = await failure(adapter.create({ ...launchSpec(offer, name), bidPerHour: offer.minBidPerHour! }));
    expectNamesProvider(error, 'vast');
    expect(error.message).toMatch(/destroyed it/);
    const leftovers = sim.market.instances('vast').filter((instance) => instance.name === name && instance.status !== 'unloaded');
    expect(leftovers).toEqual([]);
  });
});

describe('Vast.ai input limits', () => {
  it('refuses a launch over Vast\'s documented limits before renting anything', async () => {
    const adapter = adapterFor(sim, 'vast');
    const offer = (await adapter.listOffers({ gpuCount: 1 }))[0]!;
    sim.requests.length = 0;
    const error = await failure(adapter.create({ ...launchSpec(offer, 'contract-vast-limits'), startScript: 'x'.repeat(5_000), env: { TOKEN: 'y'.repeat(300) } }));
    expectNamesProvider(error, 'vast');
    expect(error.message).toMatch(/start script is 5000 characters \(at most 4096\).*env TOKEN is 300 characters/);
    expect(sim.requests.filter((request) => request.endpoint === 'create')).toEqual([]);
  });
});

describe('Vast.ai instance list', () => {
  it('follows next_token across pages of 25', async () => {
    const adapter = adapterFor(sim, 'vast');
    const offers = await adapter.listOffers({ gpuCount: 1 });
    const ids: string[] = [];
    for (let index = 0; index < 27; index++) ids.push((await adapter.create(launchSpec(offers[index % offers.length]!, `contract-vast-page-${index}`))).providerInstanceId);
    const listed = (await adapter.listInstances()).map((instance) => instance.providerInstanceId);
    for (const id of ids) expect(listed).toContain(id);
    for (const id of ids) await adapter.destroy(id);
  });
});

describe('secrets', () => {
  it('never appear in log lines or error messages', () => {
    expect(logLines.length).toBeGreaterThan(20);
    for (const secret of ALL_TEST_SECRETS) {
      for (const line of logLines) expect(line.includes(secret), `log line leaks ${secret.slice(0, 6)}…`).toBe(false);
      for (const message of errorsSeen) expect(message.includes(secret)).toBe(false);
    }
    expect(errorsSeen.length).toBeGreaterThan(10);
  });
});
