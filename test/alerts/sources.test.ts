// Alerts from beyond the automation, against the simulator on a driven clock: a deploy's outcome
// reaches the org's channel (not only the person who asked), a provider refusing the key is told
// once a day, and a licence a week from its end is announced.
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_ACTOR, type Channel } from '#core/command.ts';
import { signLicence } from '#services/licence.ts';
import { testLicenceKeys, testApp, type TestApp } from '#test/support/app.ts';
import { startWorld, type World } from '#test/fleet/world.ts';
import { clock, RecordingChat, tickFor } from './support.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';

const TEAM: Channel = { platform: 'slack', id: 'C0ALERTS', kind: 'shared' };

let world: World | undefined;
let app: TestApp | undefined;
afterEach(async () => {
  await world?.close();
  await app?.close();
  world = undefined;
  app = undefined;
});

async function alertTicks(w: World, ms: number): Promise<void> {
  for (let passed = 0; passed < ms; passed += 5_000) {
    w.sim.clock.advance(5_000);
    await w.app.services.alerts.tick();
  }
}

describe('alerts from deploys, provider keys and the licence', () => {
  it('a deploy that becomes ready is told in the team channel; a refused provider key once a day', async () => {
    world = await startWorld({ pro: true, providers: ['vast'] });
    const chat = new RecordingChat();
    world.app.services.alerts.setChatSender(chat);
    expect((await world.run('notify add here', { actor: LOCAL_ACTOR, channel: TEAM })).outcome).toBe('ok');
    const deployed = await world.run('deploy gpu=4090 provider=vast template=pytorch --yes');
    expect(deployed.outcome, deployed.reply.text).toBe('ok');
    await alertTicks(world, 35_000);
    expect(chat.posts.map((post) => post.message.title)).toEqual([expect.stringMatching(/^Deploy ready: i1 \(.+\)$/)]);
    expect(chat.posts[0]!.channel).toEqual({ platform: 'slack', id: TEAM.id });
    expect(chat.posts[0]!.message.text).toMatch(/^i1 \(.+\) is ready \(RTX 4090, vast, \$[\d.]+\/h\)\.$/);

    world.sim.faults.add({ provider: 'vast', kind: 'auth' });
    for (let sync = 0; sync < 3; sync++) {
      await world.app.services.alerts.afterSync(await world.app.services.fleet.sync());
      await alertTicks(world, 60_000);
    }
    expect(chat.posts.map((post) => post.message.title)).toEqual([expect.stringMatching(/^Deploy ready: i1/), 'Provider key failing']);
    expect(chat.posts[1]!.message.text).toContain('vast refused the API key');
  });

  it('a licence ending within 7 days is announced, once that day', async () => {
    const keys = testLicenceKeys();
    const time = clock();
    const expiresAt = new Date(time.nowMs + 3 * 86_400_000).toISOString();
    const key = signLicence({ v: 1, id: 'lic-ending', licensee: 'Alerts tests', features: ['pro'], issuedAt: '2026-01-01T00:00:00.000Z', expiresAt }, keys.privateKey);
    app = await testApp({ COMPUTEHUB_LICENCE_KEY: key, VAST_API_KEY: TEST_SECRETS.vastKey }, { now: () => new Date(time.nowMs), licencePublicKey: keys.publicKey });
    const chat = new RecordingChat();
    app.services.alerts.setChatSender(chat);
    expect((await app.run('notify add here', { actor: LOCAL_ACTOR, channel: TEAM })).outcome).toBe('ok');
    await tickFor(app, time, 3_600_000, 30_000);
    expect(chat.posts.map((post) => post.message.title)).toEqual(['Licence expiring']);
    expect(chat.posts[0]!.message.text).toContain(`expires on ${expiresAt.slice(0, 10)} (in 3 days)`);
  });
});
