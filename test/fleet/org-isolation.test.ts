// Two orgs in one bot, each with its own provider key, channel, instances and costs, both renting
// from the same simulated account: nothing of one is visible or actionable from the other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Channel } from '#core/command.ts';
import type { InstanceView } from '#domain/fleet.ts';
import { createCompletions } from '#services/completions.ts';
import { alertFacts } from '#services/alerts/alert-renderer.ts';
import { alertReply } from '#services/alerts/alert-reply.ts';
import type { Delivery } from '#domain/alerts/index.ts';
import { startSimulator, type Simulator } from '#sim/index.ts';
import { testApp, type TestApp } from '#test/support/app.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';
import { driveClock, liveMachines } from './world.ts';

const dm = (userId: string, displayName: string) => ({ actor: { platform: 'telegram', userId, displayName } as Actor, channel: { platform: 'telegram', id: userId, kind: 'direct' } as Channel });
const olga = dm('1', 'Olga Operator');
const ann = dm('2', 'Ann');
const ben = dm('3', 'Ben');
const dana = dm('4', 'Dana');
const acmeRoom: Channel = { platform: 'telegram', id: '-100', kind: 'shared' };
const betaRoom: Channel = { platform: 'telegram', id: '-200', kind: 'shared' };
const annKey = TEST_SECRETS.vastKey;
const benKey = TEST_SECRETS.tensordockToken;
const ASR_TEMPLATE =
  '{"id":"acme-asr","name":"Acme ASR","tier":"free","description":"ASR","image":"onerahmet/openai-whisper-asr-webservice:v1.6.0-gpu","ports":[{"port":9000,"protocol":"http","app":"ASR API","path":"/docs"}],"minVramGb":8,"minDiskGb":30}';

let sim: Simulator;
let app: TestApp;
let acmeId: string;
let betaId: string;

const drive = <T>(work: Promise<T>) => driveClock(sim, work);

const run = async (line: string, who: { actor: Actor; channel: Channel }) => {
  const result = await drive(app.run(line, who));
  expect(result.outcome, `${line}: ${result.reply.text ?? result.reply.title}`).not.toBe('failed');
  return result;
};
const as = (who: { actor: Actor }, channel: Channel) => ({ actor: who.actor, channel });
const records = (orgId: string) => app.services.db.data.instances.filter((record) => record.orgId === orgId);

beforeAll(async () => {
  sim = await startSimulator({ seed: 11, timeScale: 0, vastOffers: 300 });
  const now = () => new Date(sim.clock.now());
  app = await testApp(
    { COMPUTEHUB_ADMINS: 'telegram:1', VAST_API_URL: sim.urls.vast, RUNPOD_API_URL: sim.urls.runpod, LAMBDA_API_URL: sim.urls.lambda, TENSORDOCK_API_URL: sim.urls.tensordock, HTTP_TIMEOUT_MS: '5000' },
    { simulatorUrls: sim.urls, now, providerTuning: { waitScale: 0.001, retries: 1, now }, fleetTiming: { pollMs: 2 } },
  );
  await run('org create acme admin=telegram:2', olga);
  await run('org create beta admin=telegram:3', olga);
  [acmeId, betaId] = ['acme', 'beta'].map((name) => app.services.db.data.orgs.find((org) => org.name === name)!.id) as [string, string];
  await run('member add telegram:4 role=dev name=Dana', ann);
  await run('member add telegram:4 role=dev name=Dana', ben);
  await run(`provider add vast ${annKey}`, ann);
  await run(`provider add vast ${benKey}`, ben);
  await run('org bind', as(ann, acmeRoom));
  await run('org bind', as(ben, betaRoom));
  await run('project create secret-a', ann);
  await run(`template add '${ASR_TEMPLATE}'`, ann);
  await run('deploy gpu=4090 provider=vast template=pytorch name=acme-one --yes', as(ann, acmeRoom));
  await run('deploy gpu=4090 provider=vast template=pytorch name=acme-two --yes', as(ann, acmeRoom));
  await run('deploy gpu=4090 provider=vast template=pytorch name=beta-one --yes', as(ben, betaRoom));
  // An hour of running, so both orgs have costs.
  sim.clock.advance(3_600_000);
  await app.services.fleet.sync();
}, 60_000);

afterAll(async () => {
  await app?.close();
  await sim?.close();
});

describe('two orgs on one account', () => {
  it('each has its own i1; instances --json in beta’s channel shows beta’s machine only', async () => {
    expect(records(acmeId).map((record) => record.id)).toEqual(['i1', 'i2']);
    expect(records(betaId).map((record) => record.id)).toEqual(['i1']);
    // The simulated account holds all three machines, and beta's key lists them all.
    expect(liveMachines(sim, 'vast')).toHaveLength(3);
    const stranger = { actor: { platform: 'telegram', userId: '77', displayName: 'Guest' }, channel: betaRoom };
    for (const who of [as(ben, betaRoom), stranger]) {
      const listed = (await run('instances --json', who)).reply.data as { instances: InstanceView[] };
      expect(listed.instances.map((instance) => [instance.id, instance.name])).toEqual([['i1', 'beta-one']]);
    }
    const shown = JSON.stringify((await run('instances', as(ben, betaRoom))).reply);
    for (const record of records(acmeId)) expect(shown).not.toContain(record.providerInstanceId!);
    expect(shown).not.toContain('acme-');
    expect((await drive(app.run('ssh i2', as(ben, betaRoom)))).reply.text).toContain("There is no instance 'i2' in this org");
  });

  it('provider keys: each org sees and removes only its own', async () => {
    const list = JSON.stringify((await run('provider list', ben)).reply);
    expect(list).toContain(`…${benKey.slice(-4)}`);
    expect(list).not.toContain(`…${annKey.slice(-4)}`);
    await run('provider remove vast', ben);
    expect(app.services.db.data.providerKeys.map((key) => [key.orgId, key.keyHint])).toEqual([[acmeId, annKey.slice(-4)]]);
    expect(app.services.providers.forOrg(acmeId).map((provider) => provider.source)).toEqual(['chat']);
    await run(`provider add vast ${benKey}`, ben);
  });

  it('cost: beta’s report holds beta’s spend only', async () => {
    const ledger = (orgId: string) => app.services.db.data.ledger.filter((entry) => entry.orgId === orgId).reduce((sum, entry) => sum + entry.amountMicros, 0) / 1e6;
    expect(ledger(acmeId)).toBeGreaterThan(0);
    const report = (await run('cost by=user --json', as(ben, betaRoom))).reply.data as { totalUsd: number; groups: { name: string }[] };
    // Named admin by id at org create, Ben is shown by his own name since he used the bot.
    expect(report.groups.map((group) => group.name)).toEqual(['Ben']);
    expect(report.totalUsd).toBeCloseTo(ledger(betaId), 2);
    const byProject = (await run('cost by=project --json', as(ann, acmeRoom))).reply.data as { totalUsd: number; groups: { name: string }[] };
    expect(byProject.totalUsd).toBeCloseTo(ledger(acmeId), 2);
  });

  it('audit: each org’s log holds its own changes', async () => {
    const log = async (who: { actor: Actor; channel: Channel }) => ((await run('audit limit=500 --json', who)).reply.data as { entries: { command: string; actor: { userId: string } }[] }).entries;
    const beta = await log(ben);
    expect(beta.some((entry) => entry.actor.userId === '2')).toBe(false);
    expect(beta.filter((entry) => entry.command === 'deploy')).toHaveLength(1);
    const acme = await log(ann);
    expect(acme.some((entry) => entry.actor.userId === '3')).toBe(false);
    expect(acme.filter((entry) => entry.command === 'deploy')).toHaveLength(2);
  });

  it('autocomplete suggests the asker’s org’s instances, projects and templates only', async () => {
    const complete = createCompletions(app.services.db, app.services.identity);
    const inBeta = { actor: ben.actor, channel: betaRoom };
    expect(await complete('instance', '', inBeta)).toEqual(['i1']);
    expect(await complete('project', '', inBeta)).toEqual(['default']);
    expect(await complete('template', 'acme', inBeta)).toEqual([]);
    const inAcme = { actor: ann.actor, channel: acmeRoom };
    expect(await complete('instance', '', inAcme)).toEqual(['i1', 'i2']);
    expect(await complete('project', '', inAcme)).toEqual(['default', 'secret-a']);
    expect(await complete('template', 'acme', inAcme)).toEqual(['acme-asr']);
  });

  it('nobody in acme can act on beta’s machine from beta’s channel', async () => {
    for (const line of ['destroy i1 --yes', 'stop i1', 'batch destroy gpu=4090 --yes', 'deploy gpu=4090 provider=vast template=pytorch --yes']) {
      expect((await drive(app.run(line, as(ann, betaRoom)))).outcome, line).toBe('denied');
    }
    expect(records(betaId).every((record) => !record.destroyedAt)).toBe(true);
    expect(liveMachines(sim, 'vast')).toHaveLength(3);
  });

  it('a sync of beta never adopts acme’s machine whose create was not recorded yet', async () => {
    // As after a crash between the provider's create answer and saving it.
    const record = records(acmeId).find((candidate) => candidate.id === 'i2')!;
    const providerId = record.providerInstanceId;
    await app.services.db.update(() => {
      record.providerInstanceId = null;
      record.phase = 'provisioning';
    });
    await drive(app.services.fleet.sync([betaId]));
    expect(records(betaId).map((candidate) => candidate.id)).toEqual(['i1']);
    // acme's own resume finds it by its label again.
    await drive(app.services.fleet.sync([acmeId]).then(() => new Promise((resolve) => setTimeout(resolve, 300))));
    expect(record.providerInstanceId).toBe(providerId);
  });
});

describe('buttons', () => {
  it('a Confirm shown for acme’s i1, pressed after switching to beta, destroys nothing', async () => {
    const preview = await run('destroy i1', dana);
    expect(preview.reply.title).toContain('acme-one');
    const confirm = preview.reply.buttons!.find((button) => button.label === 'Confirm')!;
    await run('org use beta', dana);
    const pressed = await drive(app.run(confirm.command, dana));
    expect(['denied', 'failed']).toContain(pressed.outcome);
    expect(pressed.reply.kind).toBe('error');
    expect([...records(acmeId), ...records(betaId)].filter((record) => record.destroyedAt)).toEqual([]);
    expect(liveMachines(sim, 'vast')).toHaveLength(3);
    await run('org use acme', dana);
  });

  it('a Confirm shown in a channel bound to acme, pressed after the channel was bound to beta, destroys nothing', async () => {
    const room: Channel = { platform: 'telegram', id: '-300', kind: 'shared' };
    await run('org bind org=acme', as(olga, room));
    const preview = await run('destroy i1', as(olga, room));
    expect(preview.reply.title).toContain('acme-one');
    const confirm = preview.reply.buttons!.find((button) => button.label === 'Confirm')!;
    await run('org bind org=beta', as(olga, room));
    const pressed = await drive(app.run(confirm.command, as(olga, room)));
    expect(['denied', 'failed']).toContain(pressed.outcome);
    expect([...records(acmeId), ...records(betaId)].filter((record) => record.destroyedAt)).toEqual([]);
    expect(liveMachines(sim, 'vast')).toHaveLength(3);
  });

  it('an alert’s Stop button for acme’s i1 never stops beta’s i1, and stops acme’s where acme applies', async () => {
    const at = new Date(sim.clock.now()).toISOString();
    const idle: Delivery = {
      key: 'd1', groupKey: 'g1', orgId: acmeId, label: 'idle', status: 'firing', severity: 'warning', reason: 'new', edits: [], at,
      alerts: [{ key: 'a1', kind: 'idle', severity: 'warning', orgId: acmeId, instanceId: 'i1', status: 'firing', startsAt: at, message: 'i1 is idle.', shown: true }],
    };
    const stop = alertReply(idle, alertFacts(app.services, idle)).buttons!.find((button) => button.label === 'Stop i1')!;
    await run('org use beta', dana);
    const refused = await drive(app.run(stop.command, dana));
    expect(refused.outcome).toBe('denied');
    expect(refused.reply.text).toMatch(/shown for org acme; here org beta applies, so nothing was done/);
    expect(sim.requests.some((request) => request.endpoint === 'stop')).toBe(false);
    await run('org use acme', dana);
    const stopped = await run(stop.command, dana);
    expect(stopped.outcome).toBe('ok');
    const stops = sim.requests.filter((request) => request.endpoint === 'stop');
    expect(stops).toHaveLength(1);
    expect(records(acmeId).find((record) => record.id === 'i1')!.status).not.toBe('running');
    expect(records(betaId).find((record) => record.id === 'i1')!.status).toBe('running');
  });
});
