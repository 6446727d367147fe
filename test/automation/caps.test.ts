// Cost caps against the simulator on a driven clock: a warning at 80 %, the stop at the first sync
// past the cap, and the spend then, by the ledger, over the cap by at most one sync interval of spend.
import { afterEach, describe, expect, it } from 'vitest';
import type { InstanceView } from '#domain/fleet.ts';
import type { AutomationEvent } from '#services/automation/index.ts';
import { startWorld, type World } from '#test/fleet/world.ts';
import { microsToUsd } from '#domain/ledger.ts';
import { instanceCostMicros } from '#store/series-ledger.ts';

const SYNC_MS = 60_000;

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function tick(w: World): Promise<void> {
  const { services } = w.app;
  await w.drive((async () => services.automation.afterSync(await services.fleet.sync()))());
}

async function events(w: World): Promise<AutomationEvent[]> {
  return ((await w.run('events --json')).reply.data as { events: AutomationEvent[] }).events.slice().reverse();
}

/** What the ledger holds for the instance now (no sync: `instances` by an admin would sync first). */
function spend(w: World, id: string): number {
  return microsToUsd(instanceCostMicros(w.app.services.db.data, 'default', id));
}

describe('cap', () => {
  it('warns at 80 %, stops at the first sync past the cap, overshooting by at most one interval of spend', async () => {
    world = await startWorld({ pro: true });
    const w = world;
    const deployed = await w.run('deploy gpu=4090 provider=runpod template=pytorch --yes');
    expect(deployed.outcome, deployed.reply.text).toBe('ok');
    const { id, pricePerHour } = deployed.reply.data as InstanceView;
    await tick(w);
    const start = spend(w, id);
    const cap = Math.round((start + pricePerHour * 0.2) * 100) / 100;
    const added = await w.run(`cap ${id} ${cap} action=stop`);
    expect(added.outcome, added.reply.text).toBe('ok');

    // The driven clock also moves while a sync runs, so the interval is measured, not assumed.
    let stoppedAt: number | undefined;
    let before = spend(w, id);
    let intervalMs = 0;
    for (let step = 0; step < 40 && stoppedAt === undefined; step++) {
      const previousSyncEnd = w.sim.clock.now();
      before = spend(w, id);
      w.sim.clock.advance(SYNC_MS);
      await tick(w);
      intervalMs = w.sim.clock.now() - previousSyncEnd;
      if (w.sim.requests.some((request) => request.endpoint === 'stop')) stoppedAt = spend(w, id);
    }
    expect(stoppedAt).toBeDefined();
    // Stopped at the first sync past the cap, and over it by no more than that interval's spend.
    expect(before).toBeLessThan(cap);
    expect(stoppedAt!).toBeGreaterThanOrEqual(cap);
    expect(stoppedAt! - cap).toBeLessThanOrEqual((pricePerHour * intervalMs) / 3_600_000 + 0.000_01);
    const kinds = (await events(w)).map((event) => event.kind);
    expect(kinds).toEqual(['cap-warning', 'cap-hit']);
    const list = await w.run('cap --json');
    expect((list.reply.data as { caps: unknown[] }).caps).toEqual([{ id: 'c1', instanceId: id, projectId: null, usd: cap, per: 'total', action: 'stop' }]);

    // Once per period: the next syncs do not stop it again.
    w.sim.clock.advance(SYNC_MS);
    await tick(w);
    expect(w.sim.requests.filter((request) => request.endpoint === 'stop')).toHaveLength(1);
  });

  it('extrapolates the spend while the provider does not answer, so the cap still acts within one interval of spend', async () => {
    world = await startWorld({ pro: true });
    const w = world;
    const deployed = await w.run('deploy gpu=4090 provider=runpod template=pytorch --yes');
    const { id, pricePerHour, providerInstanceId } = deployed.reply.data as InstanceView;
    await tick(w);
    const cap = Math.round((spend(w, id) + pricePerHour * 0.2) * 100) / 100;
    await w.run(`cap ${id} ${cap} action=stop`);
    // From now on the provider's list is refused (429): the ledger stays where the last sync left it.
    w.sim.faults.add({ provider: 'runpod', endpoint: 'list', kind: 'rateLimit' });
    const billed = () => w.sim.market.instance('runpod', providerInstanceId!)!.costUsd;
    const ledgerAtFault = spend(w, id);
    let atStop: { billed: number; ledger: number } | undefined;
    let intervalMs = 0;
    for (let step = 0; step < 40 && !atStop; step++) {
      const previous = w.sim.clock.now();
      const ledgerBefore = spend(w, id);
      w.sim.clock.advance(SYNC_MS);
      await tick(w);
      intervalMs = w.sim.clock.now() - previous;
      if (w.sim.requests.some((request) => request.endpoint === 'stop')) atStop = { billed: billed(), ledger: ledgerBefore };
    }
    expect(atStop).toBeDefined();
    // The ledger had not moved since the provider stopped answering: only the extrapolation saw the cap.
    expect(atStop!.ledger).toBe(ledgerAtFault);
    expect(ledgerAtFault).toBeLessThan(cap);
    // Not `before < cap`: the clock moves on while a sync runs (more on a loaded machine), so the provider
    // may bill past the cap after the previous decision saw it under; the bound below is what matters.
    expect(atStop!.billed - cap).toBeLessThanOrEqual((pricePerHour * intervalMs) / 3_600_000 + 0.000_01);
    expect((await events(w)).map((event) => event.kind)).toEqual(['cap-warning', 'cap-hit']);
  });

  it('deploy … stop-after= stops the instance at the first sync after its time is up', async () => {
    world = await startWorld({ pro: true });
    const w = world;
    const deployed = await w.run('deploy gpu=4090 provider=runpod template=pytorch stop-after=30m --yes');
    expect(deployed.outcome, deployed.reply.text).toBe('ok');
    const { id } = deployed.reply.data as InstanceView;
    const readyAt = w.sim.clock.now();
    const stops = () => w.sim.requests.filter((request) => request.endpoint === 'stop').length;
    while (w.sim.clock.now() - readyAt < 29 * 60_000) {
      w.sim.clock.advance(5 * 60_000);
      await tick(w);
      if (w.sim.clock.now() - readyAt < 30 * 60_000) expect(stops()).toBe(0);
    }
    for (let i = 0; i < 3 && stops() === 0; i++) {
      w.sim.clock.advance(SYNC_MS);
      await tick(w);
    }
    expect(stops()).toBe(1);
    expect(w.sim.clock.now() - readyAt).toBeLessThanOrEqual(30 * 60_000 + 2 * SYNC_MS);
    const [event] = await events(w);
    expect(event).toMatchObject({ kind: 'cap-hit', ruleId: 'time-limit', instanceId: id, action: 'stop', result: 'ok' });
    expect(event!.message).toMatch(/30m time limit; stopped/);
    w.sim.clock.advance(SYNC_MS);
    await tick(w);
    expect(stops()).toBe(1);
  });

  it('stop-after= is Pro, and refused before anything is rented', async () => {
    world = await startWorld();
    const result = await world.run('deploy gpu=4090 provider=runpod template=pytorch destroy-after=2h --yes');
    expect(result.outcome).toBe('denied');
    expect(result.reply.text).toMatch(/Pro/);
    expect(world.sim.requests.some((request) => request.endpoint === 'create')).toBe(false);
  });

  it('caps a project by the month and the org by the day', async () => {
    world = await startWorld({ pro: true });
    expect((await world.run('cap project=default 100 per=month action=notify')).reply.data).toMatchObject({ id: 'c1', projectId: 'default', per: 'month', action: 'notify' });
    expect((await world.run('cap org 50 per=day')).reply.data).toMatchObject({ id: 'c2', instanceId: null, projectId: null, per: 'day', action: 'stop' });
    // The same scope and period again changes that cap (an alert's Raise cap), keeping its action.
    const raised = await world.run('cap org 75 per=day');
    expect(raised.reply.text).toMatch(/^Changed c2: the org \$75\.00 per day, then stop/);
    expect(raised.reply.data).toMatchObject({ id: 'c2', usd: 75, per: 'day', action: 'stop' });
    expect((await world.run('cap project=default 150 per=month')).reply.data).toMatchObject({ id: 'c1', usd: 150, action: 'notify' });
    expect((await world.run('uncap c1')).outcome).toBe('ok');
    expect(((await world.run('cap --json')).reply.data as { caps: { id: string }[] }).caps.map((entry) => entry.id)).toEqual(['c2']);
  });
});
