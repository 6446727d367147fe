import { describe, expect, it } from 'vitest';
import type { Actor, Channel } from '#core/command.ts';
import { testApp } from '#test/support/app.ts';

const alice: Actor = { platform: 'telegram', userId: '1001', displayName: 'Alice' };
const bob: Actor = { platform: 'telegram', userId: '1002', displayName: 'Bob' };
const aliceDm: Channel = { platform: 'telegram', id: '1001', kind: 'direct' };
const bobDm: Channel = { platform: 'telegram', id: '1002', kind: 'direct' };
const group: Channel = { platform: 'telegram', id: '-100200', kind: 'shared' };

describe('claiming a fresh install', () => {
  it('makes the first person with the code from the log admin, once', async () => {
    const app = await testApp();
    const code = app.services.claim.issueCode()!;
    expect(code).toMatch(/^[A-Z2-9]{8}$/);
    const wrong = await app.run('claim AAAAAAAA', { actor: bob, channel: bobDm });
    expect(wrong.reply.text).toContain('That code is not right');
    const inGroup = await app.run(`claim ${code}`, { actor: bob, channel: group });
    expect(inGroup.outcome).toBe('denied');
    const claimed = await app.run(`claim ${code.toLowerCase()}`, { actor: alice, channel: aliceDm });
    expect(claimed.reply.title).toBe('You are now the admin of this ComputeHub');
    expect((await app.run('whoami', { actor: alice, channel: aliceDm })).reply.data).toMatchObject({ role: 'admin' });
    const again = await app.run(`claim ${code}`, { actor: bob, channel: bobDm });
    expect(again.reply.text).toContain('already has an admin');
    expect(app.services.claim.issueCode()).toBeUndefined();
    await app.close();
  });

  it('COMPUTEHUB_ADMINS names admins up front, and then no claim code is issued', async () => {
    const app = await testApp({ COMPUTEHUB_ADMINS: 'telegram:1001, slack:U0123' });
    expect((await app.run('whoami', { actor: alice, channel: aliceDm })).reply.data).toMatchObject({ role: 'admin' });
    expect(app.services.claim.issueCode()).toBeUndefined();
    await app.close();
  });
});

describe('binding a channel', () => {
  it('gives people in the channel viewer rights, and only an admin can bind', async () => {
    const app = await testApp({ COMPUTEHUB_ADMINS: 'telegram:1001' });
    expect((await app.run('whoami', { actor: bob, channel: group })).reply.data).toMatchObject({ member: false });
    const byStranger = await app.run('org bind', { actor: bob, channel: group });
    expect(byStranger.outcome).toBe('denied');
    const bound = await app.run('org bind', { actor: alice, channel: group });
    expect(bound.outcome).toBe('ok');
    expect((await app.run('whoami', { actor: bob, channel: group })).reply.data).toMatchObject({ member: true, role: 'viewer' });
    expect((await app.run('org bind', { actor: alice, channel: aliceDm })).reply.text).toContain('works in a shared channel');
    expect((await app.run('org bind project=nope', { actor: alice, channel: group })).reply.text).toContain("There is no project 'nope'");
    expect((await app.run('org unbind', { actor: alice, channel: group })).outcome).toBe('ok');
    expect((await app.run('whoami', { actor: bob, channel: group })).reply.data).toMatchObject({ member: false });
    await app.close();
  });
});
