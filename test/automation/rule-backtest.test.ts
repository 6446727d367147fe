// `rule backtest` against the simulator on a driven clock: two hours of syncs are recorded, then a
// rule added afterwards is replayed over them; its firings and savings must equal an independent
// replay of the recorded samples written here (FOR, the 30m default cooldown, stop savings).
import { afterEach, describe, expect, it } from 'vitest';
import type { InstanceView } from '#domain/fleet.ts';
import type { MetricSample } from '#store/fleet-schema.ts';
import { startWorld, type World } from '#test/fleet/world.ts';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const MINUTE = 60_000;

async function record(w: World, syncs: number): Promise<MetricSample[]> {
  const { services } = w.app;
  const samples: MetricSample[] = [];
  for (let index = 0; index < syncs; index++) {
    const report = await w.drive((async () => {
      const synced = await services.fleet.sync();
      await services.automation.afterSync(synced);
      return synced;
    })());
    samples.push(...report.samples);
    w.sim.clock.advance(5 * MINUTE);
  }
  return samples;
}

/** What the rule `IF gpu_util < limit FOR 10m THEN stop` (cooldown 30m) would have done, replayed by hand. */
function expected(samples: readonly MetricSample[], limit: number, hourlySaving: number) {
  const firings: string[] = [];
  let trueSince: number | undefined;
  let firedInStretch = false;
  let lastFired: number | undefined;
  for (const sample of samples) {
    const t = Date.parse(sample.at);
    if (!(sample.gpuUtilPercent! < limit)) {
      trueSince = undefined;
      firedInStretch = false;
      continue;
    }
    trueSince ??= t;
    if (!firedInStretch && t - trueSince >= 10 * MINUTE && (lastFired === undefined || t - lastFired >= 30 * MINUTE)) {
      firings.push(sample.at);
      firedInStretch = true;
      lastFired = t;
    }
  }
  // A stop's saving runs from its firing to the end of the record (the instance ran throughout); later firings overlap it.
  const end = Date.parse(samples.at(-1)!.at);
  const savedUsd = firings.length ? (hourlySaving * (end - Date.parse(firings[0]!))) / (60 * MINUTE) : 0;
  return { firings, savedUsd };
}

describe('rule backtest', () => {
  it('replays recorded syncs and fires and saves what an independent replay expects', async () => {
    // Yesterday 09:00 UTC: the two hours never cross midnight, where the ledger splits its entries.
    world = await startWorld({ pro: true, startTime: Math.floor(Date.now() / (1440 * MINUTE)) * 1440 * MINUTE - 15 * 60 * MINUTE });
    const w = world;
    const deployed = await w.run('deploy gpu=4090 provider=runpod template=pytorch --yes');
    expect(deployed.outcome, deployed.reply.text).toBe('ok');
    const instance = deployed.reply.data as InstanceView;
    const samples = (await record(w, 24)).filter((sample) => sample.instanceId === instance.id);
    expect(samples.length).toBe(24);

    // Added after the record, so the live loop never acted on it: only the backtest says what it would have done.
    expect((await w.run('rule add IF gpu_util < 70% FOR 10m THEN stop')).outcome).toBe('ok');
    const want = expected(samples, 70, instance.pricePerHour - (instance.stoppedPricePerHour ?? 0));
    expect(want.firings.length).toBeGreaterThan(0);

    const result = await w.run('rule backtest r1 --json');
    expect(result.outcome, result.reply.text).toBe('ok');
    const report = result.reply.data as { snapshots: number; firings: { at: string; instanceId: string }[]; skipped: Record<string, number>; savedUsd: number; costUsd: number };
    expect(report.firings.map((firing) => firing.at)).toEqual(want.firings);
    expect(report.firings.every((firing) => firing.instanceId === instance.id)).toBe(true);
    expect(report.savedUsd).toBeCloseTo(want.savedUsd, 4);
    expect(report.costUsd).toBe(0);
    expect(report.snapshots).toBeGreaterThanOrEqual(24);

    const text = await w.run('rule backtest r1 days=1');
    expect(text.reply.fields?.map((field) => `${field.name}: ${field.value}`).join('\n')).toContain(`Would have fired: ${want.firings.length} time`);
    expect(text.reply.footer).toMatch(/^Assumes/);
    // Nothing was acted on.
    expect(w.sim.requests.filter((request) => request.endpoint === 'stop')).toHaveLength(0);
  });

  it('says so when there is nothing to replay, and refuses a bad day count', async () => {
    world = await startWorld({ pro: true });
    await world.run('rule add IF gpu_util < 5% FOR 30m THEN stop');
    const empty = await world.run('rule backtest r1');
    expect(empty.reply.text).toMatch(/Nothing recorded/);
    const wrong = await world.run('rule backtest r1 days=0');
    expect(wrong.outcome).toBe('usage');
  });
});
