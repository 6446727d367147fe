// Webhook alerts through the outbox on a driven clock, against a loopback receiver that verifies
// every signature with the `standardwebhooks` package: a receiver down for 10 minutes gets every
// alert once it is back, none twice; a refusal is dead-lettered and shown by `notify status`.
import { afterEach, describe, expect, it } from 'vitest';
import type { TestApp } from '#test/support/app.ts';
import { alertApp, automationEvent, clock, tickFor, WEBHOOK_SECRET, WebhookReceiver } from './support.ts';

let app: TestApp | undefined;
let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await app?.close();
  await receiver?.stop();
  app = undefined;
  receiver = undefined;
});

async function setUp(secretOption = `secret=${WEBHOOK_SECRET}`) {
  const time = clock();
  app = await alertApp(time);
  receiver = new WebhookReceiver();
  const url = await receiver.start();
  const added = await app.run(`notify add webhook ${url} ${secretOption}`.trim());
  expect(added.outcome, added.reply.text).toBe('ok');
  return { time, app, receiver, added };
}

describe('webhook alerts', () => {
  it('a receiver answering 503 for 10 minutes receives every alert once it recovers, none twice, every signature valid', async () => {
    const { time, app, receiver } = await setUp();
    const recoversAt = time.nowMs + 10 * 60_000;
    receiver.answer = () => (time.nowMs < recoversAt ? 503 : 200);
    for (let minute = 1; minute <= 10; minute++) {
      await app.services.alerts.hear(automationEvent(time, { kind: 'rule-fired', ruleId: `r${minute}`, message: `rule r${minute} fired` }));
      await tickFor(app, time, 60_000);
    }
    const during = (await app.run('notify status --json')).reply.data as { retrying: { nextAttemptAt: string; lastError: string }[] };
    expect(during.retrying.length).toBeGreaterThan(0);
    expect(during.retrying[0]!.lastError).toContain('HTTP 503');
    expect(Date.parse(during.retrying[0]!.nextAttemptAt)).toBeGreaterThan(time.nowMs);

    await tickFor(app, time, 60 * 60_000, 10_000);
    expect(receiver.badSignatures).toEqual([]);
    expect(receiver.received.some((delivery) => delivery.status === 503)).toBe(true);
    const accepted = receiver.accepted();
    expect([...accepted.values()]).toEqual(new Array(10).fill(1));
    expect(receiver.received.filter((delivery) => delivery.status === 200).map((delivery) => delivery.payload.rule).sort()).toEqual(['r1', 'r10', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9']);
    const after = await app.run('notify status --json');
    expect(after.reply.data).toMatchObject({ pending: 0, retrying: [], dead: [] });
  });

  it('without secret=, generates one and shows it only privately; the receiver verifies the test alert with it', async () => {
    const { app, receiver, added } = await setUp('');
    const secret = added.reply.privateReply?.code ?? '';
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(JSON.stringify({ ...added.reply, privateReply: undefined })).not.toContain(secret);
    receiver.useSecret(secret);
    const test = await app.run('notify test n1 --json');
    expect(test.reply.data).toEqual({ results: [{ id: 'n1', outcome: 'delivered', reason: null }] });
    expect(receiver.badSignatures).toEqual([]);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.payload).toMatchObject({ type: 'test', status: 'firing', severity: 'info' });
    // The URL may carry a token: only its origin is shown.
    const listed = (await app.run('notify list --json')).reply.data as { channels: { id: string; to: string }[] };
    expect(listed.channels).toEqual([expect.objectContaining({ id: 'n1', to: expect.stringMatching(/^webhook http:\/\/127\.0\.0\.1:\d+$/) })]);
  });

  it('a refusal (HTTP 410) is dead-lettered at once and notify status says why; later alerts still go', async () => {
    const { time, app, receiver } = await setUp();
    receiver.answer = () => 410;
    await app.services.alerts.hear(automationEvent(time, { kind: 'rule-fired', ruleId: 'r1', message: 'rule r1 fired' }));
    await tickFor(app, time, 60_000);
    const status = await app.run('notify status --json');
    expect(status.reply.data).toMatchObject({ pending: 0, retrying: [], dead: [{ channelId: 'n1', attempts: 1, label: 'r1' }] });
    expect((status.reply.data as { dead: { reason: string }[] }).dead[0]!.reason).toContain('HTTP 410');
    expect(status.reply.title).toContain('1 failed');

    receiver.answer = () => 200;
    await app.services.alerts.hear(automationEvent(time, { kind: 'rule-fired', ruleId: 'r2', message: 'rule r2 fired' }));
    await tickFor(app, time, 60_000);
    expect(receiver.accepted().size).toBe(1);
  });
});
