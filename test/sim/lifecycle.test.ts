// Instances follow each provider's state machine on the simulated clock, bill, and keep what was sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '#sim/index.ts';
import { call, graphql, KEYS } from './support.ts';

const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISimulatorSuiteKeyOnly sim@test';
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 5, timeScale: 0 });
});
afterAll(() => sim.close());

async function cheapestVastOffer(): Promise<any> {
  const reply = await call(`${sim.urls.vast}/api/v0/bundles/`, { key: KEYS.vast, body: { rented: { eq: false }, num_gpus: { eq: 1 }, order: [['dph_total', 'asc']], limit: 1 } });
  return reply.json.offers[0];
}

describe('Vast instance', () => {
  it('goes null → created → loading → running, shows ports only when running, stops, starts, reboots, is destroyed', async () => {
    const offer = await cheapestVastOffer();
    const created = await call(`${sim.urls.vast}/api/v0/asks/${offer.id}/`, {
      method: 'PUT',
      key: KEYS.vast,
      body: { client_id: 'me', image: 'pytorch/pytorch:latest', disk: 40, label: 'ch-train-1', env: { HF_HOME: '/workspace/hf', '-p 8888:8888': '1' }, onstart: 'echo started', runtype: 'ssh_direc ssh_proxy' },
    });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ success: true, new_contract: expect.any(Number) });
    const id = created.json.new_contract;
    const show = async () => (await call(`${sim.urls.vast}/api/v0/instances/${id}/`, { key: KEYS.vast })).json.instances;

    const first = await show();
    expect(first.actual_status).toBeNull();
    expect(first.ports).toBeUndefined();
    expect(first.label).toBe('ch-train-1');
    const seen = [first.actual_status];
    for (let second = 0; second < 10; second++) {
      sim.clock.advance(1000);
      const now = await show();
      if (seen.at(-1) !== now.actual_status) seen.push(now.actual_status);
    }
    expect(seen).toEqual([null, 'created', 'loading', 'running']);
    const running = await show();
    expect(running.ports['22/tcp'][0].HostPort).toMatch(/^\d+$/);
    expect(running.ports['8888/tcp']).toBeDefined();
    expect(running.gpu_util).toBeGreaterThanOrEqual(0);
    expect(running.gpu_util).toBeLessThanOrEqual(100);
    expect(running.extra_env).toEqual(expect.arrayContaining([['HF_HOME', '/workspace/hf']]));
    expect(running.ssh_host).toMatch(/^sim-/);

    // the offer's GPUs are taken while the instance exists
    const sameOffer = await call(`${sim.urls.vast}/api/v0/bundles/`, { key: KEYS.vast, body: { id: { eq: offer.id } } });
    expect(sameOffer.json.offers[0].rented).toBe(true);

    expect((await call(`${sim.urls.vast}/api/v0/instances/${id}/`, { method: 'PUT', key: KEYS.vast, body: { state: 'stopped' } })).json).toEqual({ success: true });
    expect(await show()).toMatchObject({ actual_status: 'stopped', intended_status: 'stopped', cur_state: 'stopped' });
    expect((await show()).ports).toBeUndefined();
    await call(`${sim.urls.vast}/api/v0/instances/${id}/`, { method: 'PUT', key: KEYS.vast, body: { state: 'running' } });
    expect((await show()).actual_status).toBe('loading');
    sim.clock.advance(5000);
    expect((await show()).actual_status).toBe('running');
    await call(`${sim.urls.vast}/api/v0/instances/reboot/${id}/`, { method: 'PUT', key: KEYS.vast, body: {} });
    expect((await show()).actual_status).toBe('rebooting');
    sim.clock.advance(5000);
    expect((await show()).actual_status).toBe('running');

    expect((await call(`${sim.urls.vast}/api/v0/instances/${id}/`, { method: 'DELETE', key: KEYS.vast })).json).toEqual({ success: true });
    expect(await show()).toBeNull();
    const again = await call(`${sim.urls.vast}/api/v0/instances/${id}/`, { method: 'DELETE', key: KEYS.vast });
    expect(again.json.error).toBe('no_such_instance');
  });

  it('records what the client sent (image, env, onstart) without the Authorization header', () => {
    const create = sim.requests.find((request) => request.provider === 'vast' && request.endpoint === 'create')!;
    expect(create.method).toBe('PUT');
    expect(create.body).toMatchObject({ image: 'pytorch/pytorch:latest', onstart: 'echo started', env: { HF_HOME: '/workspace/hf' } });
    expect(create.headers.authorization).toBeUndefined();
    expect(JSON.stringify(sim.requests)).not.toContain(KEYS.vast);
  });

  it('bills the launch price per running hour, and only storage while stopped', async () => {
    const offer = await cheapestVastOffer();
    const before = sim.market.balance('vast');
    const { new_contract: id } = (await call(`${sim.urls.vast}/api/v0/asks/${offer.id}/`, { method: 'PUT', key: KEYS.vast, body: { image: 'ubuntu', disk: 10 } })).json;
    sim.clock.advance(10_000);
    const instance = (await call(`${sim.urls.vast}/api/v0/instances/${id}/`, { key: KEYS.vast })).json.instances;
    const hourly = instance.dph_total;
    const afterBoot = sim.market.balance('vast');
    sim.clock.advance(3_600_000);
    const afterHour = sim.market.balance('vast');
    expect(afterBoot - afterHour).toBeCloseTo(hourly, 3);
    const account = await call(`${sim.urls.vast}/api/v0/users/current/`, { key: KEYS.vast });
    expect(account.json.credit).toBeCloseTo(afterHour, 3);
    expect(before - afterHour).toBeGreaterThan(hourly * 0.99);
    await call(`${sim.urls.vast}/api/v0/instances/${id}/`, { method: 'PUT', key: KEYS.vast, body: { state: 'stopped' } });
    const stoppedAt = sim.market.balance('vast');
    sim.clock.advance(3_600_000);
    expect(stoppedAt - sim.market.balance('vast')).toBeCloseTo(instance.storage_total_cost, 5);
    await call(`${sim.urls.vast}/api/v0/instances/${id}/`, { method: 'DELETE', key: KEYS.vast });
  });

  it('pages /api/v1/instances/ 25 at a time with next_token', async () => {
    const offers = (await call(`${sim.urls.vast}/api/v0/bundles/`, { key: KEYS.vast, body: { rented: { eq: false }, limit: 30 } })).json.offers;
    for (const offer of offers) await call(`${sim.urls.vast}/api/v0/asks/${offer.id}/`, { method: 'PUT', key: KEYS.vast, body: { image: 'ubuntu', label: 'page' } });
    const first = (await call(`${sim.urls.vast}/api/v1/instances/?limit=25`, { key: KEYS.vast })).json;
    expect(first.instances).toHaveLength(25);
    expect(first.total_instances).toBe(30);
    expect(first.next_token).toEqual(expect.any(String));
    const second = (await call(`${sim.urls.vast}/api/v1/instances/?limit=25&after_token=${first.next_token}`, { key: KEYS.vast })).json;
    expect(second.instances).toHaveLength(5);
    expect(second.next_token).toBeNull();
    const computed = await call(`${sim.urls.vast}/api/v1/instances/?select_filters=${encodeURIComponent('{"dph_total":{"lt":1}}')}`, { key: KEYS.vast });
    expect(computed.status).toBe(400);
    for (const instance of [...first.instances, ...second.instances]) await call(`${sim.urls.vast}/api/v0/instances/${instance.id}/`, { method: 'DELETE', key: KEYS.vast });
  });
});

const POD = 'id name desiredStatus costPerHr env ports runtime { uptimeInSeconds ports { ip isIpPublic privatePort publicPort type } gpus { id gpuUtilPercent memoryUtilPercent } }';

describe('Vast request shapes (docs/providers.md §1.2, §1.3)', () => {
  it('rejects what the real API would misread: a search type it does not know, env as a list, an unknown runtype, a keyless SSH attach', async () => {
    const badType = await call(`${sim.urls.vast}/api/v0/bundles/`, { key: KEYS.vast, body: { type: 'interruptible', limit: 1 } });
    expect(badType.status).toBe(400);
    expect((await call(`${sim.urls.vast}/api/v0/bundles/`, { key: KEYS.vast, body: { type: 'ondemand', limit: 1 } })).status).toBe(200);
    const offer = await cheapestVastOffer();
    const put = (body: Record<string, unknown>) => call(`${sim.urls.vast}/api/v0/asks/${offer.id}/`, { method: 'PUT', key: KEYS.vast, body: { client_id: 'me', image: 'ubuntu:22.04', disk: 10, label: 'ch-shape', ...body } });
    const listEnv = await put({ env: [{ key: 'A', value: 'b' }] });
    expect(listEnv.status).toBe(400);
    expect(listEnv.json).toMatchObject({ success: false, error: 'invalid_args' });
    expect((await put({ env: { BIG: 'x'.repeat(200) }, runtype: 'ssh_direct' })).status).toBe(200);
    expect((await put({ runtype: 'ssh-direct' })).status).toBe(400);
    const hugeEnv = Object.fromEntries(Array.from({ length: 200 }, (_, index) => [`V${index}`, 'y'.repeat(200)]));
    expect((await put({ env: hugeEnv })).status).toBe(400);
    const ok = await put({ env: '-e A=b -p 8000:8000', runtype: 'ssh_direc ssh_proxy' });
    expect(ok.status).toBe(200);
    const id = ok.json.new_contract;
    expect((await call(`${sim.urls.vast}/api/v0/instances/${id}/ssh/`, { key: KEYS.vast, body: { key: SSH_KEY } })).status).toBe(400);
    expect((await call(`${sim.urls.vast}/api/v0/instances/${id}/ssh/`, { key: KEYS.vast, body: { ssh_key: SSH_KEY } })).status).toBe(200);
    const mine = (await call(`${sim.urls.vast}/api/v0/instances/?owner=me`, { key: KEYS.vast })).json.instances;
    for (const instance of mine.filter((row: any) => row.label === 'ch-shape')) await call(`${sim.urls.vast}/api/v0/instances/${instance.id}/`, { method: 'DELETE', key: KEYS.vast });
  });
});

describe('RunPod pod', () => {
  it('REST v2 create takes ports as a list and env as an object (GraphQL shapes are 422s)', async () => {
    const body = { name: 'ch-v2-shape', image: 'ubuntu', gpu: { id: 'NVIDIA GeForce RTX 4090', count: 1 }, cloud: 'SECURE' };
    expect((await call(`${sim.urls.runpod}/v2/pods`, { key: KEYS.runpod, body: { ...body, ports: '22/tcp' } })).status).toBe(422);
    expect((await call(`${sim.urls.runpod}/v2/pods`, { key: KEYS.runpod, body: { ...body, env: [{ key: 'A', value: 'b' }] } })).status).toBe(422);
  });

  it('GraphQL pod mutations reject input of the wrong type, with HTTP 200 and errors[] (docs/providers.md §2.3, §6.8)', async () => {
    const deploy = `mutation Deploy($input: PodFindAndDeployOnDemandInput!) { podFindAndDeployOnDemand(input: $input) { id } }`;
    const base = { name: 'ch-typed', imageName: 'ubuntu:22.04', gpuTypeId: 'NVIDIA GeForce RTX 4090', gpuCount: 1, cloudType: 'SECURE', containerDiskInGb: 20, volumeInGb: 20, ports: '22/tcp' };
    for (const wrong of [{ env: { MODEL: 'llama' } }, { ports: ['22/tcp'] }, { cloudType: 'secure' }, { gpuCount: '1' }, { volumeInGb: 20.5 }]) {
      const reply = await graphql(sim.urls.runpod, deploy, { input: { ...base, ...wrong } });
      expect(reply.status).toBe(200);
      expect(reply.json.errors?.[0]?.message, JSON.stringify(wrong)).toMatch(/invalid value/);
      expect(reply.json.data).toBeNull();
    }
    const resume = await graphql(sim.urls.runpod, `mutation { podBidResume(input: {podId: "nope", bidPerGpu: "0.2", gpuCount: 1}) { id } }`);
    // A literal is checked by the schema's validation, in graphql-js's words (RunPod's server runs it).
    expect(resume.json.errors?.[0]?.message).toBe('Float cannot represent non numeric value: "0.2"');
  });

  it('GraphQL: desiredStatus flips at once, runtime appears only once running; v2 shows PROVISIONING → STARTING → RUNNING', async () => {
    const deploy = await graphql(sim.urls.runpod, `mutation Deploy($input: PodFindAndDeployOnDemandInput!) { podFindAndDeployOnDemand(input: $input) { ${POD} } }`, {
      input: { name: 'ch-pod-1', imageName: 'runpod/pytorch:2.4.0', gpuTypeId: 'NVIDIA GeForce RTX 4090', gpuCount: 1, cloudType: 'ALL', containerDiskInGb: 20, ports: '8888/http,22/tcp', env: [{ key: 'MODEL', value: 'llama' }], dockerArgs: 'bash -c "echo hi"' },
    });
    const pod = deploy.json.data.podFindAndDeployOnDemand;
    expect(pod).toMatchObject({ name: 'ch-pod-1', desiredStatus: 'RUNNING', runtime: null, env: ['MODEL=llama'], ports: '8888/http,22/tcp' });
    const v2 = async () => (await call(`${sim.urls.runpod}/v2/pods/${pod.id}`, { key: KEYS.runpod })).json;
    expect((await v2()).status).toBe('PROVISIONING');
    sim.clock.advance(2000);
    expect((await v2()).status).toBe('STARTING');
    sim.clock.advance(3000);
    expect((await v2()).status).toBe('RUNNING');
    const running = (await graphql(sim.urls.runpod, `{ pod(input: {podId: "${pod.id}"}) { ${POD} } }`)).json.data.pod;
    const ssh = running.runtime.ports.find((port: any) => port.privatePort === 22);
    expect(ssh).toMatchObject({ isIpPublic: true, type: 'tcp', publicPort: expect.any(Number) });
    expect(running.runtime.gpus[0].gpuUtilPercent).toBeGreaterThanOrEqual(0);

    const stop = await graphql(sim.urls.runpod, `mutation { podStop(input: {podId: "${pod.id}"}) { id desiredStatus } }`);
    expect(stop.json.data.podStop.desiredStatus).toBe('EXITED');
    expect((await v2())).toMatchObject({ status: 'EXITED', cost: 0 });
    const conflict = await call(`${sim.urls.runpod}/v2/pods/${pod.id}/action`, { key: KEYS.runpod, body: { action: 'restart' } });
    expect(conflict.status).toBe(409);
    await graphql(sim.urls.runpod, `mutation { podResume(input: {podId: "${pod.id}", gpuCount: 1}) { id desiredStatus } }`);
    sim.clock.advance(5000);
    const restart = await call(`${sim.urls.runpod}/v2/pods/${pod.id}/action`, { key: KEYS.runpod, body: { action: 'restart' } });
    expect(restart.json.status).toBe('STARTING');
    const terminate = await graphql(sim.urls.runpod, `mutation { podTerminate(input: {podId: "${pod.id}"}) }`);
    expect(terminate.json).toEqual({ data: { podTerminate: null } });
    const gone = await graphql(sim.urls.runpod, `mutation { podTerminate(input: {podId: "${pod.id}"}) }`);
    expect(gone.json.errors[0].message).toBe('pod not found to terminate');
  });

  it('REST v2 create validates the body, returns 201 PROVISIONING, and terminate answers 204', async () => {
    const unknown = await call(`${sim.urls.runpod}/v2/pods`, { key: KEYS.runpod, body: { name: 'x', image: 'ubuntu', gpu: { id: 'NVIDIA GeForce RTX 4090', count: 1 }, bogus: 1 } });
    expect(unknown.status).toBe(422);
    const created = await call(`${sim.urls.runpod}/v2/pods`, { key: KEYS.runpod, body: { name: 'ch-v2', image: 'ubuntu', gpu: { id: 'NVIDIA GeForce RTX 4090', count: 1 }, cloud: 'SECURE', ports: ['22/tcp'], env: { A: 'b' } } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'ch-v2', status: 'PROVISIONING', env: { A: 'b' }, runtime: null });
    const removed = await call(`${sim.urls.runpod}/v2/pods/${created.json.id}`, { method: 'DELETE', key: KEYS.runpod });
    expect(removed.status).toBe(204);
  });

  it('rents spot capacity at or above the minimum bid, and an outbid spot pod exits', async () => {
    const rent = (bidPerGpu: number) =>
      graphql(sim.urls.runpod, 'mutation Rent($input: PodRentInterruptableInput!) { podRentInterruptable(input: $input) { id podType costPerHr } }', {
        input: { name: 'ch-spot', imageName: 'ubuntu', gpuTypeId: 'NVIDIA GeForce RTX 3090', gpuCount: 1, cloudType: 'COMMUNITY', bidPerGpu },
      });
    const tooLow = await rent(0.001);
    expect(tooLow.json.errors[0].message).toMatch(/lower than the current minimum bid/);
    const rented = (await rent(5)).json.data.podRentInterruptable;
    expect(rented).toMatchObject({ podType: 'INTERRUPTABLE', costPerHr: 5 });
    expect(sim.requests.at(-1)).toMatchObject({ provider: 'runpod', endpoint: 'create', operations: ['podRentInterruptable'] });
    sim.clock.advance(10_000);
    sim.market.outbid('runpod', rented.id);
    const pod = (await graphql(sim.urls.runpod, `{ pod(input: {podId: "${rented.id}"}) { desiredStatus runtime { uptimeInSeconds } } }`)).json.data.pod;
    expect(pod).toEqual({ desiredStatus: 'EXITED', runtime: null });
    await graphql(sim.urls.runpod, `mutation { podTerminate(input: {podId: "${rented.id}"}) }`);
  });

  it('reports balance over GraphQL myself', async () => {
    const reply = await graphql(sim.urls.runpod, '{ myself { id clientBalance currentSpendPerHr } }');
    expect(reply.json.data.myself.clientBalance).toBeCloseTo(sim.market.balance('runpod'), 3);
  });
});

describe('Lambda instance', () => {
  it('booting → active (ip appears), restart → booting → active, terminate → terminating → terminated → gone', async () => {
    await call(`${sim.urls.lambda}/api/v1/ssh-keys`, { key: KEYS.lambda, body: { name: 'ch-key', public_key: SSH_KEY } });
    const types = (await call(`${sim.urls.lambda}/api/v1/instance-types`, { key: KEYS.lambda })).json.data as Record<string, any>;
    const [typeName, entry] = Object.entries(types).find(([, type]) => type.regions_with_capacity_available.length > 0)!;
    const region = entry.regions_with_capacity_available[0].name;
    const twoKeys = await call(`${sim.urls.lambda}/api/v1/instance-operations/launch`, { key: KEYS.lambda, body: { region_name: region, instance_type_name: typeName, ssh_key_names: ['ch-key', 'other'] } });
    expect(twoKeys.json.error.code).toBe('global/invalid-parameters');
    // One instance per launch; user_data is cloud-init text, not an object.
    const valid = { region_name: region, instance_type_name: typeName, ssh_key_names: ['ch-key'] };
    for (const wrong of [{ quantity: 2 }, { quantity: 0 }, { user_data: { runcmd: ['echo hi'] } }, { name: 42 }]) {
      const refused = await call(`${sim.urls.lambda}/api/v1/instance-operations/launch`, { key: KEYS.lambda, body: { ...valid, ...wrong } });
      expect(refused.json.error.code).toBe('global/invalid-parameters');
    }
    const launch = await call(`${sim.urls.lambda}/api/v1/instance-operations/launch`, {
      key: KEYS.lambda,
      body: { region_name: region, instance_type_name: typeName, ssh_key_names: ['ch-key'], name: 'ch-vm-1', user_data: '#cloud-config\nruncmd: [echo hi]' },
    });
    expect(launch.status).toBe(200);
    const [id] = launch.json.data.instance_ids;
    const get = async () => (await call(`${sim.urls.lambda}/api/v1/instances/${id}`, { key: KEYS.lambda })).json.data;
    expect(await get()).toMatchObject({ status: 'booting', ip: null, name: 'ch-vm-1' });
    sim.clock.advance(8000);
    const active = await get();
    expect(active.status).toBe('active');
    expect(active.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(active.instance_type.name).toBe(typeName);
    const restart = await call(`${sim.urls.lambda}/api/v1/instance-operations/restart`, { key: KEYS.lambda, body: { instance_ids: [id] } });
    expect(restart.json.data.restarted_instances[0].status).toBe('booting');
    sim.clock.advance(5000);
    expect((await get()).status).toBe('active');
    const terminate = await call(`${sim.urls.lambda}/api/v1/instance-operations/terminate`, { key: KEYS.lambda, body: { instance_ids: [id] } });
    expect(terminate.json.data.terminated_instances[0].status).toBe('terminating');
    sim.clock.advance(4000);
    expect((await get()).status).toBe('terminated');
    sim.clock.advance(60_000);
    const gone = await call(`${sim.urls.lambda}/api/v1/instances/${id}`, { key: KEYS.lambda });
    expect(gone.status).toBe(404);
    expect(gone.json.error.code).toBe('global/object-does-not-exist');
  });
});

describe('TensorDock VM', () => {
  it('starting → running, stop → stopping → stopped, start, delete → gone; enforces storage ≥ 100 GB and one SSH key', async () => {
    const locations = (await call(`${sim.urls.tensordock}/api/v2/locations`, { key: KEYS.tensordock })).json.data.locations as any[];
    const location = locations.find((candidate) => candidate.gpus.length > 0);
    const gpu = location.gpus[0];
    const attributes = { name: 'ch-td-1', type: 'virtualmachine', image: 'ubuntu2404', resources: { vcpu_count: 4, ram_gb: 16, storage_gb: 100, gpus: { [gpu.v0Name]: { count: 1 } } }, location_id: location.id, port_forwards: [{ internal_port: 22, external_port: 20022 }], ssh_key: SSH_KEY, cloud_init: { runcmd: ['echo hi'] } };
    const small = await call(`${sim.urls.tensordock}/api/v2/instances`, { key: KEYS.tensordock, body: { data: { type: 'virtualmachine', attributes: { ...attributes, resources: { ...attributes.resources, storage_gb: 50 } } } } });
    expect(small.status).toBe(400);
    expect(small.json.errors[0].detail).toContain('100');
    const create = (body: unknown) => call(`${sim.urls.tensordock}/api/v2/instances`, { key: KEYS.tensordock, body });
    // The JSON:API-ish envelope, {count} map entries, well-formed forwards and an object cloud_init are required.
    for (const wrong of [
      { data: { attributes } },
      { data: { type: 'virtualmachine', attributes: { ...attributes, resources: { ...attributes.resources, gpus: { [gpu.v0Name]: 1 } } } } },
      { data: { type: 'virtualmachine', attributes: { ...attributes, port_forwards: [{ internalPort: 22, externalPort: 20022 }] } } },
      { data: { type: 'virtualmachine', attributes: { ...attributes, cloud_init: { runcmd: 'echo hi' } } } },
    ]) expect((await create(wrong)).status).toBe(400);
    const created = await call(`${sim.urls.tensordock}/api/v2/instances`, { key: KEYS.tensordock, body: { data: { type: 'virtualmachine', attributes } } });
    expect(created.status).toBe(200);
    const id = created.json.data.id;
    const get = async () => (await call(`${sim.urls.tensordock}/api/v2/instances/${id}`, { key: KEYS.tensordock })).json.data;
    expect((await get()).attributes.status).toBe('starting');
    sim.clock.advance(5000);
    const running = await get();
    expect(running.attributes).toMatchObject({ name: 'ch-td-1', status: 'running', portForwards: [{ internal_port: 22, external_port: 20022 }] });
    const expected = gpu.price_per_hr + 4 * gpu.pricing.per_vcpu_hr + 16 * gpu.pricing.per_gb_ram_hr + 100 * gpu.pricing.per_gb_storage_hr;
    expect(running.attributes.rateHourly).toBeCloseTo(expected, 3);
    await call(`${sim.urls.tensordock}/api/v2/instances/${id}/stop`, { method: 'POST', key: KEYS.tensordock });
    expect((await get()).attributes.status).toBe('stopping');
    sim.clock.advance(3000);
    expect((await get()).attributes.status.toLowerCase()).toContain('stopped');
    await call(`${sim.urls.tensordock}/api/v2/instances/${id}/start`, { method: 'POST', key: KEYS.tensordock });
    sim.clock.advance(5000);
    expect((await get()).attributes.status).toBe('running');
    const deleted = await call(`${sim.urls.tensordock}/api/v2/instances/${id}`, { method: 'DELETE', key: KEYS.tensordock });
    expect(deleted.json.data.attributes.message).toBe('Instance deleted successfully');
    sim.clock.advance(3000);
    expect((await call(`${sim.urls.tensordock}/api/v2/instances/${id}`, { key: KEYS.tensordock })).status).toBe(404);
  });
});

describe('real-time default', () => {
  it('reaches running within a few real seconds at timeScale 1', async () => {
    const live = await startSimulator({ vastOffers: 50 });
    try {
      const offer = (await call(`${live.urls.vast}/api/v0/bundles/`, { key: KEYS.vast, body: { limit: 1 } })).json.offers[0];
      const { new_contract: id } = (await call(`${live.urls.vast}/api/v0/asks/${offer.id}/`, { method: 'PUT', key: KEYS.vast, body: { image: 'ubuntu' } })).json;
      let status: string | null = null;
      for (let attempt = 0; attempt < 60 && status !== 'running'; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        status = (await call(`${live.urls.vast}/api/v0/instances/${id}/`, { key: KEYS.vast })).json.instances.actual_status;
      }
      expect(status).toBe('running');
    } finally {
      await live.close();
    }
  });
});
