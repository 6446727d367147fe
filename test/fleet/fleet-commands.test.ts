// The instance list, SSH details, lifecycle, external machines and roles, as a user sees them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Channel } from '#core/command.ts';
import type { InstanceView } from '#domain/fleet.ts';
import { SSH_PUBLIC_KEY } from '#test/contract/harness.ts';
import { liveMachines, startWorld, type World } from './world.ts';

let world: World;
const ids: Record<string, string> = {};

beforeAll(async () => {
  world = await startWorld();
  for (const [provider, gpu] of [['vast', '4090'], ['lambda', 'a10']] as const) {
    const result = await world.run(`deploy gpu=${gpu} provider=${provider} template=jupyter --yes`);
    ids[provider] = (result.reply.data as InstanceView).id;
  }
});
afterAll(async () => world?.close());

const viewer: { actor: Actor; channel: Channel } = {
  actor: { platform: 'telegram', userId: '555', displayName: 'Vic' },
  channel: { platform: 'telegram', id: '555', kind: 'direct' },
};

describe('instances and ssh', () => {
  it('lists every provider in one table with short stable ids, and the same shape as deploy in --json', async () => {
    const result = await world.run('instances');
    expect(result.reply.table?.rows.map((row) => row[0])).toEqual(['i1', 'i2']);
    expect(result.reply.table?.rows[0]?.[8]).toMatch(/^ssh (-p \d+ )?root@/);
    expect(result.reply.table?.rows[1]?.[8]).toMatch(/^ssh (-p \d+ )?ubuntu@/);
    const json = (await world.run('instances --json')).reply.data as { instances: InstanceView[] };
    expect(json.instances.map((instance) => Object.keys(instance).sort())).toEqual([Object.keys(json.instances[0]!).sort(), Object.keys(json.instances[0]!).sort()]);
    expect(json.instances[0]).toMatchObject({ id: 'i1', provider: 'vast', status: 'running' });
    expect(json.instances[0]!.ssh).toMatchObject({ host: expect.any(String), port: expect.any(Number), user: 'root' });
    // Providers that report GPU metrics get samples recorded on every sync.
    expect((await world.app.services.db.series.metrics.list()).some((sample) => sample.instanceId === 'i1' && sample.gpuUtilPercent !== undefined)).toBe(true);
    const filtered = (await world.run('instances provider=lambda --json')).reply.data as { instances: InstanceView[] };
    expect(filtered.instances.map((instance) => instance.id)).toEqual(['i2']);
  });

  it('ssh shows the command, port mappings and the Jupyter URL with its token', async () => {
    const result = await world.run(`ssh ${ids.vast}`);
    expect(result.reply.code).toMatch(/^ssh -p \d+ root@\S+$/);
    const fields = Object.fromEntries((result.reply.fields ?? []).map((field) => [field.name, field.value]));
    expect(fields.Ports).toMatch(/^8888\/\w+ → \S+:\d+/);
    expect(fields.Apps).toMatch(/^Jupyter: https?:\/\/\S+\/lab\?token=[a-z0-9]+$/);
  });

  it('shows machines created outside ComputeHub as external, and notices when they are gone', async () => {
    const runpod = world.bound.find((provider) => provider.name === 'runpod')!.adapter;
    const offer = (await runpod.listOffers({ diskGb: 20 })).find((candidate) => !candidate.interruptible)!;
    const created = await runpod.create({ offerId: offer.offerId, name: 'hand-made', image: 'ubuntu:22.04', env: {}, ports: [{ port: 22, protocol: 'tcp' }], diskGb: 20, gpuCount: offer.gpuCount, sshPublicKey: SSH_PUBLIC_KEY });
    const listed = (await world.run('instances --json')).reply.data as { instances: InstanceView[] };
    const external = listed.instances.find((instance) => instance.providerInstanceId === created.providerInstanceId)!;
    expect(external).toMatchObject({ id: 'i3', external: true, name: 'hand-made' });
    await runpod.destroy(created.providerInstanceId);
    const after = (await world.run('instances --json')).reply.data as { instances: InstanceView[] };
    expect(after.instances.map((instance) => instance.id)).not.toContain('i3');
    const gone = (await world.run('instances status=terminated --json')).reply.data as { instances: InstanceView[] };
    expect(gone.instances.map((instance) => instance.id)).toContain('i3');
  });
});

describe('roles', () => {
  it('a viewer can list and see cost but cannot deploy, stop or destroy', async () => {
    expect((await world.run('member add telegram:555 role=viewer name=Vic')).outcome).toBe('ok');
    expect((await world.run('instances', viewer)).outcome).toBe('ok');
    expect((await world.run(`ssh ${ids.vast}`, viewer)).outcome).toBe('ok');
    expect((await world.run('cost', viewer)).outcome).toBe('ok');
    const before = world.sim.requests.length;
    for (const line of ['deploy gpu=4090 template=pytorch --yes', `stop ${ids.vast}`, `destroy ${ids.vast} --yes`, `start ${ids.vast}`]) {
      const result = await world.run(line, viewer);
      expect(result.outcome, line).toBe('denied');
      expect(result.reply.text).toMatch(/needs the dev role; you are a viewer/);
    }
    expect(world.sim.requests.slice(before).filter((request) => ['create', 'stop', 'destroy', 'start'].includes(request.endpoint))).toHaveLength(0);
  });
});

describe('lifecycle', () => {
  it('Lambda cannot stop: it says so and offers destroy instead', async () => {
    const result = await world.run(`stop ${ids.lambda}`);
    expect(result.outcome).toBe('failed');
    expect(result.reply.text).toMatch(/Lambda cannot stop/);
    expect(result.reply.buttons?.[0]).toMatchObject({ command: `destroy ${ids.lambda}` });
  });

  it('stopping a Vast machine says its disk still bills; start and restart bring it back', async () => {
    const stopped = await world.run(`stop ${ids.vast}`);
    expect(stopped.outcome).toBe('ok');
    expect(stopped.reply.text).toMatch(/disk still bills \$\d+\.\d+\/h while stopped/);
    const listed = await world.run('instances provider=vast');
    expect(listed.reply.table?.rows[0]?.[5]).toMatch(/^\$\d+\.\d+\/h disk$/);
    expect(listed.reply.text).toMatch(/i1 is stopped but its disk still bills/);
    const started = await world.run(`start ${ids.vast}`);
    expect(started.outcome, started.reply.text).toBe('ok');
    // Vast reboots only a running machine: let it finish starting (the run drives only as long as it takes).
    world.sim.clock.advance(30_000);
    const restarted = await world.run(`restart ${ids.vast}`);
    expect(restarted.outcome, restarted.reply.text).toBe('ok');
  });

  it('destroy asks first, then destroys; the cost stays in the report', async () => {
    const ask = await world.run(`destroy ${ids.lambda}`);
    expect(ask.outcome).toBe('confirm');
    expect(ask.reply.title).toMatch(/^Destroy i2/);
    expect(liveMachines(world.sim, 'lambda')).toHaveLength(1);
    const done = await world.run(ask.reply.buttons![0]!.command);
    expect(done.outcome).toBe('ok');
    expect(liveMachines(world.sim, 'lambda')).toHaveLength(0);
    const again = await world.run(`destroy ${ids.lambda} --yes`);
    expect(again.reply.text).toMatch(/already terminated/);
    const cost = (await world.run('cost by=provider --json')).reply.data as { groups: { name: string; usd: number }[] };
    expect(cost.groups.map((group) => group.name)).toContain('lambda');
  });
});
