// Answers that are JSON but not the provider's shape: the adapter reads each provider's wire shapes
// with zod (adapters/providers/*-parse.ts), so a garbage answer is a clear ProviderError that names
// the provider and the field, never an empty list or a crash; extra fields are ignored and optional
// ones may be missing. A loopback server plays the provider, answering what each test sets.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviderAdapter, ProviderError } from '#providers/index.ts';
import type { ProviderName } from '#providers/types.ts';
import { captureLog, failure, KEYS } from './harness.ts';

/** What the fake provider answers, by path. */
const answers = new Map<string, unknown>();
let server: http.Server;
let origin: string;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0]!;
    const body = answers.get(path);
    response.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body ?? { error: { code: 'global/not-found', message: 'no such path' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const adapter = (provider: ProviderName) => createProviderAdapter(provider, { baseUrl: origin, apiKey: KEYS[provider], log: captureLog, timeoutMs: 5_000, waitScale: 0.001, retries: 0 });

describe('Lambda answers of the wrong shape', () => {
  it('an instance-type list that is not an object is a bad-response naming Lambda and the field', async () => {
    answers.set('/api/v1/instance-types', { data: 'garbage' });
    const error = await failure(adapter('lambda').listOffers());
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: 'lambda', kind: 'bad-response' });
    expect(error.message).toMatch(/^Lambda answered the instance types in a shape ComputeHub cannot read \(data: .*\)\. Try again in a minute/);
  });

  it('an instance list without its data list is a bad-response, not "no instances"', async () => {
    answers.set('/api/v1/instances', { instances: [] });
    expect(await failure(adapter('lambda').listInstances())).toMatchObject({ kind: 'bad-response', message: expect.stringContaining('the instance list') });
  });

  it('ignores fields it does not know, accepts missing optional ones, and skips an unreadable record', async () => {
    answers.set('/api/v1/instance-types', {
      data: {
        gpu_1x_a10: {
          instance_type: { name: 'gpu_1x_a10', description: '1x A10 (24 GB PCIe)', price_cents_per_hour: '75', brand_new_field: { nested: true } },
          regions_with_capacity_available: [{ name: 'us-east-1', description: 'Virginia, USA' }, 'not a region'],
          another_new_field: 1,
        },
      },
      meta: 'ignored',
    });
    const offers = await adapter('lambda').listOffers();
    expect(offers).toHaveLength(1);
    expect(offers[0]).toMatchObject({ provider: 'lambda', gpu: 'A10', gpuCount: 1, pricePerHour: 0.75, region: 'us-east-1', country: 'US' });
    expect(offers[0]!.vcpus).toBeUndefined();
  });
});

describe('RunPod answers of the wrong shape', () => {
  it('GPU types that are not a list are a bad-response naming RunPod and the field', async () => {
    answers.set('/graphql', { data: { gpuTypes: { 'NVIDIA A40': {} }, dataCenters: [] } });
    const error = await failure(adapter('runpod').listOffers({ gpuCount: 1 }));
    expect(error).toMatchObject({ provider: 'runpod', kind: 'bad-response' });
    expect(error.message).toMatch(/^RunPod answered the GPU types in a shape ComputeHub cannot read \(gpuTypes: /);
  });

  it('a pod list without myself.pods is a bad-response, not "no pods"', async () => {
    answers.set('/graphql', { data: { myself: { id: 'u1' } } });
    expect(await failure(adapter('runpod').listInstances())).toMatchObject({ kind: 'bad-response', message: expect.stringContaining('myself.pods') });
  });

  it('a missing data centre list and unknown fields are fine', async () => {
    answers.set('/graphql', { data: { gpuTypes: [{ id: 'NVIDIA A40', displayName: 'A40', memoryInGb: 48, communityCloud: true, secureCloud: false, communityPrice: 0.4, novel: 'x' }] } });
    const offers = await adapter('runpod').listOffers({ gpuCount: 1 });
    expect(offers.map((offer) => offer.offerId)).toEqual(['COMMUNITY:NVIDIA A40']);
  });
});

describe('Vast.ai answers of the wrong shape', () => {
  it('offers that are not a list are a bad-response naming Vast and the field', async () => {
    answers.set('/api/v0/bundles/', { offers: { 21876543: {} } });
    const error = await failure(adapter('vast').listOffers());
    expect(error).toMatchObject({ provider: 'vast', kind: 'bad-response' });
    expect(error.message).toMatch(/^Vast\.ai answered the offer search in a shape ComputeHub cannot read \(offers: /);
  });

  it('an instance page without its list, or an instance that is neither an object nor null, is a bad-response, not "gone"', async () => {
    answers.set('/api/v1/instances/', { success: true, next_token: null });
    expect(await failure(adapter('vast').listInstances())).toMatchObject({ kind: 'bad-response', message: expect.stringMatching(/the instance list in a shape ComputeHub cannot read \(instances: /) });
    answers.set('/api/v0/instances/7/', { instances: 'gone' });
    expect(await failure(adapter('vast').getInstance('7'))).toMatchObject({ kind: 'bad-response', message: expect.stringMatching(/the instance in a shape ComputeHub cannot read \(instances: /) });
    answers.set('/api/v0/instances/7/', { instances: null });
    expect(await adapter('vast').getInstance('7')).toBeUndefined();
  });

  it('keeps every readable offer: nulls, numeric strings and unknown fields are fine, an unreadable row is skipped', async () => {
    const offer = { id: 1, gpu_name: 'RTX 4090', num_gpus: 1, gpu_ram: 24564, dph_total: 0.4, geolocation: 'Oregon, US' };
    answers.set('/api/v0/bundles/', {
      offers: [
        { ...offer, reliability2: null, cluster_id: null, cuda_max_good: '12.8', search: { totalHour: 0.4 } },
        'not an offer',
        { ...offer, id: 2, dph_total: 'cheap' },
        { ...offer, id: 3, gpu_name: 'A100 SXM4', num_gpus: 2, gpu_ram: 81920, dph_total: undefined, dph_base: 1.2, storage_total_cost: 0.01, inet_up: null },
      ],
    });
    const offers = await adapter('vast').listOffers();
    expect(offers.map((row) => row.offerId)).toEqual(['1', '3']);
    expect(offers[0]).toMatchObject({ gpu: 'RTX 4090', pricePerHour: 0.4, cudaVersion: 12.8, country: 'US' });
    expect(offers[0]!.reliability).toBeUndefined();
    expect(offers[1]).toMatchObject({ gpu: 'A100 80GB SXM', gpuCount: 2, pricePerHour: 1.21 });
  });
});

describe('TensorDock answers of the wrong shape', () => {
  it('locations that are not a list are a bad-response naming TensorDock and the field', async () => {
    answers.set('/api/v2/locations', { data: { locations: 'none today' } });
    const error = await failure(adapter('tensordock').listOffers({ gpuCount: 1 }));
    expect(error).toMatchObject({ provider: 'tensordock', kind: 'bad-response' });
    expect(error.message).toMatch(/^TensorDock answered the locations in a shape ComputeHub cannot read \(data\.locations: /);
  });

  it('an instance list without its list is a bad-response, not "no instances"', async () => {
    answers.set('/api/v2/instances', { data: { type: 'list', id: 'instances' } });
    expect(await failure(adapter('tensordock').listInstances())).toMatchObject({ kind: 'bad-response', message: expect.stringContaining('the instance list') });
  });

  it('reads the list in either envelope, attributes or flat, and skips an unreadable item', async () => {
    const vm = { name: 'train-42', status: 'Running', ipAddress: '203.0.113.7', portForwards: { 20001: '22' }, resources: { gpus: { 'geforcertx4090-pcie-24gb': { count: 2 } } }, novel: true };
    answers.set('/api/v2/instances', { data: { type: 'list', id: 'instances', attributes: { instances: [{ type: 'virtualmachine', id: 'a1', attributes: vm }, 42, { id: 'b2', ...vm, status: 'stopped' }] } } });
    const instances = await adapter('tensordock').listInstances();
    expect(instances.map((instance) => [instance.providerInstanceId, instance.status])).toEqual([['a1', 'running'], ['b2', 'stopped']]);
    expect(instances[0]).toMatchObject({ gpu: 'RTX 4090', gpuCount: 2, ssh: { host: '203.0.113.7', port: 20001 } });
    answers.set('/api/v2/instances', { data: [{ id: 'c3', ...vm }] });
    expect((await adapter('tensordock').listInstances()).map((instance) => instance.providerInstanceId)).toEqual(['c3']);
  });
});
