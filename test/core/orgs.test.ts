// Several orgs in one install: who may create them, which org applies where, and that an admin of
// one org can neither see nor change another.
import { describe, expect, it } from 'vitest';
import type { Actor, Channel } from '#core/command.ts';
import { testApp, type TestApp } from '#test/support/app.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';

const person = (userId: string, displayName: string): { actor: Actor; channel: Channel } => ({
  actor: { platform: 'telegram', userId, displayName },
  channel: { platform: 'telegram', id: userId, kind: 'direct' },
});
const olga = person('1', 'Olga Operator');
const ann = person('2', 'Ann');
const ben = person('3', 'Ben');
const dana = person('4', 'Dana');
const group = (id: string): Channel => ({ platform: 'telegram', id, kind: 'shared' });
const in_ = (who: { actor: Actor }, channel: Channel) => ({ actor: who.actor, channel });

/** Olga runs the install; she creates acme (admin Ann) and beta (admin Ben). */
async function twoOrgs(dataDir?: string): Promise<TestApp> {
  const app = await testApp({ COMPUTEHUB_ADMINS: 'telegram:1', ...(dataDir && { COMPUTEHUB_DATA_DIR: dataDir }) });
  if (dataDir) return app;
  expect((await app.run('org create acme admin=telegram:2', olga)).outcome).toBe('ok');
  expect((await app.run('org create beta admin=telegram:3', olga)).outcome).toBe('ok');
  return app;
}

const orgOf = async (app: TestApp, who: { actor: Actor; channel: Channel }) => ((await app.run('whoami', who)).reply.data as { org?: string }).org;

describe('creating orgs', () => {
  it('is for operators only; the creator and the named admin become its admins', async () => {
    const app = await twoOrgs();
    const created = app.services.db.data.orgs.find((org) => org.name === 'acme')!;
    const admins = app.services.db.data.members.filter((member) => member.orgId === created.id).map((member) => `${member.platform}:${member.userId}:${member.role}`);
    expect(admins.sort()).toEqual(['telegram:1:admin', 'telegram:2:admin']);
    const byTeamAdmin = await app.run('org create gamma', ann);
    expect(byTeamAdmin.outcome).toBe('denied');
    expect(byTeamAdmin.reply.text).toContain('Only an operator');
    expect((await app.run('org create ACME', olga)).reply.text).toContain("An org named 'acme' exists already");
    expect((await app.run('org create default', olga)).reply.text).toContain('exists already');
    expect((await app.run('org create "no spaces"', olga)).reply.text).toContain('is not an org name');
    expect(app.services.db.data.orgs.map((org) => org.name)).toEqual(['Default', 'acme', 'beta']);
    // The new org's audit log starts with its creation, and the operator's own log records it too.
    const acmeLog = ((await app.run('audit --json', ann)).reply.data as { entries: { args: string; result: string }[] }).entries.reverse();
    expect(acmeLog.map((entry) => [entry.args, entry.result])).toEqual([
      ['org create acme admin=telegram:2', 'ok'],
      ['org create name=gamma', 'refused'],
    ]);
    const operatorLog = ((await app.run('audit --json', olga)).reply.data as { entries: { args: string }[] }).entries;
    expect(operatorLog.map((entry) => entry.args)).toContain('org create name=beta admin=telegram:3');
    await app.close();
  });

  it('the terminal is the local operator: it creates orgs, works in one with org use, and returns to the default', async () => {
    const app = await testApp();
    expect((await app.run('org create lab')).outcome).toBe('ok');
    expect((await app.run('whoami')).reply.data).toMatchObject({ org: 'Default', role: 'admin' });
    expect((await app.run('org use lab')).reply.text).toBe('You now work in org lab, as an admin.');
    expect((await app.run('project create vision')).outcome).toBe('ok');
    expect((await app.run('project list --json')).reply.data).toMatchObject({ projects: [{ name: 'default' }, { name: 'vision' }] });
    expect((await app.run('org use default')).outcome).toBe('ok');
    expect(((await app.run('project list --json')).reply.data as { projects: { name: string }[] }).projects.map((project) => project.name)).toEqual(['default']);
    await app.close();
  });
});

describe('which org applies', () => {
  it('in a direct message: the org chosen with org use, kept across a restart; whoami and org list show it', async () => {
    const app = await twoOrgs();
    await app.run('member add telegram:4 role=dev name=Dana', ann);
    await app.run('member add telegram:4 role=viewer name=Dana', ben);
    expect(await orgOf(app, dana)).toBe('acme');
    const listed = (await app.run('org list', dana)).reply.data as { orgs: { name: string; role: string; current: boolean }[] };
    expect(listed.orgs).toEqual([expect.objectContaining({ name: 'acme', role: 'dev', current: true }), expect.objectContaining({ name: 'beta', role: 'viewer', current: false })]);
    expect((await app.run('org use beta', dana)).outcome).toBe('ok');
    expect((await app.run('whoami', dana)).reply.data).toMatchObject({ org: 'beta', role: 'viewer' });
    await app.close();
    const again = await twoOrgs(app.dataDir);
    expect((await again.run('whoami', dana)).reply.fields).toContainEqual({ name: 'Your orgs', value: 'acme (dev), beta (viewer) · switch with: org use <name>' });
    expect(await orgOf(again, dana)).toBe('beta');
    await again.close();
  });

  it('in a bound channel: the channel’s org, whatever the person chose', async () => {
    const app = await twoOrgs();
    await app.run('member add telegram:4 role=dev', ann);
    await app.run('member add telegram:4 role=dev', ben);
    expect((await app.run('org bind', in_(ann, group('-10')))).reply.text).toContain('bound to org acme');
    await app.run('org use beta', dana);
    expect(await orgOf(app, in_(dana, group('-10')))).toBe('acme');
    const inChannel = await app.run('org use beta', in_(dana, group('-10')));
    expect(inChannel.reply.text).toContain('This channel stays bound to acme');
    await app.close();
  });

  it('org list shows only your own orgs, and org use never confirms another team’s org exists', async () => {
    const app = await twoOrgs();
    expect(((await app.run('org list', ann)).reply.data as { orgs: { name: string }[] }).orgs.map((org) => org.name)).toEqual(['acme']);
    const other = await app.run('org use beta', ann);
    const missing = await app.run('org use nowhere', ann);
    expect(other.outcome).toBe('failed');
    expect(other.reply.text).toBe("You are not a member of an org named 'beta'. Your orgs: acme.");
    expect(missing.reply.text).toBe("You are not a member of an org named 'nowhere'. Your orgs: acme.");
    await app.close();
  });
});

describe('admins of one org cannot touch another', () => {
  it('members, bindings and audit stay in their org', async () => {
    const app = await twoOrgs();
    expect((await app.run('org bind', in_(ben, group('-20')))).outcome).toBe('ok');
    // member add only ever adds to the org Ann works in.
    expect((await app.run('member add telegram:9 role=admin', ann)).reply.text).toBe('telegram:9 is now an admin of org acme.');
    expect(app.services.db.data.members.filter((member) => member.userId === '9').map((member) => member.orgId)).toEqual([app.services.db.data.orgs[1]!.id]);
    // In beta's channel Ann is a stranger, so a viewer there.
    for (const line of ['member add telegram:5 role=admin', 'member role telegram:3 viewer', 'member remove telegram:3', 'org unbind', 'org bind org=acme', 'project create ann-was-here']) {
      expect((await app.run(line, in_(ann, group('-20')))).outcome, line).toBe('denied');
    }
    expect((await app.run('audit', in_(ann, group('-20')))).outcome).toBe('denied');
    // Binding a free channel to an org she does not administer.
    const steal = await app.run('org bind org=beta', in_(ann, group('-30')));
    expect(steal.reply.text).toContain("You are not a member of an org named 'beta'");
    expect(app.services.db.data.channels.map((binding) => binding.channelId)).toEqual(['-20']);
    // Ben's audit log shows beta's changes and Ann's refused attempts in beta, nothing of acme.
    const entries = ((await app.run('audit limit=500 --json', ben)).reply.data as { entries: { args: string; actor: { userId: string }; result: string }[] }).entries;
    expect(entries.some((entry) => entry.args.includes('telegram:9'))).toBe(false);
    expect(entries.filter((entry) => entry.actor.userId === '2').every((entry) => entry.result === 'refused')).toBe(true);
    // Named by id when beta was created, Ben shows by his own name once he has used the bot.
    expect((await app.run('member list --json', ben)).reply.data).toMatchObject({ members: [{ userId: '1' }, { userId: '3', displayName: 'Ben' }] });
    await app.close();
  });

  it('rebinding a channel to another org needs admin rights in both', async () => {
    const app = await twoOrgs();
    await app.run('member add telegram:4 role=admin', ben);
    await app.run('org bind', in_(ann, group('-10')));
    // Dana administers beta but not acme: she may not take acme's channel.
    expect((await app.run('org bind org=beta', in_(dana, group('-10')))).outcome).toBe('denied');
    // Olga administers both.
    expect((await app.run('org bind org=beta', in_(olga, group('-10')))).reply.text).toContain('bound to org beta');
    await app.close();
  });

  it('the install-wide licence is changed by operators only, not by a team admin', async () => {
    const app = await twoOrgs();
    const result = await app.run('licence activate CH1.not.mine', ann);
    expect(result.outcome).toBe('denied');
    expect(result.reply.text).toContain('only an operator');
    expect(app.services.db.data.licence).toBeNull();
    await app.close();
  });

  it('keys in .env belong to the default org: a new org starts with none of them', async () => {
    const app = await testApp({ VAST_API_KEY: TEST_SECRETS.vastKey, VAST_API_URL: 'http://127.0.0.1:9' });
    await app.run('org create lab');
    await app.run('org use lab');
    const rows = (await app.run('provider list')).reply.table!.rows;
    expect(rows.find((row) => row[0] === 'vast')).toEqual(['vast', '—', 'not connected', '—', '—']);
    expect((await app.run('prices gpu=4090')).reply.text).toContain('No provider is set up for your org');
    expect(app.services.providers.forOrg('default').map((provider) => provider.source)).toEqual(['environment']);
    await app.close();
  });

  it('a team admin does not count as the install’s operator: the claim code still works', async () => {
    const app = await testApp();
    await app.run('org create acme admin=telegram:2');
    expect(app.services.claim.issueCode()).toBeDefined();
    await app.close();
  });
});
