import { describe, expect, it } from 'vitest';
import { defineCommand, opt } from '#core/command.ts';
import type { Actor, Channel } from '#core/command.ts';
import { signLicence } from '#services/licence.ts';
import { testApp, testLicenceKeys } from '#test/support/app.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';

const viewer: Actor = { platform: 'slack', userId: 'U-VIEW', displayName: 'Vera Viewer' };
const admin: Actor = { platform: 'slack', userId: 'U-ADMIN', displayName: 'Ada Admin' };
const room: Channel = { platform: 'slack', id: 'C-TEAM', kind: 'shared' };
const direct: Channel = { platform: 'slack', id: 'D-1', kind: 'direct' };

const proReport = defineCommand({
  name: 'pro-report',
  summary: 'A Pro command used by these tests',
  examples: ['pro-report'],
  options: {},
  role: 'viewer',
  mutating: false,
  tier: 'pro',
  run: () => ({ kind: 'success', text: 'pro report ready' }),
});

const storeKey = defineCommand({
  name: 'store-key',
  summary: 'A direct-message-only command carrying a secret',
  examples: ['store-key abc'],
  options: { key: opt.string('the secret', { required: true, positional: true, secret: true }) },
  role: 'admin',
  mutating: true,
  tier: 'free',
  directOnly: true,
  run: () => ({ kind: 'success', text: 'stored' }),
});

/** An app with a real provider key configured, so Pro is not unlocked by the simulator trial. */
async function teamApp(extra: Record<string, string> = {}, licencePublicKey?: string, now?: () => Date) {
  const app = await testApp({ VAST_API_KEY: TEST_SECRETS.vastKey, COMPUTEHUB_ADMINS: `slack:${admin.userId}`, ...extra }, { commands: [proReport, storeKey], licencePublicKey, ...(now && { now }) });
  await app.services.db.update((data) => {
    data.members.push({ orgId: 'default', platform: 'slack', userId: viewer.userId, displayName: viewer.displayName, role: 'viewer', addedAt: new Date().toISOString() });
    data.channels.push({ platform: 'slack', channelId: room.id, orgId: 'default', projectId: 'default', boundAt: new Date().toISOString(), boundBy: 'test' });
  });
  return app;
}

describe('roles', () => {
  it('refuses every mutating command to a viewer, and audits each refusal', async () => {
    // One command every two seconds keeps the viewer inside the per-person rate limit.
    let clock = Date.now();
    const app = await teamApp({}, undefined, () => new Date(clock));
    const mutating = app.services.commands.definitions().filter((definition) => definition.mutating);
    expect(mutating.length).toBeGreaterThan(0);
    for (const definition of mutating) {
      clock += 2_000;
      const result = await app.run(definition.examples[0]!, { actor: viewer, channel: definition.directOnly ? direct : room });
      expect(result.outcome, definition.name).toBe('denied');
      expect(result.reply.text).toMatch(/needs the (dev|admin) role; you are a viewer/);
    }
    const refusals = (await app.services.db.series.audit.series.list()).filter((entry) => entry.actor.userId === viewer.userId);
    expect(refusals.map((entry) => entry.command).sort()).toEqual(mutating.map((definition) => definition.name).sort());
    expect(refusals.every((entry) => entry.result === 'refused')).toBe(true);
    await app.close();
  });

  it('lets an admin run them, and audits each success', async () => {
    const keys = testLicenceKeys();
    const app = await teamApp({}, keys.publicKey);
    const licence = signLicence({ v: 1, id: 'lic-t1', licensee: 'Test Team', features: ['pro'], issuedAt: new Date().toISOString() }, keys.privateKey);
    const activation = await app.run(`licence activate ${licence}`, { actor: admin, channel: direct });
    expect(activation.outcome).toBe('ok');
    const stored = await app.run(`store-key ${TEST_SECRETS.runpodKey}`, { actor: admin, channel: direct });
    expect(stored.outcome).toBe('ok');
    const audit = (await app.services.db.series.audit.series.list()).filter((entry) => entry.actor.userId === admin.userId);
    expect(audit.map((entry) => [entry.command, entry.result])).toEqual([
      ['licence activate', 'ok'],
      ['store-key', 'ok'],
    ]);
    expect(JSON.stringify(audit)).not.toContain(TEST_SECRETS.runpodKey);
    expect(audit[1]!.args).toBe('store-key key=***');
    await app.close();
  });

  it('gives strangers viewer rights only where an admin bound the channel', async () => {
    const app = await teamApp();
    const stranger: Actor = { platform: 'slack', userId: 'U-NEW', displayName: 'New Person' };
    expect((await app.run('whoami', { actor: stranger, channel: room })).reply.data).toMatchObject({ member: true, role: 'viewer' });
    const unbound = await app.run('audit', { actor: stranger, channel: { platform: 'slack', id: 'C-OTHER', kind: 'shared' } });
    expect(unbound.outcome).toBe('denied');
    expect(unbound.reply.text).toContain('not a member');
    await app.close();
  });

  it('refuses a secret-carrying command in a shared channel before reading it, and asks for deletion', async () => {
    const app = await teamApp();
    const result = await app.run(`store-key ${TEST_SECRETS.lambdaKey}`, { actor: admin, channel: room });
    expect(result.outcome).toBe('denied');
    expect(result.deleteMessage).toBe(true);
    expect(result.reply.text).toContain('only works in a direct message');
    expect(JSON.stringify(app.services.db.data)).not.toContain(TEST_SECRETS.lambdaKey);
    await app.close();
  });
});

describe('the Pro licence', () => {
  const issued = new Date('2026-06-01T00:00:00Z').toISOString();

  it('refuses a Pro command without a licence, saying what Pro adds and how to activate', async () => {
    const app = await teamApp();
    const result = await app.run('pro-report', { actor: admin, channel: direct });
    expect(result.outcome).toBe('denied');
    expect(result.reply.text).toContain("'pro-report' is a Pro feature. No Pro licence is active.");
    expect(result.reply.text).toContain('crash detection with auto-restart');
    expect(result.reply.text).toContain('licence activate <key>');
    await app.close();
  });

  it('refuses a forged, an altered, an expired and a garbage key, each with its own reason', async () => {
    const ours = testLicenceKeys();
    const theirs = testLicenceKeys();
    const app = await teamApp({}, ours.publicKey);
    const forged = signLicence({ v: 1, id: 'lic-f', licensee: 'Mallory', features: ['pro'], issuedAt: issued }, theirs.privateKey);
    const genuine = signLicence({ v: 1, id: 'lic-g', licensee: 'Alice', features: ['pro'], issuedAt: issued }, ours.privateKey);
    const [prefix, body, signature] = genuine.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const altered = [prefix, Buffer.from(JSON.stringify({ ...payload, licensee: 'Mallory' })).toString('base64url'), signature].join('.');
    const expired = signLicence({ v: 1, id: 'lic-e', licensee: 'Alice', features: ['pro'], issuedAt: issued, expiresAt: '2026-07-01T00:00:00Z' }, ours.privateKey);
    const problems: string[] = [];
    for (const key of [forged, altered, expired, 'not-a-licence']) {
      const result = await app.run(`licence activate ${key}`);
      expect(result.outcome).toBe('failed');
      problems.push((result.reply.data as { problem: string }).problem);
    }
    expect(problems).toEqual(['signature', 'signature', 'expired', 'malformed']);
    expect((await app.run(`licence activate ${expired}`)).reply.text).toContain('expired on 2026-07-01');
    expect((await app.run('licence activate not-a-licence')).reply.text).toContain('not a ComputeHub licence key');
    expect((await app.run('pro-report')).outcome).toBe('denied');
    await app.close();
  });

  it('a valid key unlocks a Pro command, and licence status shows it', async () => {
    const keys = testLicenceKeys();
    const app = await teamApp({}, keys.publicKey);
    const key = signLicence({ v: 1, id: 'lic-ok', licensee: 'Acme AI', features: ['pro'], issuedAt: issued, expiresAt: '2030-01-01T00:00:00Z' }, keys.privateKey);
    expect((await app.run(`license activate ${key}`)).outcome).toBe('ok');
    expect((await app.run('pro-report')).reply.text).toBe('pro report ready');
    const status = await app.run('licence status');
    expect(status.reply.title).toBe('Pro licence active');
    expect(status.reply.fields).toContainEqual({ name: 'Licensee', value: 'Acme AI', inline: true });
    await app.close();
  });

  it('is unlocked for trying out while every provider is the simulator, and says so', async () => {
    const app = await testApp({}, { commands: [proReport] });
    expect((await app.run('pro-report')).outcome).toBe('ok');
    expect((await app.run('licence status')).reply.title).toBe('Pro unlocked for the simulator');
    await app.close();
  });
});
