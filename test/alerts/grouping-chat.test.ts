// Alerts in a chat channel on a driven clock: a burst of 100 firing alerts of one rule is one
// message, then one edit saying "resolved"; a muted instance says nothing until its mute ends; an
// event shown by a notify channel is not posted a second time where its rule was made.
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_ACTOR, type Channel } from '#core/command.ts';
import type { TestApp } from '#test/support/app.ts';
import { alertApp, automationEvent, clock, RecordingChat, tickFor, type Clock } from './support.ts';

const TEAM: Channel = { platform: 'telegram', id: '-100200300', kind: 'shared' };

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function teamChat(time: Clock) {
  app = await alertApp(time);
  const chat = new RecordingChat();
  app.services.alerts.setChatSender(chat);
  const added = await app.run('notify add here', { actor: LOCAL_ACTOR, channel: TEAM });
  expect(added.outcome, added.reply.text).toBe('ok');
  return { app, chat };
}

/** Instance records for alerts to name (as deploys would have made them). */
async function instances(app: TestApp, count: number): Promise<void> {
  await app.services.db.update((data) => {
    for (let n = 1; n <= count; n++) {
      data.instances.push({ id: `i${n}`, orgId: 'default', projectId: 'default', provider: 'vast', providerInstanceId: `v${n}`, label: `ch-${n}`, deployToken: null, name: `worker-${n}`, templateId: null, external: false, createdBy: null, status: 'running', phase: 'ready', rawStatus: 'running', gpu: 'RTX 4090', gpuCount: 1, pricePerHour: 0.42, interruptible: false, ssh: null, ports: [], simulated: true, createdAt: new Date(0).toISOString(), accruedUntil: new Date(0).toISOString() });
    }
  });
}

describe('alerts in a chat', () => {
  it('100 firing alerts of one rule within a minute (inside group_wait) make one grouped message, then one resolved edit', async () => {
    const time = clock();
    const { app, chat } = await teamChat(time);
    await instances(app, 100);
    for (let n = 1; n <= 100; n++) {
      await app.services.alerts.hear(automationEvent(time, { kind: 'rule-fired', ruleId: 'r1', instanceId: `i${n}`, message: `i${n}: gpu_util < 5% for 30m` }));
      time.advance(250);
      if (n % 10 === 0) await app.services.alerts.tick();
    }
    await tickFor(app, time, 60_000);
    expect(chat.posts).toHaveLength(1);
    const [post] = chat.posts;
    expect(post!.channel).toEqual({ platform: 'telegram', id: TEAM.id });
    expect(post!.message.title).toBe('Rule fired: 100 instances');
    expect(post!.message.text).toContain('i1: gpu_util < 5% for 30m (RTX 4090, vast, $0.420/h)');
    expect(post!.message.text).toContain('…and 80 more');
    expect(post!.message.footer).toBe('More: events rule=r1');
    // Too many instances for a button each: one Mute for the rule, acting in this org only.
    expect(post!.message.buttons).toEqual([{ label: 'Mute r1 2h', command: 'mute r1 2h --org=default', style: 'secondary' }]);

    for (let n = 1; n <= 100; n++) await app.services.alerts.hear(automationEvent(time, { kind: 'resolved', ruleId: 'r1', instanceId: `i${n}`, message: `i${n}: no longer true` }));
    await tickFor(app, time, 10 * 60_000);
    expect(chat.posts).toHaveLength(1);
    expect(chat.edits).toHaveLength(1);
    expect(chat.edits[0]).toMatchObject({ messageId: 'm1', channel: { platform: 'telegram', id: TEAM.id } });
    expect(chat.edits[0]!.message.title).toBe('Resolved · Rule fired: 100 instances');
    expect(chat.edits[0]!.message.text).toMatch(/^Resolved at 2026-03-02 \d\d:\d\d UTC, after \d+ m\./);
    expect(chat.edits[0]!.message.buttons).toBeUndefined();
    await tickFor(app, time, 5 * 3_600_000, 60_000);
    expect([chat.posts.length, chat.edits.length]).toEqual([1, 1]);
  });

  it('a restart keeps the groups, mutes and posted messages: the resolution after it edits the message from before', async () => {
    const time = clock();
    const first = await teamChat(time);
    await instances(first.app, 2);
    await first.app.run('mute i2 1h', { actor: LOCAL_ACTOR, channel: TEAM });
    await first.app.services.alerts.hear(automationEvent(time, { kind: 'down', ruleId: 'watch', instanceId: 'i1', message: 'i1 is down' }));
    await tickFor(first.app, time, 35_000);
    expect(first.chat.posts).toHaveLength(1);
    await first.app.close();

    app = await alertApp(time, { COMPUTEHUB_DATA_DIR: first.app.dataDir });
    const chat = new RecordingChat();
    app.services.alerts.setChatSender(chat);
    expect((await app.run('mute list --json', { actor: LOCAL_ACTOR, channel: TEAM })).reply.data).toMatchObject({ mutes: [{ id: 'm1', target: 'i2' }] });
    await app.services.alerts.hear(automationEvent(time, { kind: 'resolved', ruleId: 'watch', instanceId: 'i1', message: 'i1 is running again' }));
    await tickFor(app, time, 6 * 60_000);
    expect(chat.posts).toEqual([]);
    expect(chat.edits).toMatchObject([{ messageId: 'm1', message: { title: 'Resolved · Down: i1 (worker-1)' } }]);
  });

  it('an instance that is down mutes its idle alert (inhibition); the idle alert never surfaces late', async () => {
    const time = clock();
    const { app, chat } = await teamChat(time);
    await instances(app, 1);
    await app.services.alerts.hear(automationEvent(time, { kind: 'down', instanceId: 'i1', message: 'i1 is down' }));
    await app.services.alerts.hear(automationEvent(time, { kind: 'idle', ruleId: 'd1', instanceId: 'i1', message: 'i1 has had its GPU under 5% for 30m' }));
    await tickFor(app, time, 60_000);
    expect(chat.posts.map((post) => post.message.title)).toEqual(['Down: i1 (worker-1)']);
    await app.services.alerts.hear(automationEvent(time, { kind: 'resolved', instanceId: 'i1', message: 'i1 is running again' }));
    await tickFor(app, time, 5 * 3_600_000, 60_000);
    expect(chat.posts.map((post) => post.message.title)).toEqual(['Down: i1 (worker-1)']);
    expect(chat.edits.map((edit) => edit.message.title)).toEqual(['Resolved · Down: i1 (worker-1)']);
  });

  it('a muted instance produces nothing until the mute expires', async () => {
    const time = clock();
    const { app, chat } = await teamChat(time);
    await instances(app, 2);
    const muted = await app.run('mute i2 2h planned maintenance', { actor: LOCAL_ACTOR, channel: TEAM });
    expect(muted.outcome, muted.reply.text).toBe('ok');
    const list = await app.run('mute list --json', { actor: LOCAL_ACTOR, channel: TEAM });
    expect(list.reply.data).toMatchObject({ mutes: [{ id: 'm1', target: 'i2', reason: 'planned maintenance', endsAt: new Date(time.nowMs + 2 * 3_600_000).toISOString() }] });

    await app.services.alerts.hear(automationEvent(time, { kind: 'down', ruleId: 'watch', instanceId: 'i2', message: 'i2 (worker-2) is down: exited.' }));
    await tickFor(app, time, 3_600_000, 30_000);
    expect(chat.posts).toEqual([]);
    // The outage goes on: once the mute has expired, the next look at the group tells it.
    await tickFor(app, time, 3_600_000 + 5 * 60_000, 30_000);
    expect(chat.posts).toHaveLength(1);
    expect(chat.posts[0]!.message.title).toBe('Down: i2 (worker-2)');
    expect(chat.posts[0]!.message.footer).toBe('More: events instance=i2 · simulated');
    expect(chat.posts[0]!.message.buttons!.map((button) => button.command)).toEqual(['restart i2 --org=default', 'stop i2 --org=default', 'mute i2 2h --org=default']);
  });

  it('an event the notify channel shows is not posted a second time, directly, to the chat its watch was made in', async () => {
    const time = clock();
    const { app, chat } = await teamChat(time);
    await instances(app, 2);
    const direct: string[] = [];
    app.services.automation.setPoster(async (channel, message) => {
      direct.push(`${channel.id}: ${message.text}`);
    });
    await app.services.automation.watch('default', 'i1', { restart: false, max: 3, by: 'console:local', channel: { platform: TEAM.platform, id: TEAM.id } });
    await app.services.automation.watch('default', 'i2', { restart: false, max: 3, by: 'console:local', channel: { platform: 'telegram', id: '-999' } });
    await app.services.db.update((data) => {
      for (const record of data.instances) Object.assign(record, { status: 'exited', rawStatus: 'exited' });
    });
    await app.services.automation.evaluate();
    // The other chat has no notify channel: it hears of i2 directly, as before alerts existed.
    expect(direct).toEqual([expect.stringMatching(/^-999: Down \(watch\): i2 \(worker-2\) is down/)]);
    await tickFor(app, time, 60_000);
    expect(chat.posts).toHaveLength(1);
    expect(chat.posts[0]!.message.title).toBe('Down: 2 instances');
  });
});
