// leaks against the simulator on a driven clock: a stopped disk, an outbid interruptible, an idle GPU
// and a machine made by hand on the provider account, each found with what it costs a day.
import { afterEach, describe, expect, it } from 'vitest';
import type { LeakReport } from '#services/billing/leaks.ts';
import { SSH_PUBLIC_KEY } from '#test/contract/harness.ts';
import { startWorld, type World } from '#test/fleet/world.ts';
import { deploy, syncEvery } from './world.ts';

const TEN_MINUTES = 600_000;

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('leaks', () => {
  it('finds every kind of leak with its $/day, and the command that stops it', async () => {
    world = await startWorld({ pro: true, providers: ['vast', 'runpod'] });
    const w = world;
    const stopped = await deploy(w, 'vast', '4090');
    const outbid = await deploy(w, 'vast', '4090', 'bid=0.5');
    const idle = await deploy(w, 'runpod', '4090');
    const busy = await deploy(w, 'runpod', '4090');
    const runpod = w.bound.find((provider) => provider.name === 'runpod')!.adapter;
    const offer = (await runpod.listOffers({ diskGb: 20 })).find((candidate) => !candidate.interruptible)!;
    await runpod.create({ offerId: offer.offerId, name: 'hand-made', image: 'ubuntu:22.04', env: {}, ports: [{ port: 22, protocol: 'tcp' }], diskGb: 20, gpuCount: offer.gpuCount, sshPublicKey: SSH_PUBLIC_KEY });
    await syncEvery(w, TEN_MINUTES, 1);

    expect((await w.run(`stop ${stopped.id}`)).outcome).toBe('ok');
    w.sim.faults.add({ provider: 'vast', kind: 'outbid', instanceId: outbid.providerInstanceId! });
    w.sim.faults.add({ provider: 'runpod', kind: 'idle', instanceId: idle.providerInstanceId! });
    await syncEvery(w, TEN_MINUTES, 15);

    const result = await w.app.run('leaks --json');
    expect(result.outcome, result.reply.text).toBe('ok');
    const report = result.reply.data as LeakReport;
    const byId = new Map(report.findings.map((found) => [found.instanceId, found]));
    const records = new Map(w.app.services.db.data.instances.map((record) => [record.id, record]));
    const handMade = [...records.values()].find((record) => record.external)!;

    expect(new Set(byId.keys())).toEqual(new Set([stopped.id, outbid.id, idle.id, handMade.id]));
    expect(byId.has(busy.id)).toBe(false);
    expect(byId.get(stopped.id)).toMatchObject({ kind: 'stopped-disk', fix: `destroy ${stopped.id}` });
    expect(byId.get(outbid.id)).toMatchObject({ kind: 'interrupted', fix: `destroy ${outbid.id}` });
    expect(byId.get(idle.id)).toMatchObject({ kind: 'idle-gpu', fix: `stop ${idle.id}` });
    expect(byId.get(handMade.id)).toMatchObject({ kind: 'unmanaged', name: 'hand-made' });
    // Each at the rate it bills now, a day of it; the idle one since its GPU fell (2.5 h ago).
    expect(byId.get(stopped.id)!.usdPerDay).toBeCloseTo(records.get(stopped.id)!.stoppedPricePerHour! * 24, 2);
    expect(byId.get(idle.id)!.usdPerDay).toBeCloseTo(idle.pricePerHour * 24, 2);
    expect(byId.get(idle.id)!.spentUsd!).toBeGreaterThan(idle.pricePerHour * 2);
    expect(byId.get(stopped.id)!.spentUsd!).toBeGreaterThan(0);
    expect(report.totalUsdPerDay).toBeCloseTo(report.findings.reduce((sum, found) => sum + found.usdPerDay, 0), 2);

    const shown = await w.app.run('leaks');
    expect(shown.reply.title).toMatch(/^Money leaks: \$\d+\.\d\d a day$/);
    expect(shown.reply.table!.rows.map((row) => row[5])).toContain(`stop ${idle.id}`);
  });

  it('says so when nothing leaks, and is Pro', async () => {
    world = await startWorld({ pro: true, providers: ['runpod'] });
    await deploy(world, 'runpod', '4090');
    await syncEvery(world, TEN_MINUTES, 3);
    const result = await world.app.run('leaks');
    expect(result.reply.text).toMatch(/^No money leaks/);
    expect((result.reply.data as LeakReport).findings).toEqual([]);

    const free = await startWorld({ providers: ['runpod'] });
    try {
      const refused = await free.app.run('leaks');
      expect(refused.outcome).not.toBe('ok');
      expect(refused.reply.text).toMatch(/Pro/);
    } finally {
      await free.close();
    }
  });
});
