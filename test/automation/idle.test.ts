// idle checks and down events against the simulator on a driven clock: a GPU that goes idle (the
// simulator's idle fault) is stopped only once it has stayed under the threshold for the whole
// duration; an unwatched instance that crashes gives one `down` and, once back, one `resolved`.
import { describe, expect, it } from 'vitest';
import type { AutomationEvent } from '#services/automation/index.ts';
import type { World } from '#test/fleet/world.ts';
import { proWorlds } from './pro-world.ts';

const { start: startProWorld, withInstance } = proWorlds();

async function tick(w: World, advanceMs = 0): Promise<void> {
  w.sim.clock.advance(advanceMs);
  const { services } = w.app;
  await w.drive((async () => services.automation.afterSync(await services.fleet.sync()))());
}

async function events(w: World): Promise<AutomationEvent[]> {
  return ((await w.run('events limit=100 --json')).reply.data as { events: AutomationEvent[] }).events.slice().reverse();
}

const stops = (w: World) => w.sim.requests.filter((request) => request.endpoint === 'stop').length;

describe('idle', () => {
  it('stops an instance only after its GPU has stayed under the threshold for the whole duration', async () => {
    const { w, instance } = await withInstance();
    const added = await w.run(`idle ${instance.id} util<5 for=30m action=stop`);
    expect(added.outcome, added.reply.text).toBe('ok');
    expect(added.reply.data).toMatchObject({ id: 'idle1', instanceId: instance.id, belowPct: 5, forSeconds: 1800, action: 'stop' });
    for (let i = 0; i < 4; i++) await tick(w, 5 * 60_000);
    expect(await events(w)).toEqual([]);

    w.sim.faults.add({ provider: 'runpod', kind: 'idle', instanceId: instance.providerInstanceId! });
    await tick(w, 60_000);
    const idleFrom = w.sim.clock.now();
    while (w.sim.clock.now() - idleFrom < 29 * 60_000) {
      await tick(w, 5 * 60_000 - 1);
      if (w.sim.clock.now() - idleFrom < 30 * 60_000) expect(stops(w)).toBe(0);
    }
    for (let i = 0; i < 2 && stops(w) === 0; i++) await tick(w, 5 * 60_000);
    expect(stops(w)).toBe(1);
    const seen = await events(w);
    expect(seen.map((event) => event.kind)).toEqual(['idle']);
    expect(seen[0]).toMatchObject({ ruleId: 'idle1', instanceId: instance.id, action: 'stop', result: 'ok' });
    expect(seen[0]!.message).toMatch(/under 5% for 3\dm/);

    // Stopped on purpose: no `down` for it, and no second stop.
    await tick(w, 5 * 60_000);
    expect((await events(w)).map((event) => event.kind)).toEqual(['idle']);
    expect(stops(w)).toBe(1);
    expect(((await w.run('idle list --json')).reply.data as { idles: unknown[] }).idles).toHaveLength(1);
    expect((await w.run(`unidle ${instance.id}`)).outcome).toBe('ok');
    expect(((await w.run('idle --json')).reply.data as { idles: unknown[] }).idles).toEqual([]);
  });

  it('a busy GPU in between restarts the stretch', async () => {
    const { w, instance } = await withInstance();
    await w.run(`idle ${instance.id} util<5 for=20m action=notify`);
    w.sim.market.idle('runpod', instance.providerInstanceId!);
    await tick(w, 60_000);
    await tick(w, 15 * 60_000);
    // A restart brings the workload back: the GPU is busy at the next sync.
    await w.run(`restart ${instance.id}`);
    await tick(w, 60_000);
    w.sim.market.idle('runpod', instance.providerInstanceId!);
    await tick(w, 60_000);
    await tick(w, 15 * 60_000);
    expect(await events(w)).toEqual([]);
    await tick(w, 6 * 60_000);
    expect((await events(w)).map((event) => `${event.kind} ${event.action}`)).toEqual(['idle notify']);
  });

  it('refuses an instance whose provider reports no GPU metrics, and says where idle checks work', async () => {
    const world = await startProWorld({ providers: ['lambda', 'runpod'] });
    const deployed = await world.run('deploy gpu=a10 provider=lambda template=pytorch --yes');
    expect(deployed.outcome, deployed.reply.text).toBe('ok');
    const refused = await world.run('idle i1 util<5 for=30m action=stop');
    expect(refused.outcome).toBe('failed');
    expect(refused.reply.text).toMatch(/^i1 is on Lambda: Lambda's API reports no per-instance GPU metrics, so an idle check could never see it idle\. Idle checks work on Vast\.ai and RunPod instances; for this one, run nvidia-smi over SSH\.$/);
    expect(((await world.run('idle list --json')).reply.data as { idles: unknown[] }).idles).toEqual([]);

    const org = await world.run('idle org util<5 for=1h action=notify');
    expect(org.reply.text).toContain('Lambda and TensorDock instances are not checked: their APIs report no GPU metrics.');
  });

  it('refuses a threshold that is not util<n, saying how to write it', async () => {
    const world = await startProWorld();
    const result = await world.run('idle i1 util>5');
    expect(result.outcome).toBe('usage');
    expect(result.reply.text).toMatch(/util<5/);
  });
});

describe('down events for every instance', () => {
  it('an unwatched instance that crashes is down once, and resolved once it runs again; a stop on request is not down', async () => {
    const { w, instance } = await withInstance();
    await tick(w, 60_000);
    w.sim.faults.add({ provider: 'runpod', kind: 'crash', instanceId: instance.providerInstanceId! });
    await tick(w, 60_000);
    await tick(w, 60_000);
    expect((await events(w)).map((event) => event.kind)).toEqual(['down']);
    expect(await w.run(`start ${instance.id}`)).toMatchObject({ outcome: 'ok' });
    await tick(w, 60_000);
    await tick(w, 60_000);
    const seen = await events(w);
    expect(seen.map((event) => event.kind)).toEqual(['down', 'resolved']);
    expect(seen[0]).toMatchObject({ instanceId: instance.id, result: 'detected' });

    await w.run(`stop ${instance.id}`);
    await tick(w, 60_000);
    await tick(w, 60_000);
    expect((await events(w)).map((event) => event.kind)).toEqual(['down', 'resolved']);
  });
});
