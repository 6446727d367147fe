// The app wires one chart renderer from QUICKCHART_URL, shared by every command and alert.
import { afterEach, describe, expect, it } from 'vitest';
import { barChart } from '#services/charts/index.ts';
import { testApp, type TestApp } from '#test/support/app.ts';
import { fakeQuickChart } from './support.ts';

const chart = barChart({ title: 'Cost', categories: ['A100'], categoryAxis: 'GPU', values: [3], label: 'Cost', y: { title: 'Cost', unit: '$' } });
const SIZE = { width: 200, height: 120, devicePixelRatio: 1 };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function app(env: Record<string, string> = {}): Promise<TestApp> {
  const created = await testApp(env);
  cleanups.push(() => created.close());
  return created;
}

describe('services.charts', () => {
  it('renders offline when QUICKCHART_URL is not set', async () => {
    const { services } = await app();
    expect((await services.charts.render(chart, SIZE)).renderer).toBe('offline');
  });

  it('renders through the QuickChart server named by QUICKCHART_URL', async () => {
    const fake = await fakeQuickChart();
    cleanups.push(() => fake.close());
    const { services } = await app({ QUICKCHART_URL: fake.url });
    expect((await services.charts.render(chart, SIZE)).renderer).toBe('quickchart');
    expect(fake.requests).toHaveLength(1);
  });
});
