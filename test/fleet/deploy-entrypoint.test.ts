// Templates whose image starts its own program (vLLM, code-server) on RunPod: on-demand they come up
// with their app; spot (RunPod's GraphQL cannot replace an ENTRYPOINT) is refused with the reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceView } from '#domain/fleet.ts';
import { startWorld, type World } from './world.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld({ pro: true, providers: ['runpod'] });
});
afterAll(async () => world?.close());

describe('RunPod templates whose image sets an ENTRYPOINT', () => {
  for (const [template, port] of [['llama', 8000], ['vscode', 8080]] as const) {
    it(`${template} on-demand reaches ready with SSH and its app link`, async () => {
      const result = await world.run(`deploy gpu=4090 provider=runpod template=${template} disk=80 --yes`);
      expect(result.outcome, result.reply.text).toBe('ok');
      const instance = result.reply.data as InstanceView;
      expect(instance).toMatchObject({ provider: 'runpod', status: 'running', phase: 'ready' });
      expect(instance.ssh?.port).toBeGreaterThan(0);
      expect(instance.apps[0]?.url).toContain(`-${port}.proxy.runpod.net`);
    });
  }

  it('spot llama is refused, saying why and what to do, and nothing is left rented', async () => {
    const before = world.sim.market.instances('runpod').length;
    const result = await world.run('deploy gpu=4090 provider=runpod template=llama disk=80 bid=5 --yes');
    expect(result.outcome).toBe('failed');
    expect(result.reply.text).toMatch(/ENTRYPOINT/);
    expect(result.reply.text).toMatch(/on-demand \(without bid=\)/);
    expect(world.sim.market.instances('runpod')).toHaveLength(before);
  });
});
