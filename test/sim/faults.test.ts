// Every fault kind, from the JS API and the admin endpoint, behaves as the real provider would.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '#sim/index.ts';
import { call, graphql, KEYS } from './support.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 3, timeScale: 0, vastOffers: 300 });
});
afterEach(() => sim.faults.clear());
afterAll(() => sim.close());

const vastAccount = () => call(`${sim.urls.vast}/api/v0/users/current/`, { key: KEYS.vast });

async function vastOffer(): Promise<any> {
  return (await call(`${sim.urls.vast}/api/v0/bundles/`, { key: KEYS.vast, body: { rented: { eq: false }, limit: 1 } })).json.offers[0];
}

describe('request faults', () => {
  it('Vast 429 without Retry-After is header-less plain text, for exactly N requests', async () => {
    sim.faults.add({ provider: 'vast', endpoint: 'account', kind: 'rateLimit', count: 2 });
    const first = await vastAccount();
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBeNull();
    expect(first.headers.get('content-type')).toContain('text/plain');
    expect(first.text).toMatch(/^API requests too frequent: endpoint threshold=/);
    expect((await vastAccount()).status).toBe(429);
    expect((await vastAccount()).status).toBe(200);
  });

  it('429 with Retry-After on RunPod REST v2 carries the RFC 9457 body', async () => {
    sim.faults.add({ provider: 'runpod', kind: 'rateLimit', retryAfterSeconds: 7, count: 1 });
    const reply = await call(`${sim.urls.runpod}/v2/pods`, { key: KEYS.runpod });
    expect(reply.status).toBe(429);
    expect(reply.headers.get('retry-after')).toBe('7');
    expect(reply.json).toMatchObject({ status: 429, title: 'Too Many Requests' });
  });

  it('only hits the endpoint it names', async () => {
    sim.faults.add({ provider: 'lambda', endpoint: 'create', kind: 'serverError', status: 503 });
    expect((await call(`${sim.urls.lambda}/api/v1/instances`, { key: KEYS.lambda })).status).toBe(200);
    const launch = await call(`${sim.urls.lambda}/api/v1/instance-operations/launch`, { key: KEYS.lambda, body: {} });
    expect(launch.status).toBe(503);
    expect(launch.json.error.code).toBe('provider/internal-unavailable');
    expect((await call(`${sim.urls.lambda}/api/v1/instance-operations/launch`, { key: KEYS.lambda, body: {} })).status).toBe(503);
  });

  it('5xx on Vast with the provider’s body; auth failure with the real auth error', async () => {
    sim.faults.add({ provider: 'vast', kind: 'serverError', count: 1 });
    expect((await vastAccount()).status).toBe(500);
    sim.faults.add({ provider: 'tensordock', kind: 'auth', count: 1 });
    const auth = await call(`${sim.urls.tensordock}/api/v2/instances`, { key: KEYS.tensordock });
    expect(auth.status).toBe(401);
    expect(auth.json.errors[0].title).toBe('Unauthorized');
  });

  it('malformed JSON is a 200 whose body does not parse', async () => {
    sim.faults.add({ provider: 'runpod', kind: 'malformedJson', count: 1 });
    const reply = await graphql(sim.urls.runpod, '{ myself { clientBalance } }');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toContain('application/json');
    expect(reply.json).toBeUndefined();
  });

  it('a hang never answers; the client gives up and the simulator still closes', async () => {
    sim.faults.add({ provider: 'vast', kind: 'hang', count: 1 });
    const started = sim.requests.length;
    const outcome = await call(`${sim.urls.vast}/api/v0/users/current/`, { key: KEYS.vast, signal: AbortSignal.timeout(300) }).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    expect(outcome).toBe('TimeoutError');
    expect(sim.requests.length).toBe(started + 1);
    expect((await vastAccount()).status).toBe(200);
  });
});

describe('closing with a hung request open', () => {
  it('close() drops the hung connection instead of waiting for it', async () => {
    const own = await startSimulator({ vastOffers: 20, timeScale: 0 });
    own.faults.add({ provider: 'lambda', kind: 'hang' });
    const pending = call(`${own.urls.lambda}/api/v1/instances`, { key: KEYS.lambda }).then(
      () => 'answered',
      () => 'dropped',
    );
    while (own.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await own.close();
    expect(await pending).toBe('dropped');
  });
});

describe('capacity and instance faults', () => {
  it('no capacity answers with each provider’s real error', async () => {
    sim.faults.add({ provider: '*', kind: 'noCapacity' });
    const offer = await vastOffer();
    const vast = await call(`${sim.urls.vast}/api/v0/asks/${offer.id}/`, { method: 'PUT', key: KEYS.vast, body: { image: 'ubuntu' } });
    expect(vast.status).toBe(404);
    expect(vast.json.error).toBe('no_such_ask');
    const runpod = await graphql(sim.urls.runpod, 'mutation($input: PodFindAndDeployOnDemandInput!) { podFindAndDeployOnDemand(input: $input) { id } }', { input: { name: 'x', imageName: 'ubuntu', gpuTypeId: 'NVIDIA GeForce RTX 4090', gpuCount: 1, cloudType: 'ALL' } });
    expect(runpod.status).toBe(200);
    expect(runpod.json.errors[0].message).toContain('There are no longer any instances available with the requested specifications');
    const v2 = await call(`${sim.urls.runpod}/v2/pods`, { key: KEYS.runpod, body: { name: 'x', image: 'ubuntu', gpu: { id: 'NVIDIA GeForce RTX 4090', count: 1 } } });
    expect(v2.status).toBe(400);
    const tensordock = sim.market.instances('tensordock').length;
    expect(tensordock).toBe(0);
  });

  it('a crash fault crashes the next instance once running (Vast exited, RunPod ERROR)', async () => {
    sim.faults.add({ provider: 'vast', kind: 'crash', count: 1 });
    const offer = await vastOffer();
    const { new_contract: id } = (await call(`${sim.urls.vast}/api/v0/asks/${offer.id}/`, { method: 'PUT', key: KEYS.vast, body: { image: 'ubuntu' } })).json;
    sim.clock.advance(10_000);
    const crashed = (await call(`${sim.urls.vast}/api/v0/instances/${id}/`, { key: KEYS.vast })).json.instances;
    expect(crashed.actual_status).toBe('exited');
    expect(crashed.intended_status).toBe('running');
    sim.clock.advance(60_000);
    expect((await call(`${sim.urls.vast}/api/v0/instances/${id}/`, { key: KEYS.vast })).json.instances.actual_status).toBe('exited');

    const pod = (await call(`${sim.urls.runpod}/v2/pods`, { key: KEYS.runpod, body: { name: 'ch-crash', image: 'ubuntu', gpu: { id: 'NVIDIA GeForce RTX 4090', count: 1 } } })).json;
    sim.clock.advance(10_000);
    sim.faults.add({ provider: 'runpod', kind: 'crash', instanceId: pod.id });
    expect((await call(`${sim.urls.runpod}/v2/pods/${pod.id}`, { key: KEYS.runpod })).json.status).toBe('ERROR');
  });

  it('an outbid interruptible Vast instance shows stopped on cur/intended/next state and keeps billing storage', async () => {
    const offer = await vastOffer();
    const bid = offer.min_bid + 0.01;
    const { new_contract: id } = (await call(`${sim.urls.vast}/api/v0/asks/${offer.id}/`, { method: 'PUT', key: KEYS.vast, body: { image: 'ubuntu', price: bid } })).json;
    sim.clock.advance(10_000);
    sim.faults.add({ provider: 'vast', kind: 'outbid', instanceId: String(id) });
    const shown = (await call(`${sim.urls.vast}/api/v0/instances/${id}/`, { key: KEYS.vast })).json.instances;
    expect(shown).toMatchObject({ actual_status: 'stopped', intended_status: 'stopped', cur_state: 'stopped', next_state: 'stopped', is_bid: true });
    const before = sim.market.instance('vast', String(id))!.costUsd;
    sim.clock.advance(3_600_000);
    expect(sim.market.instance('vast', String(id))!.costUsd - before).toBeCloseTo(shown.storage_total_cost, 5);
  });

  it('Vast create can fail yet leave a stopped instance whose id is in new_contract', async () => {
    sim.faults.add({ provider: 'vast', kind: 'createErrorLeavesStopped', count: 1 });
    const offer = await vastOffer();
    const reply = await call(`${sim.urls.vast}/api/v0/asks/${offer.id}/`, { method: 'PUT', key: KEYS.vast, body: { image: 'ubuntu', price: 0.001 } });
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ success: false, error: 'invalid_price', new_contract: expect.any(Number) });
    const leftover = (await call(`${sim.urls.vast}/api/v0/instances/${reply.json.new_contract}/`, { key: KEYS.vast })).json.instances;
    expect(leftover.actual_status).toBe('stopped');
  });
});

describe('admin endpoint', () => {
  it('arms, lists and clears faults over HTTP and reports state', async () => {
    const armed = await call(`${sim.urls.admin}/faults`, { body: { provider: 'lambda', kind: 'rateLimit', retryAfterSeconds: 2, count: 1 } });
    expect(armed.status).toBe(201);
    expect(armed.headers.get('x-computehub-simulated')).toBe('1');
    const limited = await call(`${sim.urls.lambda}/api/v1/instances`, { key: KEYS.lambda });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    await call(`${sim.urls.admin}/faults`, { body: [{ provider: 'vast', kind: 'serverError' }] });
    expect((await vastAccount()).status).toBe(500);
    await call(`${sim.urls.admin}/faults`, { method: 'DELETE' });
    expect((await vastAccount()).status).toBe(200);
    const bad = await call(`${sim.urls.admin}/faults`, { body: { provider: 'aws', kind: 'hang' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain('provider must be one of');
    const state = (await call(`${sim.urls.admin}/state`)).json;
    expect(state).toMatchObject({ simulated: true, seed: 3, vastOffers: 300, balances: { vast: expect.any(Number) } });
    const before = sim.clock.now();
    await call(`${sim.urls.admin}/clock/advance`, { body: { ms: 60_000 } });
    expect(sim.clock.now() - before).toBeGreaterThanOrEqual(60_000);
  });
});
