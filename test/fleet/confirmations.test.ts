// A Confirm button does exactly what its preview showed: the pinned instances and offer, once,
// before it expires; Cancel only by who asked or an admin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Channel } from '#core/command.ts';
import type { Execution } from '#core/registry.ts';
import type { InstanceView } from '#domain/fleet.ts';
import type { BatchResult } from '#services/fleet/batch.ts';
import type { Market } from '#sim/market.ts';
import { liveMachines, startWorld, type World } from './world.ts';

const ALICE: Actor = { platform: 'slack', userId: 'U-ALICE', displayName: 'Alice' };
const BOB: Actor = { platform: 'slack', userId: 'U-BOB', displayName: 'Bob' };
const ROOM: Channel = { platform: 'slack', id: 'C-OPS', kind: 'shared' };

let world: World;
beforeAll(async () => {
  world = await startWorld({ pro: true, providers: ['vast', 'runpod', 'lambda'] });
  await world.app.services.db.update((data) => {
    const at = new Date().toISOString();
    data.members.push({ orgId: 'default', platform: 'slack', userId: ALICE.userId, displayName: ALICE.displayName, role: 'dev', addedAt: at });
    data.members.push({ orgId: 'default', platform: 'slack', userId: BOB.userId, displayName: BOB.displayName, role: 'dev', addedAt: at });
    data.channels.push({ platform: 'slack', channelId: ROOM.id, orgId: 'default', projectId: 'default', boundAt: at, boundBy: 'test' });
  });
});
afterAll(async () => world?.close());

const confirmLine = (execution: Execution) => execution.reply.buttons!.find((button) => button.label === 'Confirm')!.command;
const cancelLine = (execution: Execution) => execution.reply.buttons!.find((button) => button.label === 'Cancel')!.command;
const live = () => world.app.services.db.data.instances.filter((record) => !record.destroyedAt).map((record) => record.id);

async function deployed(line: string): Promise<string> {
  const result = await world.run(`${line} --yes`);
  expect(result.outcome).toBe('ok');
  return (result.reply.data as InstanceView).id;
}

describe('a Confirm button acts on what its preview showed', () => {
  it('batch destroy gpu=4090 destroys the instances previewed, not one deployed after the preview', async () => {
    const first = await deployed('deploy gpu=4090 provider=vast template=pytorch');
    const second = await deployed('deploy gpu=4090 provider=runpod template=pytorch');
    const ask = await world.run('batch destroy gpu=4090');
    expect(ask.outcome).toBe('confirm');
    expect(ask.reply.table?.rows.map((row) => row[0])).toEqual([first, second]);
    expect(confirmLine(ask)).toMatch(/^confirm [a-z0-9]{10}$/);
    const later = await deployed('deploy gpu=4090 provider=vast template=pytorch');

    const done = await world.run(confirmLine(ask));
    expect((done.reply.data as { results: BatchResult[] }).results.map((result) => result.id)).toEqual([first, second]);
    expect(live()).toContain(later);
    expect(live()).not.toContain(first);
    expect(liveMachines(world.sim, 'vast')).toHaveLength(1);
    const audit = (await world.app.services.db.series.audit.series.list()).filter((entry) => entry.command === 'batch destroy').at(-1)!;
    expect(audit).toMatchObject({ result: 'ok', args: `batch destroy ids="${first} ${second}"`, message: expect.stringMatching(/^confirmation [a-z0-9]{10}, previewed by local admin$/) });
    await world.run(`destroy ${later} --yes`);
  });

  it('an old "destroy box" button does nothing to a new instance named box', async () => {
    const oldBox = await deployed('deploy gpu=a10 provider=lambda template=pytorch name=box');
    const ask = await world.run('destroy box');
    expect(ask.outcome).toBe('confirm');
    expect((await world.run(`destroy ${oldBox} --yes`)).outcome).toBe('ok');
    const newBox = await deployed('deploy gpu=a10 provider=lambda template=pytorch name=box');

    const pressed = await world.run(confirmLine(ask));
    expect(pressed.outcome).toBe('failed');
    expect(pressed.reply.text).toContain(`${oldBox} (box) is already`);
    expect(live()).toContain(newBox);
    expect(liveMachines(world.sim, 'lambda')).toHaveLength(1);
    await world.run(`destroy ${newBox} --yes`);
  });

  it('two presses on batch apply-template rent one replacement, and the second says it was done', async () => {
    const old = await deployed('deploy gpu=a10 provider=lambda template=pytorch');
    const ask = await world.run(`batch apply-template ${old} template=jupyter`);
    const creates = () => world.sim.requests.filter((request) => request.endpoint === 'create').length;
    const before = creates();
    const [first, second] = await world.drive(Promise.all([world.app.run(confirmLine(ask)), world.app.run(confirmLine(ask))]));
    const third = await world.run(confirmLine(ask));
    expect(first.outcome).toBe('ok');
    expect((first.reply.data as { results: BatchResult[] }).results[0]).toMatchObject({ id: old, ok: true });
    for (const again of [second, third]) {
      expect(again.outcome).toBe('denied');
      expect(again.reply.text).toMatch(/^Already done: 'batch apply-template ids=\S+ template=jupyter' was confirmed/);
    }
    expect(creates() - before).toBe(1);
    expect(liveMachines(world.sim, 'lambda')).toHaveLength(1);
    const replacement = world.app.services.db.data.instances.at(-1)!;
    await world.run(`destroy ${replacement.id} --yes`);
  });

  it('expires after ten minutes and says how to preview again', async () => {
    const box = await deployed('deploy gpu=a10 provider=lambda template=pytorch name=keep');
    const ask = await world.run('destroy keep');
    world.sim.clock.advance(10 * 60_000 + 1_000);
    const late = await world.run(confirmLine(ask));
    expect(late.outcome).toBe('failed');
    expect(late.reply.text).toMatch(/expired at \d\d:\d\d UTC \(a preview can be confirmed for 10 minutes\)\. Nothing was run\. To see a fresh preview: destroy id=keep$/);
    expect(live()).toContain(box);

    // Within the time it works, and it survives a restart of the bot.
    const ask2 = await world.run('destroy keep');
    world.sim.clock.advance(9 * 60_000);
    await world.restart();
    expect((await world.run(confirmLine(ask2))).outcome).toBe('ok');
    expect(live()).not.toContain(box);
  });

  it('a deploy whose offer got dearer shows a new preview instead of renting', async () => {
    const ask = await world.run('deploy gpu=4090 provider=vast template=pytorch');
    const shown = ask.reply.data as { offer: string; pricePerHour: number };
    // The simulated Vast market reprices the offer: its base price rises by half.
    const offer = (world.sim.market as Market).vastOffersById.get(Number(shown.offer.split(':')[1]))!;
    offer.baseDph *= 1.5;
    const creates = world.sim.requests.filter((request) => request.endpoint === 'create').length;

    // Simulated time stands still from this preview to the press below: the simulated market's prices
    // drift with time, and only the rise made here may count.
    const pressed = await world.app.run(confirmLine(ask));
    expect(pressed.outcome).toBe('confirm');
    expect(pressed.reply.text).toMatch(/^The price rose from \$[\d.]+\/h to \$[\d.]+\/h since the preview; nothing was rented\./);
    const repriced = pressed.reply.data as { offer: string; pricePerHour: number };
    expect(repriced.offer).toBe(shown.offer);
    expect(repriced.pricePerHour).toBeGreaterThan(shown.pricePerHour);
    expect(world.sim.requests.filter((request) => request.endpoint === 'create')).toHaveLength(creates);
    expect(confirmLine(pressed)).not.toBe(confirmLine(ask));

    const rented = await world.driveFromCreate(world.app.run(confirmLine(pressed)));
    expect(rented.outcome).toBe('ok');
    expect((rented.reply.data as InstanceView).pricePerHour).toBeCloseTo(repriced.pricePerHour, 3);
    await world.run(`destroy ${(rented.reply.data as InstanceView).id} --yes`);
  });
});

describe('Cancel', () => {
  it('is refused to anyone but who asked or an admin; a cancelled confirmation no longer runs', async () => {
    const box = await deployed('deploy gpu=a10 provider=lambda template=pytorch name=shared');
    const ask = await world.run('destroy shared', { actor: ALICE, channel: ROOM });
    expect(ask.outcome).toBe('confirm');

    const byBob = await world.run(cancelLine(ask), { actor: BOB, channel: ROOM });
    expect(byBob.outcome).toBe('denied');
    expect(byBob.reply.text).toBe('Only Alice, who asked for this, or an admin can cancel it.');

    const byAlice = await world.run(cancelLine(ask), { actor: ALICE, channel: ROOM });
    expect(byAlice.reply.text).toBe('Cancelled. Nothing was changed.');
    const pressed = await world.run(confirmLine(ask), { actor: ALICE, channel: ROOM });
    expect(pressed.outcome).toBe('failed');
    expect(pressed.reply.text).toMatch(/was cancelled at .* Nothing was run/);
    expect(live()).toContain(box);

    // An admin (the local admin here) may cancel someone else's.
    const again = await world.run('destroy shared', { actor: ALICE, channel: ROOM });
    expect((await world.run(cancelLine(again))).reply.text).toBe('Cancelled. Nothing was changed.');
    await world.run(`destroy ${box} --yes`);
  });
});
