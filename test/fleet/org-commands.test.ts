// Templates, projects, members and the deploy's live progress, through the command registry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '#core/reply.ts';
import type { InstanceView } from '#domain/fleet.ts';
import { LOCAL_ACTOR, LOCAL_CHANNEL } from '#core/command.ts';
import { startWorld, type World } from './world.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld({ providers: ['vast', 'runpod'] });
});
afterAll(async () => world?.close());

describe('deploy progress', () => {
  it('edits one message from requested to ready, then ends with SSH, ports and app URLs', async () => {
    const updates: Reply[] = [];
    const result = await world.drive(
      world.app.services.commands.execute({ line: 'deploy gpu=4090 provider=runpod template=jupyter --yes', actor: LOCAL_ACTOR, channel: LOCAL_CHANNEL }, async (update) => {
        updates.push(update);
      }),
    );
    const current = updates.map((update) => update.text!.split('\n').find((line) => line.startsWith('…')) ?? 'done');
    const order = ['… Requested', '… Provisioning the machine', '… Pulling the image and starting', '… Running, waiting for SSH', 'done'];
    expect(current[0]).toBe('… Requested');
    expect(current.at(-1)).toBe('done');
    expect(new Set(current).size).toBeGreaterThanOrEqual(3);
    // Always forward, never back.
    expect(current.map((step) => order.indexOf(step))).toEqual(current.map((step) => order.indexOf(step)).sort());
    expect(result.reply.kind).toBe('success');
    expect(result.reply.title).toMatch(/^i1 is ready: 1× RTX 4090 on runpod, \$\d+\.\d+\/h$/);
    expect(result.reply.code).toMatch(/^ssh /);
    expect(result.reply.fields?.find((field) => field.name === 'Apps')?.value).toMatch(/Jupyter: https:\/\/\S+-8888\.proxy\.runpod\.net\/lab\?token=/);
  });
});

describe('templates', () => {
  it('lists the shipped templates, locking Pro ones without a licence', async () => {
    const result = await world.run('template list');
    const rows = Object.fromEntries(result.reply.table!.rows.map((row) => [row[0], row[2]]));
    expect(rows).toMatchObject({ pytorch: 'free', jupyter: 'free', custom: 'free', comfyui: 'Pro (locked)', vscode: 'Pro (locked)' });
  });

  it('adds a validated org template, deploys from it, and removes it', async () => {
    const bad = await world.run(`template add '{"id":"whisper","name":"Whisper","tier":"free","description":"ASR","image":"x:latest","ports":[],"minVramGb":8,"minDiskGb":30}'`);
    expect(bad.outcome).toBe('failed');
    expect(bad.reply.text).toMatch(/pin a version tag/);
    const json = '{"id":"whisper","name":"Whisper","tier":"free","description":"ASR","image":"onerahmet/openai-whisper-asr-webservice:v1.6.0-gpu","ports":[{"port":9000,"protocol":"http","app":"ASR API","path":"/docs"}],"minVramGb":8,"minDiskGb":30}';
    expect((await world.run(`template add '${json}'`)).outcome).toBe('ok');
    expect((await world.run('template show whisper')).reply.title).toBe('Whisper (whisper, free)');
    world.sim.requests.length = 0;
    const deployed = await world.run('deploy gpu=4090 provider=vast template=whisper --yes');
    expect((deployed.reply.data as InstanceView).apps[0]?.url).toMatch(/^http:\/\/\S+:\d+\/docs$/);
    expect(JSON.stringify(world.sim.requests.find((request) => request.endpoint === 'create')!.body)).toContain('onerahmet/openai-whisper-asr-webservice:v1.6.0-gpu');
    expect((await world.run('template remove whisper')).outcome).toBe('ok');
    expect((await world.run('template remove pytorch')).reply.text).toMatch(/built-in/);
  });

  it('custom without an image says how to name one', async () => {
    const result = await world.run('deploy gpu=4090 template=custom --yes');
    expect(result.outcome).toBe('usage');
    expect(result.reply.text).toMatch(/add image=/);
  });
});

describe('projects and members', () => {
  it('creates and uses a project: new deploys belong to it, and instances filter by it', async () => {
    expect((await world.run('project create ml-team')).outcome).toBe('ok');
    expect((await world.run('project create ml-team')).reply.text).toMatch(/exists already/);
    expect((await world.run('project use ml-team')).outcome).toBe('ok');
    const deployed = (await world.run('deploy gpu=4090 provider=vast template=pytorch --yes')).reply.data as InstanceView;
    expect(deployed.project).toBe('ml-team');
    const listed = (await world.run('instances project=ml-team --json')).reply.data as { instances: InstanceView[] };
    expect(listed.instances.map((instance) => instance.id)).toEqual([deployed.id]);
    const projects = (await world.run('project list')).reply.table!.rows;
    expect(projects).toContainEqual(['ml-team', '1', '← current']);
    const cost = (await world.run('cost by=project --json')).reply.data as { groups: { name: string }[] };
    expect(cost.groups.map((group) => group.name).sort()).toEqual(['default', 'ml-team']);
  });

  it('adds members with roles, changes and removes them, and keeps the last admin', async () => {
    expect((await world.run('member add telegram:42 role=admin name=Ana')).outcome).toBe('ok');
    expect((await world.run('member add discord:7 name=Bo')).reply.text).toBe('Bo is now a dev of org Default.');
    expect((await world.run('member role discord:7 viewer')).reply.text).toBe('Bo is now a viewer.');
    expect((await world.run('member role telegram:42 dev')).reply.text).toMatch(/only admin/);
    expect((await world.run('member add slack:U1 role=root')).outcome).toBe('usage');
    expect((await world.run('member remove discord:7')).outcome).toBe('ok');
    const rows = (await world.run('member list')).reply.table!.rows;
    expect(rows).toEqual([['telegram:42', 'Ana', 'admin']]);
    const dev = { actor: { platform: 'telegram', userId: '42', displayName: 'Ana' }, channel: { platform: 'telegram', id: '42', kind: 'direct' as const } };
    expect((await world.run('member add telegram:43', dev)).outcome).toBe('ok');
  });
});
