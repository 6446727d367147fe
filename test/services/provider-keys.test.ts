import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Channel } from '#core/command.ts';
import { startSimulator, type Simulator } from '#sim/index.ts';
import { testApp } from '#test/support/app.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';

const admin: Actor = { platform: 'telegram', userId: '5001', displayName: 'Ada' };
const dm: Channel = { platform: 'telegram', id: '5001', kind: 'direct' };
const group: Channel = { platform: 'telegram', id: '-5002', kind: 'shared' };

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 7, vastOffers: 200 });
});
afterAll(async () => {
  await sim.close();
});

/** The bot as a user runs it: the simulator serves orgs without keys, and provider URLs point at it too. */
function botApp() {
  return testApp(
    { COMPUTEHUB_ADMINS: 'telegram:5001', VAST_API_URL: sim.urls.vast, RUNPOD_API_URL: sim.urls.runpod, LAMBDA_API_URL: sim.urls.lambda, TENSORDOCK_API_URL: sim.urls.tensordock, HTTP_TIMEOUT_MS: '3000' },
    { simulatorUrls: sim.urls, providerTuning: { waitScale: 0.001, retries: 1 } },
  );
}

describe('provider keys from chat', () => {
  it('are verified with the provider, stored encrypted, shown masked, and end the simulator trial', async () => {
    const app = await botApp();
    expect(app.services.licence.status()).toMatchObject({ pro: true, source: 'simulator' });
    const added = await app.run(`provider add runpod ${TEST_SECRETS.runpodKey}`, { actor: admin, channel: dm });
    expect(added.outcome).toBe('ok');
    expect(added.reply.text).toContain('The key works');
    await app.services.db.flush();
    const file = readFileSync(path.join(app.dataDir, 'db.json'), 'utf8');
    expect(file).not.toContain(TEST_SECRETS.runpodKey);
    const list = await app.run('provider list', { actor: admin, channel: dm });
    const runpodRow = list.reply.table!.rows.find((row) => row[0] === 'runpod')!;
    expect(runpodRow[1]).toBe(`…${TEST_SECRETS.runpodKey.slice(-4)}`);
    expect(runpodRow[2]).toBe('added in chat');
    expect(JSON.stringify(list.reply)).not.toContain(TEST_SECRETS.runpodKey);
    expect(app.services.providers.forOrg('default').map((provider) => [provider.name, provider.mode])).toEqual([['runpod', 'real']]);
    expect(app.services.licence.status().pro).toBe(false);
    const keyUsed = sim.requests.filter((request) => request.provider === 'runpod').at(-1)!;
    expect(JSON.stringify(keyUsed)).not.toContain(TEST_SECRETS.runpodKey);
    expect((await app.run('provider test runpod', { actor: admin, channel: dm })).outcome).toBe('ok');
    expect((await app.run('provider remove runpod', { actor: admin, channel: dm })).outcome).toBe('ok');
    expect(app.services.providers.forOrg('default').every((provider) => provider.mode === 'simulated')).toBe(true);
    await app.close();
  });

  it('a key the provider refuses is not stored, and the reply says it was refused', async () => {
    const app = await botApp();
    const fault = sim.faults.add({ provider: 'vast', kind: 'auth' });
    const result = await app.run(`provider add vast ${TEST_SECRETS.vastKey}`, { actor: admin, channel: dm });
    sim.faults.clear(fault.id);
    expect(result.outcome).toBe('failed');
    expect(result.reply.text).toMatch(/refused|rejected|not accepted|invalid/i);
    expect(result.reply.text).not.toContain(TEST_SECRETS.vastKey);
    expect(app.services.db.data.providerKeys).toHaveLength(0);
    await app.close();
  });

  it('a key sent in a group is refused, not stored, and the message is marked for deletion', async () => {
    const app = await botApp();
    const result = await app.run(`provider add lambda ${TEST_SECRETS.lambdaKey}`, { actor: admin, channel: group });
    expect(result.outcome).toBe('denied');
    expect(result.deleteMessage).toBe(true);
    expect(result.reply.text).toContain('direct message');
    expect(app.services.db.data.providerKeys).toHaveLength(0);
    expect(sim.requests.some((request) => JSON.stringify(request).includes(TEST_SECRETS.lambdaKey))).toBe(false);
    await app.close();
  });
});
