// The cost ledger moves closed entries from db.json to its series: every report and every instance's
// cost reads the same before and after, across a restart, and through a crash between the two writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceView } from '#domain/fleet.ts';
import { PERIODS } from '#domain/ledger.ts';
import { costReport, COST_GROUPINGS } from '#services/billing/cost-report.ts';
import { instanceCostMicros, instanceKey } from '#store/series-ledger.ts';
import { startWorld, type World } from '#test/fleet/world.ts';

let world: World;

beforeAll(async () => {
  world = await startWorld({ providers: ['vast'], startTime: Date.UTC(2026, 9, 5, 9, 30) });
});
afterAll(async () => world?.close());


/** Every figure read from the ledger, at a clock that stands still (no sync in between). */
async function everyFigure() {
  const { fleet, db } = world.app.services;
  const figures: unknown[] = [];
  for (const period of PERIODS) {
    for (const by of COST_GROUPINGS) {
      const { balances: _balances, ...report } = await costReport(fleet.context, { orgId: 'default', period, by });
      figures.push(report);
    }
  }
  figures.push(db.data.instances.map((record) => [record.id, instanceCostMicros(db.data, record.orgId, record.id)]));
  return figures;
}

describe('the ledger in its series', () => {
  it('gives the same reports and instance costs before and after closed entries move, and after a restart', async () => {
    const first = (await world.run('deploy gpu=4090 template=pytorch name=trainer --yes')).reply.data as InstanceView;
    await world.syncHours(30);
    await world.run(`stop ${first.id}`);
    await world.syncHours(20);
    await world.run(`start ${first.id}`);
    const second = (await world.run('deploy gpu=4090 template=jupyter name=notebook --yes')).reply.data as InstanceView;
    await world.syncHours(30);
    await world.run(`destroy ${second.id} --yes`);
    await world.syncHours(10);

    const db = world.app.services.db;
    const entries = db.data.ledger.length;
    expect(entries).toBeGreaterThan(4);
    const before = await everyFigure();
    await db.series.maintain(db, world.sim.clock.now());
    expect(db.data.ledger.length).toBeLessThanOrEqual(2);
    expect((await db.series.ledger.list()).length + db.data.ledger.length).toBe(entries);
    expect(await everyFigure()).toEqual(before);

    await world.restart();
    expect(await everyFigure()).toEqual(before);
  });

  it('counts an entry once when a crash left it in the series and still in db.json, and moves it only once', async () => {
    const db = world.app.services.db;
    const moved = (await db.series.ledger.list())[0]!;
    const before = await everyFigure();
    // As if db.json was not rewritten after the append: the entry is back, its amount not yet in the total.
    await db.update((data) => {
      data.ledger.unshift(moved);
      data.sealedLedgerMicros[instanceKey(moved)]! -= moved.amountMicros;
    });
    expect(await everyFigure()).toEqual(before);
    const lines = (await db.series.ledger.list()).length;
    await db.series.maintain(db, world.sim.clock.now());
    expect((await db.series.ledger.list()).length).toBe(lines);
    expect(await everyFigure()).toEqual(before);
  });
});
