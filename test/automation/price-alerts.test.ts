// alert price against the simulator's drifting prices on a driven clock: after each price refresh
// the alert fires once per crossing, re-arms only after the price has risen 5 % over the threshold
// (an independent replay of the same prices in this test agrees), and its chat message carries the
// offer and a Deploy button that previews renting exactly that offer.
import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '#core/reply.ts';
import type { AutomationEvent } from '#services/automation/index.ts';
import { gpusFrom } from '#commands/prices.ts';
import { startWorld, type World } from '#test/fleet/world.ts';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const HOUR_MS = 3_600_000;

/** One price refresh as the scheduler runs it, then the cheapest $/h per GPU the alert sees. */
async function refresh(w: World, gpus: string[]): Promise<number> {
  const { market, automation } = w.app.services;
  await w.drive(market.refresh('default', 5_000));
  await w.drive(automation.evaluate('rules'));
  const { offers } = await w.drive(market.search('default', { criteria: { gpus, providers: ['runpod'], type: 'on-demand' }, sort: 'price' }));
  return Math.min(...offers.map(({ offer }) => offer.pricePerHour / Math.max(1, offer.gpuCount)));
}

describe('alert price', () => {
  it('fires once per crossing with hysteresis, as an independent replay of the same prices says', async () => {
    world = await startWorld({ pro: true, providers: ['runpod'] });
    const w = world;
    const posted: Reply[] = [];
    w.app.services.automation.setPoster(async (_channel, message) => {
      posted.push(message);
    });
    const gpus = gpusFrom('H100');
    const scanned: number[] = [];
    for (let hour = 0; hour < 16; hour++) {
      w.sim.clock.advance(HOUR_MS);
      scanned.push(await refresh(w, gpus));
    }
    const threshold = Math.round(((Math.min(...scanned) + Math.max(...scanned)) / 2) * 100) / 100;
    const added = await w.run(`alert price gpu=H100 below=${threshold} provider=runpod`);
    expect(added.outcome, added.reply.text).toBe('ok');

    let armed = true;
    const expected: string[] = [];
    for (let hour = 0; hour < 40; hour++) {
      w.sim.clock.advance(HOUR_MS);
      const price = await refresh(w, gpus);
      if (armed && price <= threshold) {
        expected.push('price-alert');
        armed = false;
      } else if (!armed && price > threshold * 1.05) {
        expected.push('resolved');
        armed = true;
      }
    }
    const events = ((await w.run('events rule=a1 limit=100 --json')).reply.data as { events: AutomationEvent[] }).events.slice().reverse();
    expect(events.map((event) => event.kind)).toEqual(expected);
    expect(expected.filter((kind) => kind === 'price-alert').length).toBeGreaterThanOrEqual(2);

    const fired = events.find((event) => event.kind === 'price-alert')!;
    expect(fired.message).toMatch(/H100.* on runpod .*deploy runpod:/);
    const alertPost = posted.find((message) => message.text?.startsWith('Price alert'))!;
    const button = alertPost.buttons![0]!;
    expect(button).toMatchObject({ label: 'Deploy', command: expect.stringMatching(/^deploy runpod:\w+$/) });
    const list = (await w.run('alert list --json')).reply.data as { alerts: { id: string; fireCount: number }[] };
    expect(list.alerts).toEqual([expect.objectContaining({ id: 'a1', fireCount: expected.filter((kind) => kind === 'price-alert').length })]);

    // The button previews renting exactly that offer (nothing rented without Confirm).
    const preview = await w.run(button.command);
    expect(preview.outcome, preview.reply.text).toBe('confirm');
    expect(preview.reply.data).toMatchObject({ offer: button.command.split(' ')[1], provider: 'runpod' });
    expect((await w.run('alert remove a1')).outcome).toBe('ok');
  }, 60_000);

  it('names an unknown GPU and is Pro', async () => {
    world = await startWorld({ pro: true });
    const wrong = await world.run('alert price gpu=H1000x below=2');
    expect(wrong.outcome).toBe('usage');
    expect(wrong.reply.text).toMatch(/No GPU in the catalogue matches/);
    await world.close();
    world = await startWorld();
    expect((await world.run('alert price gpu=H100 below=2')).outcome).toBe('denied');
  });
});
