// The monitoring tests' fleet: instances deployed on the simulator, then synced at a steady interval
// on the driven clock so the metrics series and the ledger fill as a running bot would fill them.
import { expect } from 'vitest';
import type { InstanceView } from '#domain/fleet.ts';
import type { World } from '#test/fleet/world.ts';

export async function deploy(w: World, provider: string, gpu: string, extra = ''): Promise<InstanceView> {
  const result = await w.run(`deploy gpu=${gpu} provider=${provider} template=pytorch ${extra} --yes`);
  expect(result.outcome, result.reply.text).toBe('ok');
  return result.reply.data as InstanceView;
}

/** `count` syncs `everyMs` apart, each followed by the automation's evaluation, as the scheduler runs them. */
export async function syncEvery(w: World, everyMs: number, count: number): Promise<void> {
  const { services } = w.app;
  for (let index = 0; index < count; index++) {
    w.sim.clock.advance(everyMs);
    await services.automation.afterSync(await services.fleet.sync());
  }
}
