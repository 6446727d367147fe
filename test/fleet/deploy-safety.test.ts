// Deploys that go wrong, are repeated, or outlive the bot: never a leftover, never a second machine.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InstanceView } from '#domain/fleet.ts';
import { liveMachines, startWorld, type World } from './world.ts';

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => world?.close());

describe('Pro templates', () => {
  it('refuses a Pro template without a licence, saying why and what to do', async () => {
    const result = await world.run('deploy gpu=4090 template=comfyui --yes');
    expect(result.outcome).toBe('denied');
    expect(result.reply.text).toMatch(/ComfyUI is a Pro template/);
    expect(result.reply.text).toMatch(/licence activate/);
    expect(world.sim.requests.filter((request) => request.endpoint === 'create')).toHaveLength(0);
  });
});

describe('a deploy that fails mid-way', () => {
  for (const provider of ['vast', 'runpod', 'lambda', 'tensordock'] as const) {
    it(`on ${provider}: a crash before ready is cleaned up and explained`, async () => {
      world.sim.faults.add({ provider, kind: 'crash', count: 1 });
      const gpu = provider === 'lambda' ? 'a10' : '4090';
      const result = await world.run(`deploy gpu=${gpu} provider=${provider} template=pytorch --yes`);
      expect(result.outcome).toBe('failed');
      const instance = result.reply.data as InstanceView;
      expect(instance.status).toBe('failed');
      expect(result.reply.text).toMatch(/before it was ready/);
      expect(result.reply.text).toMatch(/Nothing is left running/);
      expect(liveMachines(world.sim, provider)).toHaveLength(0);
    });
  }

  it('on vast: an interruptible create that errors yet leaves a stopped machine is cleaned up', async () => {
    world.sim.faults.add({ provider: 'vast', kind: 'createErrorLeavesStopped', count: 1 });
    const result = await world.run('deploy gpu=4090 provider=vast template=pytorch bid=5 --yes');
    expect(result.outcome).toBe('failed');
    expect(result.reply.text).toMatch(/refused the create/);
    expect(liveMachines(world.sim, 'vast')).toHaveLength(0);
  });

  it('when the provider has no capacity, nothing is rented and the reason is shown', async () => {
    world.sim.faults.add({ provider: 'runpod', kind: 'noCapacity', count: 1 });
    const result = await world.run('deploy gpu=4090 provider=runpod template=pytorch --yes');
    expect(result.outcome).toBe('failed');
    expect(result.reply.text).toMatch(/runpod refused the create/);
    expect(liveMachines(world.sim)).toHaveLength(0);
  });
});

describe('interruptible deploys', () => {
  it('rents at the bid on Vast, and the true price adds the disk', async () => {
    const result = await world.run('deploy gpu=4090 provider=vast template=pytorch bid=0.5 --yes');
    expect(result.outcome, result.reply.text).toBe('ok');
    const instance = result.reply.data as InstanceView;
    expect(instance.interruptible).toBe(true);
    expect(instance.pricePerHour).toBeGreaterThanOrEqual(0.5);
    expect(instance.pricePerHour).toBeLessThan(0.6);
    const create = world.sim.requests.find((request) => request.endpoint === 'create')!;
    expect(create.body).toMatchObject({ price: 0.5 });
  });

  it('on Lambda says it cannot, and why', async () => {
    const result = await world.run('deploy gpu=a10 provider=lambda template=pytorch bid=0.5 --yes');
    expect(result.outcome).toBe('failed');
    expect(result.reply.text).toMatch(/Lambda cannot rent interruptible/);
  });
});

describe('a deploy that takes too long', () => {
  it('is destroyed after the deploy timeout and reported as such', async () => {
    const slow = await startWorld({ providers: ['lambda'], deployTimeoutMs: 3_000 });
    try {
      const result = await slow.run('deploy gpu=a10 template=pytorch --yes');
      expect(result.outcome).toBe('failed');
      expect(result.reply.text).toMatch(/not ready after/);
      slow.sim.clock.advance(60_000);
      expect(liveMachines(slow.sim)).toHaveLength(0);
    } finally {
      await slow.close();
    }
  });
});

describe('one machine per deploy', () => {
  it('two identical deploys with the same token, at the same time, rent one machine', async () => {
    const line = 'deploy gpu=4090 provider=vast template=pytorch token=abcde12345 --yes';
    const [first, second] = await world.drive(Promise.all([world.app.run(line), world.app.run(line)]));
    expect((first.reply.data as InstanceView).id).toBe((second.reply.data as InstanceView).id);
    const again = await world.run(line);
    expect((again.reply.data as InstanceView).id).toBe((first.reply.data as InstanceView).id);
    expect(liveMachines(world.sim)).toHaveLength(1);
    expect(world.sim.requests.filter((request) => request.endpoint === 'create')).toHaveLength(1);
  });

  it('a double-clicked Confirm rents what was shown, once', async () => {
    // Simulated time stands still from the preview to the presses (world.driveFromCreate).
    const preview = await world.app.run('deploy gpu=4090 template=jupyter');
    expect(preview.outcome).toBe('confirm');
    expect(preview.reply.title).toMatch(/^Rent 1× RTX 4090 on \w+ for \$\d+\.\d+\/h\?$/);
    const confirm = preview.reply.buttons!.find((button) => button.label === 'Confirm')!.command;
    expect(confirm).toMatch(/^confirm [a-z0-9]{10}$/);
    const shown = (preview.reply.data as { offer: string; pricePerHour: number; token: string });
    const [first, second] = await world.driveFromCreate(Promise.all([world.app.run(confirm), world.app.run(confirm)]));
    expect(first.outcome).toBe('ok');
    expect(second.outcome).toBe('denied');
    expect(second.reply.text).toMatch(/^Already done: 'deploy offer=\S+:\S+ .*' was confirmed/);
    expect((first.reply.data as InstanceView).pricePerHour).toBeCloseTo(shown.pricePerHour, 3);
    expect(world.app.services.db.data.instances.find((record) => record.id === (first.reply.data as InstanceView).id)!.deployToken).toBe(shown.token);
    expect(liveMachines(world.sim)).toHaveLength(1);
  });

  it('a bot restart during a deploy ends with exactly one machine, adopted and finished', async () => {
    const line = 'deploy gpu=4090 provider=runpod template=pytorch token=restart001 --yes';
    // The clock stays frozen: the deploy is created but never gets to ready before the "crash".
    const abandoned = world.app.run(line);
    while (!world.sim.requests.some((request) => request.endpoint === 'create')) await new Promise((resolve) => setTimeout(resolve, 5));
    await world.restart();
    await abandoned;
    const synced = await world.drive(world.app.services.fleet.sync());
    expect(synced.adopted).toHaveLength(0);
    const resumed = await world.run(line);
    expect(resumed.outcome).toBe('ok');
    expect((resumed.reply.data as InstanceView).phase).toBe('ready');
    expect(liveMachines(world.sim)).toHaveLength(1);
    expect(world.sim.requests.filter((request) => request.endpoint === 'create')).toHaveLength(1);
    const listed = await world.run('instances --json');
    expect((listed.reply.data as { instances: InstanceView[] }).instances).toHaveLength(1);
  });

  it('after a restart, an interrupted deploy finishes by itself on the next sync', async () => {
    const abandoned = world.app.run('deploy gpu=4090 provider=vast template=jupyter --yes');
    while (!world.sim.requests.some((request) => request.endpoint === 'create')) await new Promise((resolve) => setTimeout(resolve, 5));
    await world.restart();
    await abandoned;
    await world.drive(world.app.services.fleet.sync());
    let instance: InstanceView | undefined;
    for (let attempt = 0; attempt < 50 && instance?.phase !== 'ready'; attempt++) instance = (await world.run('ssh i1')).reply.data as InstanceView;
    expect(instance).toMatchObject({ phase: 'ready', status: 'running' });
    expect(instance!.apps[0]?.app).toBe('Jupyter');
    expect(liveMachines(world.sim)).toHaveLength(1);
  });

  it('a machine carrying our label but missing from the store is adopted as ours, not duplicated', async () => {
    const line = 'deploy gpu=4090 provider=vast template=pytorch token=lostrecord --yes';
    await world.run(line);
    await world.app.services.db.update((data) => {
      data.instances = [];
    });
    const synced = await world.drive(world.app.services.fleet.sync());
    expect(synced.adopted).toHaveLength(1);
    const again = await world.run(line);
    expect((again.reply.data as InstanceView).external).toBe(false);
    expect(liveMachines(world.sim)).toHaveLength(1);
  });
});
