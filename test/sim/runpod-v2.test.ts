// RunPod's simulator answers RunPod's own clients (runpod-python, the RunPod MCP server) as RunPod
// does: the quota in RunPod's RateLimit format, the v2 routes they call, the bodies RunPod refuses,
// and GraphQL LowestPrice with the hosts' CUDA versions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '#sim/index.ts';
import { adapterFor } from '#test/contract/harness.ts';
import { call, graphql, KEYS, type Reply } from './support.ts';

const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIRunpodV2SuiteKeyOnly sim@test';
const RTX_5090 = 'NVIDIA GeForce RTX 5090';
const RTX_4090 = 'NVIDIA GeForce RTX 4090';
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 11, timeScale: 0, startTime: Date.UTC(2026, 5, 1, 12, 0, 30) });
});
afterAll(() => sim.close());

const v2 = (path: string, options: { method?: string; body?: unknown; key?: string } = {}) => call(`${sim.urls.runpod}${path}`, { key: KEYS.runpod, ...options });

/**
 * Reads `"minute";r=0;t=12, "hour";r=2800;t=1812` the way RunPod's MCP client does
 * (src/_shared/rate-limit.ts there): a structured-field list, one member per window.
 */
function windows(header: string | null): Map<string, { r: number; t: number }> {
  const parsed = new Map<string, { r: number; t: number }>();
  for (const member of (header ?? '').split(',')) {
    const [name, ...params] = member.trim().split(';');
    const values: Record<string, number> = {};
    for (const param of params) {
      const [key, value] = param.split('=');
      expect(value, `${key} in ${header}`).toMatch(/^\d+$/);
      values[key!.trim()] = Number(value);
    }
    expect(name, header ?? '').toMatch(/^"[a-z]+"$/);
    parsed.set(name!.slice(1, -1), { r: values.r!, t: values.t! });
  }
  return parsed;
}

const problemOf = (reply: Reply) => ({ status: reply.status, type: reply.headers.get('content-type'), body: reply.json });

describe('the v2 quota, in the RateLimit format RunPod sends', () => {
  it('counts every call in minute, hour and day windows, with the policy alongside', async () => {
    const first = await v2('/v2/pods');
    const second = await v2('/v2/pods');
    expect(first.headers.get('ratelimit-policy')).toBe('"minute";q=60;w=60, "hour";q=3000;w=3600, "day";q=50000;w=86400');
    const before = windows(first.headers.get('ratelimit'));
    const after = windows(second.headers.get('ratelimit'));
    expect([...before.keys()]).toEqual(['minute', 'hour', 'day']);
    expect(after.get('minute')!.r).toBe(before.get('minute')!.r - 1);
    expect(after.get('hour')!.r).toBe(before.get('hour')!.r - 1);
    expect(before.get('minute')!.t).toBeGreaterThan(0);
    expect(before.get('minute')!.t).toBeLessThanOrEqual(60);
  });

  it('past the minute quota answers 429 with Retry-After equal to the window reset, then lets calls through once it resets', async () => {
    sim.clock.advance(60_000 - (sim.clock.now() % 60_000));
    const key = 'quota-test-key';
    for (let index = 0; index < 60; index += 1) expect((await v2('/v2/pods', { key })).status).toBe(200);
    const refused = await v2('/v2/pods', { key });
    expect(problemOf(refused)).toEqual({ status: 429, type: 'application/problem+json', body: { title: 'Too Many Requests', status: 429, detail: 'rate limit exceeded for the minute window' } });
    const minute = windows(refused.headers.get('ratelimit')).get('minute')!;
    expect(minute.r).toBe(0);
    expect(refused.headers.get('retry-after')).toBe(String(minute.t));
    expect(windows(refused.headers.get('ratelimit')).get('hour')!.r).toBe(2940);
    sim.clock.advance(minute.t * 1000);
    expect((await v2('/v2/pods', { key })).status).toBe(200);
  });

  it('an injected 429 names the exhausted window with the same wait as Retry-After', async () => {
    sim.faults.add({ provider: 'runpod', kind: 'rateLimit', retryAfterSeconds: 12, count: 1 });
    const refused = await v2('/v2/catalog/gpus');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('12');
    expect(windows(refused.headers.get('ratelimit')).get('minute')).toEqual({ r: 0, t: 12 });
  });

  it('our own adapter waits out a v2 429 and succeeds', async () => {
    const runpod = adapterFor(sim, 'runpod');
    const offer = (await runpod.listOffers({ gpus: ['RTX 4090'], gpuCount: 1 })).find((candidate) => !candidate.interruptible)!;
    const pod = await runpod.create({ offerId: offer.offerId, name: 'ch-quota', image: 'ubuntu:22.04', env: {}, ports: [{ port: 22, protocol: 'tcp' }], diskGb: 20, gpuCount: 1 });
    sim.clock.advance(10_000);
    sim.faults.add({ provider: 'runpod', endpoint: 'restart', kind: 'rateLimit', retryAfterSeconds: 2, count: 1 });
    await runpod.restart(pod.providerInstanceId);
    const restarts = sim.requests.filter((request) => request.endpoint === 'restart');
    expect(restarts.length).toBeGreaterThanOrEqual(2);
    await runpod.destroy(pod.providerInstanceId);
  });
});

describe('the v2 routes RunPod clients call', () => {
  it('templates: create, list, get, update, delete; a pod made from one takes its settings', async () => {
    const created = await v2('/v2/templates', { body: { name: 'Trainer', image: 'pytorch/pytorch:2.9.0-cuda12.8-cudnn9-runtime', ports: ['22/tcp'], env: { A: '1' }, mounts: { persistent: { size: 30, path: '/data' } } } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'Trainer', args: '', disk: 50, registry: null, serverless: false, public: false, category: 'NVIDIA', mounts: { persistent: { size: 30, path: '/data' } } });
    const id = created.json.id as string;
    expect((await v2('/v2/templates')).json.templates.map((template: any) => template.id)).toContain(id);
    expect((await v2(`/v2/templates/${id}`, { method: 'PATCH', body: { name: 'Trainer 2' } })).json).toMatchObject({ id, name: 'Trainer 2', image: 'pytorch/pytorch:2.9.0-cuda12.8-cudnn9-runtime' });
    const pod = await v2('/v2/pods', { body: { name: 'from-template', templateId: id, env: { B: '2' }, gpu: { id: RTX_4090, count: 1 } } });
    expect(pod.status).toBe(201);
    // Settings are copied at create (env merged per key); the pod keeps no link to the template.
    expect(pod.json).toMatchObject({ image: 'pytorch/pytorch:2.9.0-cuda12.8-cudnn9-runtime', template: null, env: { A: '1', B: '2' }, ports: ['22/tcp'], mounts: { persistent: { size: 30, path: '/data' } } });
    expect((await v2(`/v2/templates/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect(problemOf(await v2(`/v2/templates/${id}`))).toEqual({ status: 404, type: 'application/problem+json', body: { title: 'Not Found', status: 404, detail: `template ${id} not found` } });
  });

  it('catalog by id: a GPU type (id URL-encoded) with availability and CUDA versions, a data centre, 404 for unknown ids', async () => {
    const gpu = await v2(`/v2/catalog/gpus/${encodeURIComponent(RTX_5090)}?include=AVAILABILITY&product=POD&count=2`);
    expect(gpu.status).toBe(200);
    expect(gpu.json).toMatchObject({ id: RTX_5090, name: 'RTX 5090', manufacturer: 'NVIDIA', memory: 32, availability: expect.stringMatching(/^(NONE|LOW|MEDIUM|HIGH)$/) });
    const available = (gpu.json.cudaVersions as { version: string; available: boolean }[]).filter((entry) => entry.available).map((entry) => entry.version);
    expect(available.length).toBeGreaterThan(0);
    expect(available.every((version) => Number(version) >= 12.8)).toBe(true);
    expect((await v2(`/v2/catalog/gpus/${encodeURIComponent(RTX_5090)}`)).json.availability).toBeUndefined();
    expect((await v2(`/v2/catalog/gpus/${encodeURIComponent(RTX_5090)}?minCudaVersion=12.8`)).status).toBe(400);
    expect(problemOf(await v2('/v2/catalog/gpus/NVIDIA%20Imaginary'))).toMatchObject({ status: 404, body: { title: 'Not Found' } });
    const centre = await v2('/v2/catalog/datacenters/EU-RO-1?include=GPU_AVAILABILITY');
    expect(centre.json).toMatchObject({ id: 'EU-RO-1', region: 'EUROPE', globalNetwork: false, networkVolumeTypes: ['STANDARD'], compliance: [] });
    expect(centre.json.gpuAvailability[0]).toMatchObject({ id: expect.any(String), name: expect.any(String), availability: expect.any(String) });
    expect((await v2('/v2/catalog/datacenters/EU-RO-1')).json.gpuAvailability).toBeUndefined();
    expect((await v2('/v2/catalog/datacenters/XX-NOPE-1')).status).toBe(404);
  });

  it('account SSH keys: PUT replaces the list, bad keys are 422, and startSsh hands the keys to the pod', async () => {
    expect((await v2('/v2/account/ssh-keys')).json).toEqual({ keys: [] });
    const refused = await v2('/v2/account/ssh-keys', { method: 'PUT', body: { keys: ['-----BEGIN OPENSSH PRIVATE KEY-----'] } });
    expect(refused.status).toBe(422);
    expect(refused.json.errors[0]).toMatch(/^\$\.keys\[0\]: expected an OpenSSH public key/);
    expect((await v2('/v2/account/ssh-keys', { method: 'PUT', body: { keys: [`${SSH_KEY}\n`] } })).json).toEqual({ keys: [SSH_KEY] });
    expect((await v2('/v2/account/ssh-keys')).json).toEqual({ keys: [SSH_KEY] });
    const pod = await v2('/v2/pods', { body: { name: 'with-keys', image: 'ubuntu:22.04', gpu: { id: RTX_4090, count: 1 }, ports: ['22/tcp', '8888/http'], startSsh: true, startJupyter: true } });
    expect(pod.json.env.PUBLIC_KEY).toBe(SSH_KEY);
    expect(pod.json.env.JUPYTER_PASSWORD).toMatch(/^\w{6,}$/);
    const own = await v2('/v2/pods', { body: { name: 'own-key', image: 'ubuntu:22.04', gpu: { id: RTX_4090, count: 1 }, env: { PUBLIC_KEY: 'ssh-ed25519 AAAAOwn me@host' }, startSsh: true } });
    expect(own.json.env.PUBLIC_KEY).toBe('ssh-ed25519 AAAAOwn me@host');
  });

  it('billing: hour buckets over lastN with GPU and disk amounts that add up; lastN with a time range is refused', async () => {
    const pod = await v2('/v2/pods', { body: { name: 'billed', image: 'ubuntu:22.04', gpu: { id: RTX_4090, count: 1 }, mounts: { persistent: { size: 20, path: '/workspace' } } } });
    sim.clock.advance(2 * 3_600_000);
    expect((await v2(`/v2/pods/${pod.json.id}`)).json.status).toBe('RUNNING');
    const bill = await v2('/v2/billing?bucketSize=hour&lastN=3');
    expect(bill.status).toBe(200);
    expect(bill.json.records).toHaveLength(3);
    expect(bill.json.metadata).toMatchObject({ query: { bucketSize: 'hour' }, recordCount: 3 });
    const totals = bill.json.metadata.totals;
    expect(totals.podGpuAmount).toBeGreaterThan(0);
    expect(totals.podDiskAmount).toBeGreaterThan(0);
    expect(totals.totalAmount).toBeCloseTo(totals.podGpuAmount + totals.podDiskAmount, 5);
    expect(bill.json.records[0]).toMatchObject({ startTime: expect.stringMatching(/:00:00\.000Z$/), endTime: expect.any(String), clusterGpuAmount: 0 });
    expect((await v2('/v2/billing?lastN=2&startTime=2026-05-01T00:00:00Z')).status).toBe(400);
    expect((await v2('/v2/billing?bucketSize=fortnight')).status).toBe(422);
  });

  it('pod logs stream as Server-Sent Events with RunPod\'s id/data lines, by source and tail', async () => {
    const pods = (await v2('/v2/pods')).json.pods as any[];
    const running = pods.find((pod) => pod.status === 'RUNNING')!;
    const stream = await v2(`/v2/pods/${running.id}/logs?tail=100`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    const events = stream.text.trim().split('\n\n');
    expect(events.length).toBeGreaterThanOrEqual(3);
    const [idLine, dataLine] = events[0]!.split('\n');
    expect(idLine).toMatch(/^id: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\/\d{12}$/);
    expect(JSON.parse(dataLine!.replace(/^data: /, ''))).toMatchObject({ ts: expect.any(String), source: 'system', line: expect.stringContaining('create pod') });
    const container = await v2(`/v2/pods/${running.id}/logs?source=container&tail=1`);
    expect(container.text.trim().split('\n\n')).toHaveLength(1);
    expect(container.text).toContain('"source":"container"');
    expect((await v2(`/v2/pods/${running.id}/logs?tail=9000`)).status).toBe(422);
    expect((await v2('/v2/pods/nope/logs')).status).toBe(404);
  });
});

describe('create bodies RunPod refuses', () => {
  const base = { name: 'strict', image: 'ubuntu:22.04', gpu: { id: RTX_4090, count: 1 } };

  it('unknown fields, top-level or inside gpu/mounts, are 422 with the validator\'s messages', async () => {
    const top = await v2('/v2/pods', { body: { ...base, bogus: 1, imageName: 'x' } });
    expect(problemOf(top)).toEqual({
      status: 422,
      type: 'application/problem+json',
      body: { title: 'Unprocessable Entity', status: 422, detail: 'Request validation failed.', errors: ["$: additional properties 'bogus' not allowed", "$: additional properties 'imageName' not allowed"] },
    });
    expect((await v2('/v2/pods', { body: { ...base, gpu: { id: RTX_4090, count: 1, gpuTypeId: 'x' } } })).json.errors).toEqual(["$.gpu: additional properties 'gpuTypeId' not allowed"]);
    expect((await v2('/v2/pods', { body: { ...base, mounts: { persistent: { size: 20, path: '/w', kind: 'x' } } } })).json.errors).toEqual(["$.mounts.persistent: additional properties 'kind' not allowed"]);
  });

  it('REST v1\'s entrypoint fields are not v2 fields (422); v2 takes the start command as one string in args', async () => {
    const v1Style = await v2('/v2/pods', { body: { ...base, entrypoint: ['bash', '-c'], cmd: ['sleep infinity'] } });
    expect(v1Style.status).toBe(422);
    expect(v1Style.json.errors).toEqual(["$: additional properties 'entrypoint' not allowed", "$: additional properties 'cmd' not allowed"]);
    expect((await v2('/v2/pods', { body: { ...base, args: ['sleep', 'infinity'] } })).json.errors).toEqual(['$.args: expected string']);
    const jsonForm = await v2('/v2/pods', { body: { ...base, name: 'json-form', args: JSON.stringify({ cmd: ['sleep infinity'], entrypoint: ['bash', '-c'] }) } });
    expect(jsonForm.status).toBe(201);
    expect(sim.market.instance('runpod', jsonForm.json.id)?.startScript).toBe('bash -c sleep infinity');
  });

  it('a non-empty allowedCudaVersions together with minCudaVersion is a 400; an empty list states no constraint', async () => {
    const both = await v2('/v2/pods', { body: { ...base, gpu: { id: RTX_4090, count: 1, allowedCudaVersions: ['12.8'], minCudaVersion: '12.8' } } });
    expect(problemOf(both)).toEqual({ status: 400, type: 'application/problem+json', body: { title: 'Bad Request', status: 400, detail: 'gpu.allowedCudaVersions and gpu.minCudaVersion are mutually exclusive; send one of them' } });
    expect((await v2('/v2/pods', { body: { ...base, gpu: { id: RTX_4090, count: 1, allowedCudaVersions: [], minCudaVersion: '12.8' } } })).status).toBe(201);
    expect((await v2('/v2/pods', { body: { ...base, gpu: { id: RTX_4090, minCudaVersion: 'twelve' } } })).status).toBe(422);
  });

  it('per-GPU host minima are placement filters: within a host share it places, beyond it there is no capacity', async () => {
    const fits = await v2('/v2/pods', { body: { ...base, gpu: { id: RTX_4090, count: 2, minRamPerGpu: 16, minVcpuCountPerGpu: 4 } } });
    expect(fits.status).toBe(201);
    expect(fits.json.gpu).toMatchObject({ id: RTX_4090, count: 2, vcpuCount: expect.any(Number), memory: expect.any(Number) });
    expect(fits.json.gpu.memory).toBeGreaterThanOrEqual(32);
    const tooBig = await v2('/v2/pods', { body: { ...base, gpu: { id: RTX_4090, count: 1, minRamPerGpu: 4096 } } });
    expect(tooBig.status).toBe(400);
    expect(tooBig.json.detail).toMatch(/no longer any instances available/);
    expect((await v2('/v2/pods', { body: { ...base, gpu: { id: RTX_4090, minRamPerGpu: 0.5 } } })).status).toBe(422);
  });

  it('a persistent volume under 10 GB is a 422, 10 GB is fine', async () => {
    const small = await v2('/v2/pods', { body: { ...base, mounts: { persistent: { size: 5, path: '/workspace' } } } });
    expect(small.status).toBe(422);
    expect(small.json.errors).toEqual(['$.mounts.persistent.size: must be >= 10 but found 5']);
    expect((await v2('/v2/pods', { body: { ...base, mounts: { persistent: { size: 10, path: '/workspace' } } } })).status).toBe(201);
  });

  it('an unknown templateId is a 404, and nothing is created', async () => {
    const before = sim.market.instances('runpod').length;
    const reply = await v2('/v2/pods', { body: { name: 'x', templateId: 'no-such-template', gpu: { id: RTX_4090, count: 1 } } });
    expect(problemOf(reply)).toEqual({ status: 404, type: 'application/problem+json', body: { title: 'Not Found', status: 404, detail: 'template no-such-template not found' } });
    expect(sim.market.instances('runpod')).toHaveLength(before);
  });

  it('GraphQL refuses the same: both CUDA filters, a 5 GB volume, an unknown templateId', async () => {
    const deploy = 'mutation Deploy($input: PodFindAndDeployOnDemandInput!) { podFindAndDeployOnDemand(input: $input) { id } }';
    const input = { name: 'gql-strict', imageName: 'ubuntu:22.04', gpuTypeId: RTX_4090, gpuCount: 1, cloudType: 'ALL', containerDiskInGb: 20, ports: '22/tcp' };
    const errors = async (extra: Record<string, unknown>) => (await graphql(sim.urls.runpod, deploy, { input: { ...input, ...extra } })).json.errors?.[0]?.message;
    expect(await errors({ allowedCudaVersions: ['12.8'], minCudaVersion: '12.8' })).toBe('allowedCudaVersions and minCudaVersion are mutually exclusive; send one of them');
    expect(await errors({ volumeInGb: 5 })).toBe('volumeInGb must be at least 10 GB (or 0 for no volume), got 5');
    expect(await errors({ templateId: 'nope' })).toBe('template nope not found');
    expect(await errors({ minCudaVersion: 12.8 })).toMatch(/invalid value 12.8 at "input.minCudaVersion"/);
  });
});

describe('hosts and their CUDA versions', () => {
  it('GraphQL LowestPrice carries gpuTypeCudaVersions, and minCudaVersion narrows stock to hosts that run it', async () => {
    const query = `query Q($all: GpuLowestPriceInput, $new: GpuLowestPriceInput, $future: GpuLowestPriceInput) { gpuTypes(input: {id: "${RTX_5090}"}) {
      all: lowestPrice(input: $all) { stockStatus gpuTypeCudaVersions } new: lowestPrice(input: $new) { stockStatus gpuTypeCudaVersions } future: lowestPrice(input: $future) { stockStatus gpuTypeCudaVersions } } }`;
    const reply = await graphql(sim.urls.runpod, query, { all: { gpuCount: 1 }, new: { gpuCount: 1, minCudaVersion: '12.9' }, future: { gpuCount: 1, minCudaVersion: '13.0' } });
    const type = reply.json.data.gpuTypes[0];
    expect(type.all.gpuTypeCudaVersions.length).toBeGreaterThan(0);
    expect(type.all.gpuTypeCudaVersions.every((version: string) => ['12.8', '12.9'].includes(version))).toBe(true);
    expect(type.new.gpuTypeCudaVersions).toEqual(['12.9']);
    expect(type.future).toEqual({ stockStatus: 'None', gpuTypeCudaVersions: [] });
  });

  it('a create asking for a CUDA no host runs finds no capacity; one the hosts run lands on such a host; versions compare part by part', async () => {
    const future = await v2('/v2/pods', { body: { name: 'cuda-13', image: 'ubuntu:22.04', gpu: { id: RTX_4090, count: 1, minCudaVersion: '13.0' } } });
    expect(future.status).toBe(400);
    expect(future.json.detail).toMatch(/no longer any instances available/);
    const fits = await v2('/v2/pods', { body: { name: 'cuda-128', image: 'ubuntu:22.04', gpu: { id: RTX_4090, count: 1, allowedCudaVersions: ['12.8', '12.9'] } } });
    expect(fits.status).toBe(201);
    expect(['12.8', '12.9']).toContain(fits.json.cudaVersion);
    // 12.10 is newer than 12.9 (not 12.1): no host runs it yet.
    expect((await v2('/v2/pods', { body: { name: 'cuda-12-10', image: 'ubuntu:22.04', gpu: { id: RTX_4090, count: 1, minCudaVersion: '12.10' } } })).status).toBe(400);
  });

  it('our adapter prices RunPod offers with their hosts\' newest CUDA, and asks create for a host that runs the build', async () => {
    const runpod = adapterFor(sim, 'runpod');
    const offers = await runpod.listOffers({ gpus: ['RTX 5090'], gpuCount: 1 });
    expect(offers.length).toBeGreaterThan(0);
    expect(offers.every((offer) => offer.cudaVersion !== undefined && offer.cudaVersion >= 12.8)).toBe(true);
    sim.requests.length = 0;
    const pod = await runpod.create({ offerId: offers[0]!.offerId, name: 'ch-cu128', image: 'pytorch/pytorch:2.9.0-cuda12.8-cudnn9-runtime', env: {}, ports: [{ port: 22, protocol: 'tcp' }], diskGb: 20, gpuCount: 1, minCudaVersion: 12.8 });
    const sent = sim.requests.find((request) => request.endpoint === 'create')!.body as { gpu: Record<string, unknown> };
    expect(sent.gpu.minCudaVersion).toBe('12.8');
    expect(Number((await v2(`/v2/pods/${pod.providerInstanceId}`)).json.cudaVersion)).toBeGreaterThanOrEqual(12.8);
  });
});
