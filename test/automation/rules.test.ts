// Rules in the running app against the simulator on a driven clock: added from the chat line as
// typed, evaluated after each sync, their actions taken through the fleet with the rule as actor,
// FOR held across a bot restart, and every decision in `events`.
import { describe, expect, it } from 'vitest';
import type { AutomationEvent } from '#services/automation/index.ts';
import type { World } from '#test/fleet/world.ts';
import { proWorlds } from './pro-world.ts';

const { start: startProWorld, withInstance } = proWorlds();

async function tick(w: World): Promise<void> {
  const { services } = w.app;
  await w.drive((async () => services.automation.afterSync(await services.fleet.sync()))());
}

async function events(w: World, filter = ''): Promise<AutomationEvent[]> {
  const result = await w.run(`events ${filter} --json`);
  return (result.reply.data as { events: AutomationEvent[] }).events.slice().reverse();
}

describe('rule add', () => {
  it('takes the rest of the line as typed, and shows a mistake with its column and a caret', async () => {
    const world = await startProWorld();
    const added = await world.run('rule add if cost_per_hour>2 then notify "pricey, check it", stop --json');
    expect(added.outcome, added.reply.text).toBe('ok');
    expect(added.reply.data).toMatchObject({ id: 'r1', text: 'IF cost_per_hour > 2 THEN notify "pricey, check it", stop', enabled: true, lastFiredAt: null, fireCount: 0 });

    const wrong = await world.run('rule add IF gpu_util > 2h THEN stop');
    expect(wrong.outcome).toBe('failed');
    expect(wrong.reply.text).toMatch(/column 15/);
    expect(wrong.reply.code).toContain(`IF gpu_util > 2h THEN stop\n${' '.repeat(14)}^`);
    const list = await world.run('rule list --json');
    expect(list.reply.data).toEqual({ rules: [{ id: 'r1', text: 'IF cost_per_hour > 2 THEN notify "pricey, check it", stop', enabled: true, lastFiredAt: null, fireCount: 0 }] });
  });

  it('checks a deploy action with the deploy command\'s own options', async () => {
    const world = await startProWorld();
    const result = await world.run('rule add IF cheapest(H100) < $1 THEN deploy gpu=H100 disk=5');
    expect(result.outcome).toBe('usage');
    expect(result.reply.text).toMatch(/In the rule's deploy: .*disk/);
    expect((await world.run('rule list --json')).reply.data).toEqual({ rules: [] });
  });
});

describe('rules after each sync', () => {
  it('fires once, stops the instance through the provider, and records it with the rule as actor', async () => {
    const { w, instance } = await withInstance();
    await w.run('rule add IF status == running THEN stop');
    await tick(w);
    const stops = w.sim.requests.filter((request) => request.endpoint === 'stop');
    expect(stops).toHaveLength(1);
    const seen = await events(w, 'rule=r1');
    expect(seen[0]).toMatchObject({ kind: 'rule-fired', ruleId: 'r1', instanceId: instance.id, action: 'stop', result: 'ok' });
    const audit = (await w.run('audit --json')).reply.data as { entries: { actor: { platform: string; userId: string }; args: string; result: string }[] };
    expect(audit.entries).toContainEqual(expect.objectContaining({ actor: expect.objectContaining({ platform: 'automation', userId: 'rule:r1' }), args: `stop id=${instance.id}`, result: 'ok' }));

    w.sim.clock.advance(60_000);
    await tick(w);
    expect(w.sim.requests.filter((request) => request.endpoint === 'stop')).toHaveLength(1);
    expect((await events(w, 'rule=r1')).map((event) => event.kind)).toEqual(['rule-fired', 'resolved']);
    const list = (await w.run('rule list --json')).reply.data as { rules: { fireCount: number; lastFiredAt: string | null }[] };
    expect(list.rules[0]).toMatchObject({ fireCount: 1, lastFiredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  it('holds FOR across a bot restart and never fires before it', async () => {
    const { w, instance } = await withInstance();
    await w.run('rule add IF status == running FOR 10m THEN notify "long run"');
    await tick(w);
    w.sim.clock.advance(5 * 60_000);
    await tick(w);
    expect(await events(w)).toEqual([]);
    await w.restart();
    w.sim.clock.advance(4 * 60_000);
    await tick(w);
    expect(await events(w)).toEqual([]);
    w.sim.clock.advance(2 * 60_000);
    await tick(w);
    const seen = await events(w);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ kind: 'rule-fired', instanceId: instance.id, action: 'notify' });
    expect(seen[0]!.message).toMatch(/long run/);
  });

  it('pause, resume, test, show and remove', async () => {
    const { w, instance } = await withInstance();
    await w.run('rule add IF status == running THEN notify');
    expect((await w.run('rule pause r1')).reply.text).toMatch(/paused/);
    await tick(w);
    expect(await events(w)).toEqual([]);
    const test = await w.run('rule test r1 --json');
    expect((test.reply.data as { targets: { instanceId: string; holds: boolean }[] }).targets).toEqual([expect.objectContaining({ instanceId: instance.id, holds: true })]);
    await w.run('rule resume r1');
    await tick(w);
    expect((await events(w)).map((event) => event.kind)).toEqual(['rule-fired']);
    expect((await w.run('rule show r1')).reply.code).toBe('IF status == running THEN notify');
    expect((await w.run('rule remove r1')).outcome).toBe('ok');
    expect((await w.run('rule show r1')).reply.text).toMatch(/no rule r1/);
  });
});

describe('rules that deploy, and authors who lose their role', () => {
  it('deploy: one machine per firing, billed to the rule, with its time limit, never re-triggered by what it deployed', async () => {
    const world = await startProWorld({ providers: ['runpod'] });
    const w = world;
    const added = await w.run('rule add IF cheapest(H100) < $1000 THEN deploy gpu=H100 provider=runpod template=pytorch stop-after=2h');
    expect(added.outcome, added.reply.text).toBe('ok');
    for (let i = 0; i < 4; i++) {
      w.sim.clock.advance(10 * 60_000);
      await w.drive(
        (async () => {
          await w.app.services.automation.evaluate('rules');
          await w.app.services.automation.settle();
        })(),
      );
    }
    expect(w.sim.requests.filter((request) => request.endpoint === 'create')).toHaveLength(1);
    const seen = await events(w, 'rule=r1');
    expect(seen.map((event) => `${event.kind} ${event.action}`)).toEqual(['rule-fired deploy', 'rule-fired deploy']);
    expect(seen[1]!.message).toMatch(/deployed i1 on runpod .*stopped after 2h/);
    const instances = (await w.run('instances --json')).reply.data as { instances: { id: string; createdBy: string | null }[] };
    expect(instances.instances).toHaveLength(1);
    expect(w.app.services.db.data.instances[0]!.createdBy).toBe('rule:r1');
    expect(w.app.services.db.data.automation.timeLimits).toEqual([expect.objectContaining({ instanceId: 'i1', action: 'stop', after: '2h' })]);
  });

  it('skips, with an event, a destroy rule whose author is no longer an admin', async () => {
    const { w, instance } = await withInstance();
    await w.run('member add telegram:42 role=admin name=Ann');
    await w.run('member add telegram:43 role=admin name=Bo');
    const ann = { actor: { platform: 'telegram', userId: '42', displayName: 'Ann' }, channel: { platform: 'telegram', id: '42', kind: 'direct' as const } };
    const added = await w.run('rule add IF status == running THEN destroy', ann);
    expect(added.outcome, added.reply.text).toBe('ok');
    expect((await w.run('member role telegram:42 dev')).outcome).toBe('ok');
    await tick(w);
    expect(w.sim.requests.filter((request) => request.endpoint === 'destroy')).toHaveLength(0);
    const [event] = await events(w, 'rule=r1');
    expect(event).toMatchObject({ kind: 'skipped', instanceId: instance.id, result: 'skipped' });
    expect(event!.message).toMatch(/no longer an admin .*now dev/);
  });
});
