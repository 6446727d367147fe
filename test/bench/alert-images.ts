// Draws the picture of each kind of alert, from the simulator on a driven clock, into docs/images/
// (the README's alerts section shows them). Run: `npx tsx test/bench/alert-images.ts`.
//   1. A week of price refreshes (every 3 h) records the RTX 4090's price history.
//   2. A Vast RTX 4090 runs for 6 h, synced every 5 min (GPU metrics and the ledger), under a cap.
//   3. It crashes; the down, cap-hit and price alerts go through the alert grouping and the chat renderer.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_GROUPING, emptyAlertState, flush, receive, type AlertEvent, type Delivery } from '#domain/alerts/index.ts';
import { createAlertPictures } from '#services/alerts/alert-renderer.ts';
import type { InstanceView } from '#domain/fleet.ts';
import { startWorld } from '#test/fleet/world.ts';

const OUT = path.resolve('docs/images');
const HOUR = 3_600_000;
const START = Date.parse('2026-11-24T06:00:00Z');

/** One delivery per event: each fed to the grouping alone, flushed once its group_wait has passed. */
function deliveryOf(event: AlertEvent): Delivery {
  const at = Date.parse(event.at);
  const state = receive(emptyAlertState(), event, at, DEFAULT_GROUPING);
  const [delivery] = flush(state, at + DEFAULT_GROUPING.groupWaitMs, DEFAULT_GROUPING).deliveries;
  return delivery!;
}

async function main(): Promise<void> {
  const world = await startWorld({ pro: true, providers: ['vast'], startTime: START });
  const { services } = world.app;
  const now = () => world.sim.clock.now();
  for (let refresh = 0; refresh < 56; refresh++) {
    world.sim.clock.advance(3 * HOUR);
    await world.drive(services.market.refresh('default'));
  }
  await services.market.history.flush();
  const deployed = await world.run('deploy gpu=4090 provider=vast template=pytorch name=train-llama --yes');
  const instance = deployed.reply.data as InstanceView;
  const cap = Math.ceil(instance.pricePerHour * 6 * 100) / 100;
  await world.run(`cap ${instance.id} ${cap} action=notify`);
  for (let sync = 0; sync < 72; sync++) {
    world.sim.clock.advance(5 * 60_000);
    await world.drive(services.fleet.sync());
  }
  const record = services.db.data.instances.find((candidate) => candidate.id === instance.id)!;
  world.sim.faults.add({ provider: 'vast', kind: 'crash', instanceId: record.providerInstanceId! });
  world.sim.clock.advance(60_000);
  await world.drive(services.fleet.sync());

  const at = new Date(now()).toISOString();
  const base = { orgId: 'default', instanceId: instance.id, status: 'firing' as const, at };
  const events: Record<string, AlertEvent> = {
    'alert-down': { ...base, kind: 'down', severity: 'critical', ruleId: 'watch', message: `${instance.id} (train-llama) is down: vast reports it exited (exited) while it should be running.` },
    'alert-cap': { ...base, kind: 'cap-hit', severity: 'warning', ruleId: 'c1', message: `${instance.id} has cost $${cap.toFixed(2)} in all (cap $${cap.toFixed(2)}).`, values: { spend: cap, cap } },
    'alert-price': { orgId: 'default', status: 'firing', at, kind: 'price-alert', severity: 'info', ruleId: 'r1', message: 'RTX 4090 is at its cheapest this week.', values: { gpu: 'RTX 4090' } },
  };
  const { render } = createAlertPictures({
    db: services.db,
    history: services.market.history,
    simulatedMarket: () => false,
    priceFreshMs: services.config.PRICES_TTL_SECONDS * 2000,
    charts: services.charts,
    log: services.log,
    now: () => new Date(now()),
  });
  await mkdir(OUT, { recursive: true });
  for (const [name, event] of Object.entries(events)) {
    const message = await render(deliveryOf(event));
    if (!message.image) throw new Error(`${name}: no chart was drawn`);
    await writeFile(path.join(OUT, `${name}.png`), message.image.png);
    process.stdout.write(`${name}.png  ${message.title}  [${(message.buttons ?? []).map((button) => button.label).join(' | ')}]\n  ${message.image.alt}\n`);
  }
  await world.close();
}

await main();
