// App secrets (Jupyter token, vLLM API key, code-server password) reach devs and admins only, and only
// privately; viewers see links without them, in replies and in --json. They are sealed in the store.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Channel } from '#core/command.ts';
import type { Reply } from '#core/reply.ts';
import type { InstanceView } from '#domain/fleet.ts';
import { startWorld, type World } from './world.ts';

let world: World;
const secrets: Record<string, string> = {};

const who = (userId: string, kind: Channel['kind']): { actor: Actor; channel: Channel } => ({
  actor: { platform: 'telegram', userId, displayName: `user ${userId}` },
  channel: { platform: 'telegram', id: kind === 'direct' ? userId : '-100777', kind },
});
const VIEWER_DM = who('555', 'direct');
const DEV_DM = who('666', 'direct');
const DEV_GROUP = who('666', 'shared');

const field = (reply: Reply, name: string) => reply.fields?.find((candidate) => candidate.name === name)?.value;
const createEnv = (index: number) => JSON.stringify(world.sim.requests.filter((request) => request.endpoint === 'create')[index]?.body);

beforeAll(async () => {
  world = await startWorld({ pro: true, providers: ['vast'] });
  for (const template of ['jupyter', 'llama', 'vscode']) {
    const result = await world.run(`deploy gpu=4090 template=${template} disk=80 --yes`);
    expect(result.outcome, result.reply.text).toBe('ok');
    // The deployer (the local admin, in its own terminal) gets the secret with the ready answer.
    secrets[template] = (result.reply.data as { appSecret: string }).appSecret;
    expect(field(result.reply, 'App secret')).toContain(secrets[template]);
  }
  expect((await world.run('member add telegram:555 role=viewer name=Vic')).outcome).toBe('ok');
  expect((await world.run('member add telegram:666 role=dev name=Dee')).outcome).toBe('ok');
});
afterAll(async () => world?.close());

describe('app secrets', () => {
  it('each template got its own secret, which is what the provider was told to protect the app with', () => {
    expect(new Set(Object.values(secrets)).size).toBe(3);
    expect(createEnv(0)).toContain(secrets.jupyter);
    expect(createEnv(1)).toContain(secrets.llama);
    expect(createEnv(2)).toContain(secrets.vscode);
  });

  it('a viewer gets links without the token, in the reply and in --json, and is told where the secret goes', async () => {
    for (const line of ['ssh i1', 'ssh i1 --json', 'instances', 'instances --json', 'ssh i2', 'ssh i3']) {
      const result = await world.run(line, VIEWER_DM);
      expect(result.outcome, line).toBe('ok');
      const everything = JSON.stringify(result.reply);
      for (const secret of Object.values(secrets)) expect(everything, line).not.toContain(secret);
    }
    const ssh = (await world.run('ssh i1', VIEWER_DM)).reply;
    expect(field(ssh, 'Apps')).toMatch(/^Jupyter: https?:\/\/\S+\/lab$/);
    expect(ssh.footer).toMatch(/app secret goes to devs and admins privately/);
    expect(ssh.privateReply).toBeUndefined();
  });

  it('a dev in a direct message gets the secret of every template, named for how the app reads it', async () => {
    const jupyter = (await world.run('ssh i1', DEV_DM)).reply;
    expect(field(jupyter, 'Apps')).toMatch(new RegExp(`/lab\\?token=${secrets.jupyter}$`));
    const llama = (await world.run('ssh i2', DEV_DM)).reply;
    expect(field(llama, 'App secret')).toBe(`${secrets.llama} (the app reads it as VLLM_API_KEY)`);
    const vscode = (await world.run('ssh i3 --json', DEV_DM)).reply;
    expect(vscode.data).toMatchObject({ appSecret: secrets.vscode, appSecretVariables: ['PASSWORD'] });
  });

  it('a dev in a shared channel gets a secret-free answer there and the secret as a private reply', async () => {
    const answer = (await world.run('ssh i2', DEV_GROUP)).reply;
    const { privateReply, ...shown } = answer;
    expect(JSON.stringify(shown)).not.toContain(secrets.llama);
    expect(shown.footer).toMatch(/sent you the app secret privately/);
    expect(privateReply?.ephemeral).toBe(true);
    expect(field(privateReply!, 'App secret')).toContain(secrets.llama);
  });

  it('a dev deploying in a shared channel gets the ready answer there without the secret, and the secret privately', async () => {
    const result = await world.run('deploy gpu=4090 template=vscode --yes', DEV_GROUP);
    expect(result.outcome, result.reply.text).toBe('ok');
    const { privateReply, ...shown } = result.reply;
    const secret = (privateReply?.data as { appSecret: string }).appSecret;
    expect(secret).toMatch(/^[a-z0-9]{20}$/);
    expect(JSON.stringify(shown)).not.toContain(secret);
    expect(shown.title).toMatch(/is ready/);
    expect(privateReply?.ephemeral).toBe(true);
    expect(JSON.stringify(world.sim.requests.filter((request) => request.endpoint === 'create').at(-1)?.body)).toContain(secret);
  });

  it('a viewer listing instances calls no provider and says how old the list is', async () => {
    await world.drive(world.app.services.fleet.sync());
    const before = world.sim.requests.length;
    const listed = await world.run('instances --json', VIEWER_DM);
    expect(world.sim.requests.length).toBe(before);
    expect((listed.reply.data as { instances: InstanceView[]; lastSync: string }).lastSync).toMatch(/^\d{4}-/);
    expect((await world.run('instances', VIEWER_DM)).reply.footer).toMatch(/^As of the last sync, \d+ s ago/);
    await world.run('instances', DEV_DM);
    expect(world.sim.requests.length).toBeGreaterThan(before);
  });

  it('the store holds app secrets and the licence key sealed, never in clear', async () => {
    await world.app.services.db.flush();
    const file = readFileSync(path.join(world.dataDir, 'db.json'), 'utf8');
    for (const secret of Object.values(secrets)) expect(file).not.toContain(secret);
    expect(file).toMatch(/"appSecretSealed": "enc:v1:/);
  });
});
