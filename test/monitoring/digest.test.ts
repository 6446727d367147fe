// digest against the simulator on a driven clock: a daily 09:00 Europe/Berlin digest is due at 07:00
// UTC in summer time, posts cost (with its chart), the day's automation events and the money leaks to
// the chat it was added in, once per day, across a restart; admins add and remove, viewers list.
import { afterEach, describe, expect, it } from 'vitest';
import type { Actor, Channel } from '#core/command.ts';
import type { Reply } from '#core/reply.ts';
import type { EventChannel } from '#store/automation-schema.ts';
import { startWorld, type World } from '#test/fleet/world.ts';
import { deploy, syncEvery } from './world.ts';

const ROOM: Channel = { platform: 'slack', id: 'C-OPS', kind: 'shared' };
const ADA: Actor = { platform: 'slack', userId: 'U-ADA', displayName: 'Ada' };
const DEV: Actor = { platform: 'slack', userId: 'U-DEV', displayName: 'Dev' };

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function capture(w: World): { channel: EventChannel; message: Reply }[] {
  const posted: { channel: EventChannel; message: Reply }[] = [];
  w.app.services.digests.setPoster(async (channel, message) => {
    posted.push({ channel, message });
  });
  return posted;
}

function setClock(w: World, iso: string): void {
  w.sim.clock.advance(Date.parse(iso) - w.sim.clock.now());
}

describe('digest', () => {
  it('posts at 09:00 Berlin (07:00 UTC in summer) to the chat it was added in, once per day, across a restart', async () => {
    // Sunday 29 March 2026, the day Berlin moves to summer time.
    world = await startWorld({ pro: true, providers: ['runpod'], startTime: Date.parse('2026-03-29T10:00:00Z') });
    const w = world;
    expect((await w.app.run('member add slack:U-ADA role=admin name=Ada')).outcome).toBe('ok');
    expect((await w.app.run('member add slack:U-DEV role=dev name=Dev')).outcome).toBe('ok');
    const instance = await deploy(w, 'runpod', '4090');
    await syncEvery(w, 600_000, 3);
    let posted = capture(w);

    const refused = await w.app.run('digest add daily 09:00 tz=Europe/Berlin', { actor: DEV, channel: ROOM });
    expect(refused.outcome).toBe('denied');
    expect((await w.app.run('digest add daily 9:00 tz=Mars/Olympus', { actor: ADA, channel: ROOM })).reply.text).toMatch(/not a time zone/);
    const added = await w.app.run('digest add daily 09:00 tz=Europe/Berlin', { actor: ADA, channel: ROOM });
    expect(added.outcome, added.reply.text).toBe('ok');
    expect(added.reply.data).toMatchObject({ id: 'd1', every: 'daily', timeZone: 'Europe/Berlin', nextRun: '2026-03-30T07:00:00.000Z', lastSentPeriod: null });

    // Something for the day's events: the instance crashes and the automation reports it down.
    w.sim.faults.add({ provider: 'runpod', kind: 'crash', instanceId: instance.providerInstanceId! });
    await syncEvery(w, 600_000, 2);

    setClock(w, '2026-03-30T06:59:30Z');
    await w.app.services.digests.sendMissed();
    expect(posted).toEqual([]);

    setClock(w, '2026-03-30T07:00:20Z');
    await w.app.services.digests.sendMissed();
    expect(posted.map((entry) => entry.channel)).toEqual([{ platform: 'slack', id: 'C-OPS' }, { platform: 'slack', id: 'C-OPS' }, { platform: 'slack', id: 'C-OPS' }]);
    const [cost, events, leaks] = posted.map((entry) => entry.message);
    expect(cost!.title).toMatch(/^Daily digest d1 \(2026-03-30\) — Cost for the last 7 days: \$\d+\.\d\d$/);
    expect(cost!.image!.alt).toMatch(/Stacked bar chart/);
    expect(events!.title).toMatch(/^Automation in the last day: \d+ events$/);
    expect(events!.table!.rows.map((row) => row[1])).toContain('down');
    // The crashed machine is stopped and its disk still bills: a leak.
    expect(leaks!.title).toMatch(/^Money leaks/);
    expect(leaks!.table!.rows[0]![0]).toContain(instance.id);

    // A restart sends nothing more for the same day; the next day's is sent once it is due.
    await w.restart();
    posted = capture(w);
    await w.app.services.digests.start();
    expect(posted).toEqual([]);
    const listed = await w.app.run('digest list --json', { actor: DEV, channel: ROOM });
    expect(listed.reply.data).toEqual({ digests: [{ id: 'd1', every: 'daily', schedule: 'daily at 09:00 Europe/Berlin', timeZone: 'Europe/Berlin', nextRun: '2026-03-31T07:00:00.000Z', lastSentPeriod: '2026-03-30' }] });
    setClock(w, '2026-03-31T07:00:05Z');
    await w.app.services.digests.sendMissed();
    await w.app.services.digests.sendMissed();
    expect(posted.map((entry) => entry.message.title).filter((title) => title?.startsWith('Daily digest'))).toEqual([expect.stringContaining('(2026-03-31)')]);

    expect((await w.app.run('digest remove d1', { actor: DEV, channel: ROOM })).outcome).toBe('denied');
    expect((await w.app.run('digest remove d1', { actor: ADA, channel: ROOM })).outcome).toBe('ok');
    expect((await w.app.run('digest list --json')).reply.data).toEqual({ digests: [] });
    // A removed digest's id is never given again: an old "digest remove d1" cannot hit a new digest.
    const again = await w.app.run('digest add daily 09:00 tz=Europe/Berlin', { actor: ADA, channel: ROOM });
    expect((again.reply.data as { id: string }).id).toBe('d2');
  });

  it('reads weekly schedules and explains a wrong one; the free edition refuses digests', async () => {
    world = await startWorld({ pro: true, providers: ['runpod'], startTime: Date.parse('2026-12-02T10:00:00Z') });
    const weekly = await world.app.run('digest add weekly mon 09:00');
    expect(weekly.reply.data).toMatchObject({ id: 'd1', every: 'weekly', schedule: 'weekly on mon at 09:00 UTC', nextRun: '2026-12-07T09:00:00.000Z' });
    const wrong = await world.app.run('digest add hourly');
    expect(wrong.outcome).not.toBe('ok');
    expect(wrong.reply.text).toMatch(/daily or weekly/);

    const free = await startWorld({ providers: ['runpod'] });
    try {
      const refused = await free.app.run('digest add daily 09:00');
      expect(refused.outcome).not.toBe('ok');
      expect(refused.reply.text).toMatch(/Pro/);
    } finally {
      await free.close();
    }
  });
});
