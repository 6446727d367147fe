// QuickChart when configured and healthy; offline (still a PNG) when it refuses, fails, hangs or lies.
import { afterEach, describe, expect, it } from 'vitest';
import { barChart, createChartRenderer } from '#services/charts/index.ts';
import { fakeQuickChart, memoryLogger, refusingUrl } from './support.ts';

const chart = barChart({ title: 'Cost by GPU', categories: ['RTX 4090', 'A100'], categoryAxis: 'GPU', values: [4.5, 12], label: 'Cost', y: { title: 'Cost', unit: '$' } });
const SIZE = { width: 300, height: 200, devicePixelRatio: 1 };

const servers: { close(): Promise<void> }[] = [];
async function server(...args: Parameters<typeof fakeQuickChart>) {
  const fake = await fakeQuickChart(...args);
  servers.push(fake);
  return fake;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((fake) => fake.close()));
});

describe('rendering through QuickChart', () => {
  it('POSTs the chart config (for chart.js 4, on white) with quickchart-js and returns the server PNG', async () => {
    const fake = await server();
    const { log, lines } = memoryLogger();
    const result = await createChartRenderer({ quickchartUrl: fake.url, log }).render(chart, SIZE);

    expect(result.renderer).toBe('quickchart');
    expect(Buffer.from(result.png).equals(fake.state.lastPng)).toBe(true);
    expect([result.width, result.height]).toEqual([300, 200]);
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request!.path).toBe('/chart');
    expect(request!.body).toMatchObject({ width: 300, height: 200, devicePixelRatio: 1, version: '4', backgroundColor: '#ffffff', format: 'png' });
    expect(request!.chart).toEqual(JSON.parse(JSON.stringify(chart)));
    expect(lines().at(-1)).toMatchObject({ renderer: 'quickchart', quickchart: fake.url });
  });

  it('keeps a path prefix in QUICKCHART_URL (QuickChart behind a reverse proxy)', async () => {
    const fake = await server();
    const result = await createChartRenderer({ quickchartUrl: `${fake.url}/quickchart/`, log: memoryLogger().log }).render(chart, SIZE);
    expect(result.renderer).toBe('quickchart');
    expect(fake.requests[0]!.path).toBe('/quickchart/chart');
  });

  it.each([
    ['answers 500', 'error500', /status code 500.*Chart render failed/],
    ['answers 200 with something that is not a PNG', 'html', /not a PNG/],
    ['never answers', 'hang', /no answer within 200 ms/],
  ] as const)('falls back to offline rendering when QuickChart %s, and logs why', async (_, behaviour, reason) => {
    const fake = await server(behaviour);
    const { log, lines } = memoryLogger();
    const result = await createChartRenderer({ quickchartUrl: fake.url, log, timeoutMs: 200 }).render(chart, SIZE);

    expect(result.renderer).toBe('offline');
    expect([result.width, result.height]).toEqual([300, 200]);
    expect(fake.requests).toHaveLength(1);
    const warning = lines().find((line) => line.level === 40);
    expect(warning?.reason).toMatch(reason);
    expect(lines().at(-1)).toMatchObject({ renderer: 'offline' });
  });

  it('falls back to offline rendering when QuickChart refuses connections', async () => {
    const { log, lines } = memoryLogger();
    const result = await createChartRenderer({ quickchartUrl: await refusingUrl(), log }).render(chart, SIZE);
    expect(result.renderer).toBe('offline');
    expect(result.png.length).toBeGreaterThan(1000);
    expect(lines().find((line) => line.level === 40)?.reason).toMatch(/ECONNREFUSED/);
  });

  it('after a failure, draws offline without asking QuickChart again until the retry time has passed', async () => {
    const fake = await server('error500');
    let clock = 1_000_000;
    const charts = createChartRenderer({ quickchartUrl: fake.url, log: memoryLogger().log, retryAfterMs: 60_000, now: () => clock });

    expect((await charts.render(chart, SIZE)).renderer).toBe('offline');
    fake.state.behaviour = 'png';
    expect((await charts.render(chart, SIZE)).renderer).toBe('offline');
    expect(fake.requests).toHaveLength(1);

    clock += 60_001;
    expect((await charts.render(chart, SIZE)).renderer).toBe('quickchart');
    expect(fake.requests).toHaveLength(2);
  });
});
