// monitor against the simulator on a driven clock: the series a sync records come back as charts
// (one image of panels) and as JSON, for one instance and for the running fleet; Pro only.
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetMonitor, InstanceMonitor } from '#services/monitoring/index.ts';
import { pngSize } from '#services/charts/png.ts';
import { startWorld, type World } from '#test/fleet/world.ts';
import { deploy, syncEvery } from './world.ts';

const FIVE_MINUTES = 300_000;

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('monitor', () => {
  it('charts one instance: utilisation, VRAM, temperature and cost over the window, and gives the series as JSON', async () => {
    world = await startWorld({ pro: true, providers: ['vast', 'lambda'] });
    const vast = await deploy(world, 'vast', '4090');
    await syncEvery(world, FIVE_MINUTES, 36);

    const result = await world.app.run(`monitor ${vast.id} hours=2`);
    expect(result.outcome, result.reply.text).toBe('ok');
    const view = result.reply.data as InstanceMonitor;
    // Two hours of five-minute syncs: 24 samples (one either side of the edge may fall in or out).
    expect(view.samples.length).toBeGreaterThanOrEqual(23);
    expect(view.samples.length).toBeLessThanOrEqual(25);
    expect(view.resolution).toBe('sync');
    expect(view.samples.every((sample) => sample.gpuUtilPercent !== undefined && sample.gpuTempC !== undefined && sample.vramUsedGb !== undefined)).toBe(true);
    // The cost climbs from 0 at the window's start to two hours at the running rate.
    expect(view.cost[0]!.spentUsd).toBe(0);
    expect(view.cost.at(-1)!.spentUsd).toBeCloseTo(2 * vast.pricePerHour, 2);
    expect(view.cost.at(-1)!.rateUsdPerHour).toBeCloseTo(vast.pricePerHour, 4);
    const image = result.reply.image!;
    expect(image.alt).toContain('GPU utilisation');
    expect(image.alt).toContain('GPU temperature');
    expect(pngSize(image.png).width).toBeGreaterThan(2000);

    // Read back from what was stored: after a restart the same window reads the same (monitor does not move the clock).
    await world.restart();
    const again = (await world.app.run(`monitor ${vast.id} hours=2 --json`)).reply.data as InstanceMonitor;
    expect(again.samples).toEqual(view.samples);
  });

  it('shows an instance whose provider reports no GPU metrics with its cost alone', async () => {
    world = await startWorld({ pro: true, providers: ['lambda'] });
    const lambda = await deploy(world, 'lambda', 'a10');
    await syncEvery(world, FIVE_MINUTES, 12);
    const result = await world.app.run(`monitor ${lambda.id} hours=1`);
    expect(result.reply.text).toContain('no GPU metrics');
    expect(result.reply.image!.alt).not.toContain('GPU utilisation');
    expect((result.reply.data as InstanceMonitor).cost.at(-1)!.spentUsd).toBeGreaterThan(0);
  });

  it('draws the running fleet at a glance, a panel per running instance, dearest first', async () => {
    world = await startWorld({ pro: true, providers: ['vast', 'runpod'] });
    const empty = await world.app.run('monitor');
    expect(empty.reply.text).toContain('No instance is running');
    await deploy(world, 'vast', '4090');
    await deploy(world, 'runpod', '4090');
    await syncEvery(world, FIVE_MINUTES, 24);

    const result = await world.app.run('monitor hours=2');
    const view = result.reply.data as FleetMonitor;
    expect(view.instances.map((entry) => entry.instance.id).sort()).toEqual(['i1', 'i2']);
    const prices = view.instances.map((entry) => entry.instance.pricePerHour);
    expect(prices).toEqual([...prices].sort((a, b) => b - a));
    expect(view.instances.every((entry) => entry.samples.length >= 20)).toBe(true);
    expect(result.reply.table!.rows).toHaveLength(2);
    expect(result.reply.image!.alt).toContain('Fleet — 2 running');
  });

  it('is Pro: the free edition refuses it and says so', async () => {
    world = await startWorld({ providers: ['vast'] });
    const result = await world.app.run('monitor');
    expect(result.outcome).not.toBe('ok');
    expect(result.reply.text).toMatch(/Pro/);
  });
});
