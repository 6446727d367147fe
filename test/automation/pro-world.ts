// A simulated world with Pro on for each test, closed after it, and a machine deployed in it.
import { afterEach, expect } from 'vitest';
import type { InstanceView } from '#domain/fleet.ts';
import { startWorld, type World } from '#test/fleet/world.ts';

type WorldOptions = Omit<NonNullable<Parameters<typeof startWorld>[0]>, 'pro'>;

export function proWorlds() {
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });
  const start = async (options: WorldOptions = {}): Promise<World> => {
    world = await startWorld({ pro: true, ...options });
    return world;
  };
  const withInstance = async (): Promise<{ w: World; instance: InstanceView }> => {
    const w = await start();
    const result = await w.run('deploy gpu=4090 provider=runpod template=pytorch --yes');
    expect(result.outcome, result.reply.text).toBe('ok');
    return { w, instance: result.reply.data as InstanceView };
  };
  return { start, withInstance };
}
