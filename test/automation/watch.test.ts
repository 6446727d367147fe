// watch against the simulator on a driven clock: a crash is detected by the first sync after it and
// the restart issued in the same evaluation; a vanished host is redeployed elsewhere and the old
// machine destroyed, exactly one left; a machine stopped on request is left alone.
import { afterEach, describe, expect, it } from 'vitest';
import type { InstanceView } from '#domain/fleet.ts';
import type { AutomationEvent } from '#services/automation/index.ts';
import { liveMachines, startWorld, type World } from '#test/fleet/world.ts';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function open(): Promise<World> {
  world = await startWorld({ pro: true });
  return world;
}

async function deploy(w: World, provider: string, gpu: string): Promise<InstanceView> {
  const result = await w.run(`deploy gpu=${gpu} provider=${provider} template=pytorch --yes`);
  expect(result.outcome, result.reply.text).toBe('ok');
  return result.reply.data as InstanceView;
}

/** One scheduler tick: sync, then the automation's evaluation of what it saw (and any redeploy it started). */
async function tick(w: World): Promise<void> {
  const { services } = w.app;
  await w.drive(
    (async () => {
      await services.automation.afterSync(await services.fleet.sync());
      await services.automation.settle();
    })(),
  );
}

async function events(w: World, line = 'events limit=100'): Promise<AutomationEvent[]> {
  const result = await w.run(`${line} --json`);
  return ((result.reply.data as { events: AutomationEvent[] }).events ?? []).slice().reverse();
}

const CASES = [
  { provider: 'vast', gpu: '4090' },
  { provider: 'runpod', gpu: '4090' },
  { provider: 'lambda', gpu: 'a10' },
  { provider: 'tensordock', gpu: '4090' },
] as const;

describe('watch', () => {
  for (const { provider, gpu } of CASES) {
    it(`on ${provider}: an injected crash is detected by the first sync and restarted in the same evaluation`, async () => {
      const w = await open();
      const instance = await deploy(w, provider, gpu);
      expect((await w.run(`watch ${instance.id}`)).outcome).toBe('ok');
      await tick(w);
      expect(await events(w)).toEqual([]);

      w.sim.faults.add({ provider, kind: 'crash', instanceId: instance.providerInstanceId! });
      const before = w.sim.requests.length;
      await tick(w);
      const seen = await events(w);
      expect(seen.map((event) => event.kind)).toEqual(['down', 'restarted']);
      expect(seen[0]).toMatchObject({ instanceId: instance.id, ruleId: 'watch', result: 'detected' });
      const calls = w.sim.requests.slice(before).filter((request) => request.endpoint === 'restart' || request.endpoint === 'start');
      expect(calls.length).toBeGreaterThanOrEqual(1);

      // Back up at a later sync: the outage is resolved, and there is still one machine.
      for (let i = 0; i < 3; i++) {
        w.sim.clock.advance(30_000);
        await tick(w);
      }
      expect((await events(w)).map((event) => event.kind)).toEqual(['down', 'restarted', 'resolved']);
      expect(liveMachines(w.sim, provider)).toHaveLength(1);
      const audit = await w.run('audit --json');
      const entries = (audit.reply.data as { entries: { actor: { platform: string; userId: string }; args: string }[] }).entries;
      expect(entries.some((entry) => entry.actor.platform === 'automation' && entry.actor.userId === 'watch' && entry.args.endsWith(`id=${instance.id}`))).toBe(true);
    });
  }

  it('with the host gone: the template is redeployed elsewhere, the old one destroyed, exactly one running', async () => {
    const w = await open();
    const instance = await deploy(w, 'vast', '4090');
    await w.run(`watch ${instance.id}`);
    w.sim.market.hostGone('vast', instance.providerInstanceId!);
    await tick(w);
    const seen = await events(w);
    expect(seen.map((event) => event.kind)).toEqual(['down', 'redeployed']);
    expect(seen[1]!.message).toMatch(/moved to i2 on vast/);
    expect(liveMachines(w.sim)).toHaveLength(1);
    const list = await w.run('watch --json');
    expect((list.reply.data as { watches: { instanceId: string; state: string }[] }).watches).toEqual([expect.objectContaining({ instanceId: 'i2', state: 'ok' })]);
    const instances = (await w.run('instances --json')).reply.data as { instances: InstanceView[] };
    expect(instances.instances.filter((entry) => entry.status === 'running').map((entry) => entry.id)).toEqual(['i2']);
  });

  it('leaves alone a machine someone stopped, and ends when it is destroyed on request', async () => {
    const w = await open();
    const instance = await deploy(w, 'runpod', '4090');
    await w.run(`watch ${instance.id}`);
    expect((await w.run(`stop ${instance.id}`)).outcome).toBe('ok');
    w.sim.clock.advance(30_000);
    await tick(w);
    expect(await events(w)).toEqual([]);
    await w.run(`destroy ${instance.id} --yes`);
    await tick(w);
    expect((await events(w)).map((event) => event.kind)).toEqual(['resolved']);
    expect(liveMachines(w.sim)).toHaveLength(0);
  });

  it('is Pro: without a licence it says so', async () => {
    world = await startWorld();
    const result = await world.run('watch i1');
    expect(result.outcome).toBe('denied');
    expect(result.reply.text).toMatch(/Pro/);
  });
});
