// A simulated week of usage with prices changing mid-way: the report equals the ledger, to the cent,
// and history keeps the price that was in force (never today's catalogue price).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceView } from '#domain/fleet.ts';
import type { CostReport } from '#services/billing/cost-report.ts';
import { startWorld, type World } from './world.ts';

const HOUR = 3_600_000;
let world: World;

beforeAll(async () => {
  world = await startWorld({ providers: ['vast'], startTime: Date.UTC(2026, 9, 5, 9, 30) });
});
afterAll(async () => world?.close());


describe('cost over a simulated week', () => {
  it('matches an independent sum of the ledger to the cent, at the prices in force at the time', async () => {
    const first = (await world.run('deploy gpu=4090 template=pytorch name=trainer --yes')).reply.data as InstanceView;
    await world.syncHours(60);
    expect((await world.run(`stop ${first.id}`)).outcome).toBe('ok');
    await world.syncHours(20);
    expect((await world.run(`start ${first.id}`)).outcome).toBe('ok');
    // Later in the week the catalogue has moved on: a second machine rents at today's price.
    const second = (await world.run('deploy gpu=4090 template=jupyter name=notebook --yes')).reply.data as InstanceView;
    await world.syncHours(48);
    expect((await world.run(`destroy ${second.id} --yes`)).outcome).toBe('ok');
    await world.syncHours(40);

    const ledger = world.app.services.db.data.ledger;
    const rates = (id: string, state: string) => new Set(ledger.filter((entry) => entry.instanceId === id && entry.state === state).map((entry) => entry.rateMicrosPerHour));
    // Every running hour of the first machine is at its launch price, before and after the second one.
    expect([...rates(first.id, 'running')]).toEqual([Math.round(first.pricePerHour * 1e6)]);
    expect([...rates(second.id, 'running')]).toEqual([Math.round(second.pricePerHour * 1e6)]);
    expect(second.pricePerHour).not.toBe(first.pricePerHour);
    // While stopped, only the disk bills.
    const stopped = [...rates(first.id, 'stopped')];
    expect(stopped).toHaveLength(1);
    expect(stopped[0]!).toBeLessThan(first.pricePerHour * 1e6);

    const report = (await world.run('cost period=30d by=provider --json')).reply.data as CostReport;
    // The independent sum: rate × time for every ledger entry, in floating dollars, rounded once.
    const independent = ledger.reduce((sum, entry) => sum + (entry.rateMicrosPerHour / 1e6) * ((Date.parse(entry.to) - Date.parse(entry.from)) / HOUR), 0);
    expect(report.totalUsd).toBe(Math.round(independent * 100) / 100);
    expect(report.groups).toEqual([{ name: 'vast', usd: report.totalUsd }]);
    expect(report.days.length).toBeGreaterThanOrEqual(30);

    const byGpu = (await world.run('cost period=30d by=gpu --json')).reply.data as CostReport;
    expect(byGpu.groups.map((group) => group.name)).toEqual(['RTX 4090']);
    const byUser = (await world.run('cost period=30d by=user --json')).reply.data as CostReport;
    expect(byUser.groups).toEqual([{ name: 'console:local', usd: byUser.totalUsd }]);

    // The first machine still runs: the burn rate is its price, the forecast adds it to month end.
    expect(report.burnPerHour).toBeCloseTo(first.pricePerHour, 6);
    expect(report.forecastMonthEndUsd).toBeGreaterThan(report.spentThisMonthUsd);
    const vast = report.balances.find((balance) => balance.provider === 'vast')!;
    expect(vast.creditUsd).toBeGreaterThan(0);
    expect(vast.runwayHours).toBeCloseTo(vast.creditUsd! / first.pricePerHour, 0);
  });

  it('shows the report with a chart image, burn rate, forecast and balances', async () => {
    const result = await world.run('cost period=7d by=project');
    expect(result.outcome).toBe('ok');
    expect(result.reply.image?.png.byteLength).toBeGreaterThan(1000);
    const fields = Object.fromEntries((result.reply.fields ?? []).map((field) => [field.name, field.value]));
    expect(fields['Burn rate now']).toMatch(/^\$\d+\.\d{2}\/h$/);
    expect(fields['Month-end forecast']).toMatch(/^\$\d+\.\d{2}$/);
    expect(fields.Balances).toMatch(/vast: \$\d+\.\d{2} credit, lasts \d+ d \d+ h/);
    expect(result.reply.table?.rows[0]?.[0]).toBe('default');
  });
});
