// The watch under a seeded storm of 200 faults against the simulator on a driven clock: crashes,
// hosts gone, outbid interruptibles, and 429s or hung requests on top of a crash. Faults come a few
// at a time every 30 simulated minutes (the org's budget of 20 automatic actions an hour holds);
// after each round at least 99 % of the watches are running again, and after every evaluation no
// watch has two machines at the provider.
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderName } from '#providers/types.ts';
import { createRandom } from '#sim/random.ts';
import { adapterFor } from '#test/contract/harness.ts';
import { liveMachines, startWorld, type World } from '#test/fleet/world.ts';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const FAULTS = 200;
const PER_ROUND = 5;
const ROUND_MS = 30 * 60_000;
const SYNC_MS = 60_000;
const MAX_SYNCS_PER_ROUND = 12;

const FLEET: { provider: ProviderName; bid?: number }[] = [
  { provider: 'vast' },
  { provider: 'vast', bid: 2 },
  { provider: 'runpod' },
  { provider: 'runpod', bid: 2 },
  { provider: 'tensordock' },
  { provider: 'tensordock' },
];

type FaultKind = 'crash' | 'hostGone' | 'outbid' | 'rateLimit' | 'hang';

async function tick(w: World): Promise<void> {
  const { services } = w.app;
  w.sim.clock.advance(SYNC_MS);
  await w.drive(
    (async () => {
      await services.automation.afterSync(await services.fleet.sync());
      await services.automation.settle();
    })(),
  );
}

/** The watch's machine, when it is running at the provider and the watch is at rest. */
function recovered(w: World, index: number): boolean {
  const watch = w.app.services.db.data.automation.watches[index];
  const record = watch && w.app.services.db.data.instances.find((candidate) => candidate.id === watch.instanceId);
  if (!watch || watch.state !== 'ok' || !record?.providerInstanceId || record.destroyedAt) return false;
  return w.sim.market.instance(record.provider, record.providerInstanceId)?.status === liveStatus(record.provider);
}

const liveStatus = (provider: ProviderName) => ({ vast: 'running', runpod: 'RUNNING', lambda: 'active', tensordock: 'running' })[provider];

describe('watch soak', () => {
  it('200 random faults end with at least 99 % recovered and never two machines for one watch', async () => {
    world = await startWorld({ pro: true, seed: 11, providers: ['vast', 'runpod', 'tensordock'] });
    const w = world;
    for (const { provider, bid } of FLEET) {
      const deployed = await w.run(`deploy gpu=4090 provider=${provider} template=pytorch${bid ? ` bid=${bid}` : ''} --yes`);
      expect(deployed.outcome, deployed.reply.text).toBe('ok');
      const id = (deployed.reply.data as { id: string }).id;
      expect((await w.run(`watch ${id} max=2`)).outcome).toBe('ok');
    }
    // Once the fleet is up, timeouts and the breaker's pause shrink with the timeline, as the adapters' waits do.
    for (const bound of w.bound) bound.adapter = adapterFor(w.sim, bound.name, { timeoutMs: 250, breaker: { threshold: 5, cooldownMs: 50 } });
    const random = createRandom(20261203);
    const { data } = w.app.services.db;
    let injected = 0;
    let recoveredCount = 0;
    let mostMachines = 0;
    const kinds: Record<FaultKind, number> = { crash: 0, hostGone: 0, outbid: 0, rateLimit: 0, hang: 0 };
    while (injected < FAULTS) {
      w.sim.clock.advance(ROUND_MS);
      const indexes = [...data.automation.watches.keys()].sort(() => random.next() - 0.5).slice(0, Math.min(PER_ROUND, FAULTS - injected));
      for (const index of indexes) {
        const record = data.instances.find((candidate) => candidate.id === data.automation.watches[index]!.instanceId)!;
        const target = { provider: record.provider, instanceId: record.providerInstanceId! };
        const kind = random.pick<FaultKind>(record.interruptible ? ['crash', 'hostGone', 'outbid', 'rateLimit', 'hang'] : ['crash', 'hostGone', 'rateLimit', 'hang']);
        kinds[kind]++;
        if (kind === 'hostGone') w.sim.market.hostGone(target.provider, target.instanceId);
        else if (kind === 'outbid') w.sim.market.outbid(target.provider, target.instanceId);
        else {
          w.sim.faults.add({ ...target, kind: 'crash' });
          if (kind === 'rateLimit') w.sim.faults.add({ provider: target.provider, kind: 'rateLimit', endpoint: random.pick(['list', 'restart', 'start'] as const), count: 2 });
          if (kind === 'hang') w.sim.faults.add({ provider: target.provider, kind: 'hang', endpoint: 'list', count: 1 });
        }
      }
      injected += indexes.length;
      for (let sync = 0; sync < MAX_SYNCS_PER_ROUND && !indexes.every((index) => recovered(w, index)); sync++) {
        await tick(w);
        mostMachines = Math.max(mostMachines, liveMachines(w.sim).length);
        expect(liveMachines(w.sim).length).toBeLessThanOrEqual(data.automation.watches.length);
      }
      recoveredCount += indexes.filter((index) => recovered(w, index)).length;
      w.sim.faults.clear();
    }
    expect(injected).toBe(FAULTS);
    expect(data.automation.watches).toHaveLength(FLEET.length);
    expect(mostMachines).toBeLessThanOrEqual(FLEET.length);
    expect(Object.values(kinds).every((count) => count > 0), JSON.stringify(kinds)).toBe(true);
    expect(recoveredCount / FAULTS, `${recoveredCount} of ${FAULTS} recovered; faults ${JSON.stringify(kinds)}`).toBeGreaterThanOrEqual(0.99);
  }, 180_000);
});
