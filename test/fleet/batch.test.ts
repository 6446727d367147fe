// Batch operations (Pro): one confirmation for the whole set, a result per instance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceView } from '#domain/fleet.ts';
import type { BatchResult } from '#services/fleet/batch.ts';
import { liveMachines, startWorld, type World } from './world.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld({ pro: true, providers: ['vast', 'runpod', 'lambda'] });
  for (const line of ['deploy gpu=4090 provider=vast template=pytorch', 'deploy gpu=4090 provider=runpod template=pytorch', 'deploy gpu=a10 provider=lambda template=pytorch']) {
    expect((await world.run(`${line} --yes`)).outcome).toBe('ok');
  }
});
afterAll(async () => world?.close());

const results = (data: unknown) => (data as { results: BatchResult[] }).results;

describe('batch', () => {
  it('asks once for the whole selected set, then reports each instance', async () => {
    const ask = await world.run('batch stop gpu=4090');
    expect(ask.outcome).toBe('confirm');
    expect(ask.reply.title).toBe('Stop 2 instances (gpu 4090)?');
    expect(ask.reply.table?.rows.map((row) => row[0])).toEqual(['i1', 'i2']);
    const done = await world.run(ask.reply.buttons![0]!.command);
    expect(results(done.reply.data).map((result) => [result.id, result.ok])).toEqual([['i1', true], ['i2', true]]);
    const listed = (await world.run('instances --json')).reply.data as { instances: InstanceView[] };
    expect(listed.instances.filter((instance) => instance.status === 'stopped' || instance.status === 'stopping').map((instance) => instance.id)).toEqual(['i1', 'i2']);
  });

  it('reports per instance what a provider cannot do', async () => {
    const done = await world.run('batch stop i3 --yes');
    expect(done.reply.kind).toBe('warning');
    expect(results(done.reply.data)[0]).toMatchObject({ id: 'i3', ok: false, message: expect.stringMatching(/Lambda cannot stop/) });
  });

  it('never means "everything" without a selector', async () => {
    const result = await world.run('batch destroy --yes');
    expect(result.outcome).toBe('usage');
    expect(liveMachines(world.sim)).toHaveLength(3);
  });

  it('apply-template replaces each machine with the template on the same provider and GPU', async () => {
    const done = await world.run('batch apply-template i3 template=jupyter --yes');
    const [result] = results(done.reply.data);
    expect(result).toMatchObject({ id: 'i3', ok: true, replacedBy: 'i4' });
    // Whoever asked (here in their own terminal) gets the replacement's Jupyter token with the result.
    const token = (done.reply.data as { appSecret: string }).appSecret;
    expect(done.reply.fields?.find((field) => field.name === 'Apps')?.value).toBe(`Jupyter: http://localhost:8888/lab?token=${token}`);
    const replacement = (await world.run('ssh i4')).reply.data as InstanceView;
    expect(replacement).toMatchObject({ provider: 'lambda', gpu: 'A10', template: 'jupyter', status: 'running' });
    expect(liveMachines(world.sim, 'lambda')).toHaveLength(1);
  });

  it('destroys a selected set by status', async () => {
    const done = await world.run('batch destroy status=stopped --yes');
    expect(results(done.reply.data).map((result) => result.id)).toEqual(['i1', 'i2']);
    expect(liveMachines(world.sim, 'vast')).toHaveLength(0);
    expect(liveMachines(world.sim, 'runpod')).toHaveLength(0);
  });

  it('with a licence, Pro templates deploy', async () => {
    const result = await world.run('deploy gpu=4090 provider=vast template=comfyui --yes');
    expect(result.outcome).toBe('ok');
    expect((result.reply.data as InstanceView).apps[0]?.app).toBe('ComfyUI');
  });
});

describe('batch without a licence', () => {
  it('is refused as a Pro feature', async () => {
    const free = await startWorld({ providers: ['vast'] });
    try {
      const result = await free.run('batch stop i1 --yes');
      expect(result.outcome).toBe('denied');
      expect(result.reply.text).toMatch(/Pro feature/);
    } finally {
      await free.close();
    }
  });
});
