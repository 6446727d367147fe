// The chart configs: plain JSON (they are POSTed to QuickChart), readable labels and units, UTC times.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  barChart,
  describeChart,
  PALETTE,
  stackedBarChart,
  timeSeriesChart,
  utcDay,
  type TimeSeries,
} from '#services/charts/index.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 10, 20, 22, 0); // Nov 20 22:00 UTC: the day differs in America and Asia.

const hourly = (label: string, values: (number | null)[], extra: Partial<TimeSeries> = {}): TimeSeries => ({
  label,
  points: values.map((value, i) => ({ t: START + i * HOUR, value })),
  ...extra,
});

function hasFunction(value: unknown): boolean {
  if (typeof value === 'function') return true;
  if (value && typeof value === 'object') return Object.values(value).some(hasFunction);
  return false;
}

const scales = (config: { options?: unknown }) => (config.options as { scales: Record<string, any> }).scales;

describe('chart builders', () => {
  const originalTz = process.env.TZ;
  // Labels must not follow the server's time zone.
  beforeEach(() => void (process.env.TZ = 'America/New_York'));
  afterEach(() => {
    // Assigning undefined would set the text "undefined": put back exactly what was there.
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it('build configs that survive a JSON round trip unchanged (no functions, dates or undefined)', () => {
    const configs = [
      timeSeriesChart({ title: 'Prices', series: [hourly('vast', [0.3, 0.31, 0.29])], y: { title: 'Price', unit: '$/h' } }),
      stackedBarChart({ title: 'Cost', categories: ['Nov 20'], categoryAxis: 'Date (UTC)', series: [{ label: 'vast', values: [2] }], y: { title: 'Cost', unit: '$' } }),
      barChart({ title: 'Cost by GPU', categories: ['A100'], categoryAxis: 'GPU', values: [5], label: 'Cost', y: { title: 'Cost', unit: '$' } }),
    ];
    for (const config of configs) {
      expect(hasFunction(config)).toBe(false);
      expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    }
  });

  it('label a time axis within a day with UTC clock times, the day under the first and each midnight', () => {
    const config = timeSeriesChart({ title: 'GPU', series: [hourly('util', [10, 20, 30, 40])], y: { title: 'Utilisation', unit: '%', min: 0, max: 100 } });
    expect(config.data.labels).toEqual([['22:00', 'Nov 20'], '23:00', ['00:00', 'Nov 21'], '01:00']);
    expect(scales(config).x.title.text).toBe('Time (UTC)');
    expect(scales(config).y).toMatchObject({ min: 0, max: 100, title: { text: 'Utilisation (%)' } });
  });

  it('label days in UTC for daily data, and only round UTC times when there are many points', () => {
    const daily = timeSeriesChart({
      title: 'Price history',
      series: [{ label: 'min', points: [0, 1, 2].map((d) => ({ t: new Date(START + d * DAY), value: 1 })) }],
      y: { title: 'Price', unit: '$/h' },
    });
    expect(daily.data.labels).toEqual(['Nov 20', 'Nov 21', 'Nov 22']);
    expect(scales(daily).x.title.text).toBe('Date (UTC)');

    const day = timeSeriesChart({ title: 'GPU', series: [hourly('util', Array.from({ length: 24 }, (_, i) => i))], y: { title: 'Utilisation', unit: '%' } });
    expect(day.data.labels?.filter(Boolean)).toEqual([['00:00', 'Nov 21'], '03:00', '06:00', '09:00', '12:00', '15:00', '18:00', '21:00']);

    const week = timeSeriesChart({ title: 'Cost', series: [hourly('spend', Array.from({ length: 7 * 24 }, (_, i) => i))], y: { title: 'Spend', unit: '$/h' } });
    expect(week.data.labels?.filter(Boolean)).toEqual(['Nov 21', 'Nov 22', 'Nov 23', 'Nov 24', 'Nov 25', 'Nov 26', 'Nov 27']);
    expect(week.data.labels?.[2]).toBe('Nov 21'); // on the bucket at 00:00
    expect(scales(week).x.title.text).toBe('Date (UTC)');
  });

  it('keep time proportional: a missing stretch becomes a gap, and points in one bucket are averaged', () => {
    const points = [0, 1, 2, 3, 8, 9].map((h) => ({ t: START + h * HOUR, value: h }));
    points.push({ t: START + 9 * HOUR + 60_000, value: 11 }); // a late duplicate of the 9:00 sample
    const config = timeSeriesChart({ title: 'GPU', series: [{ label: 'util', points }], y: { title: 'Utilisation', unit: '%' } });
    expect(config.data.datasets[0]!.data).toEqual([0, 1, 2, 3, null, null, null, null, 8, 10]);
    // Four missing hours is longer than the allowed hole of ~2.5 samples, so the line breaks there.
    expect(config.data.datasets[0]!.spanGaps).toBe(false);
    // A series sampled every 3 h on an hourly grid (beside an hourly one) is one line, joined straight between its samples.
    const sparse = timeSeriesChart({
      title: 'Price',
      series: [hourly('hourly', [1, 1, 1, 1, 1, 1, 1]), { label: 'every 3 h', points: [0, 3, 6].map((h) => ({ t: START + h * HOUR, value: h })) }],
      y: { title: 'Price', unit: '$/h' },
    });
    expect(sparse.data.datasets[1]!.data).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(sparse.data.datasets[1]!.pointRadius).toEqual([3, 0, 0, 3, 0, 0, 3]);
  });

  it('give each colour key one palette colour, tell same-colour series apart by dash, and put series on the right axis on request', () => {
    const config = timeSeriesChart({
      title: 'RTX 4090 price',
      series: [
        hourly('vast min', [1, 2], { colourKey: 'vast' }),
        hourly('vast median', [2, 3], { colourKey: 'vast', style: 'dashed' }),
        hourly('runpod min', [1, 1], { colourKey: 'runpod' }),
        hourly('VRAM', [10, 12], { axis: 'right' }),
      ],
      y: { title: 'Price', unit: '$/h' },
      y2: { title: 'VRAM', unit: 'GB' },
    });
    const [vastMin, vastMedian, runpodMin, vram] = config.data.datasets;
    expect(vastMin!.borderColor).toBe(PALETTE[0]);
    expect(vastMedian!.borderColor).toBe(PALETTE[0]);
    expect(vastMedian!.borderDash).not.toEqual(vastMin!.borderDash);
    expect(runpodMin!.borderColor).toBe(PALETTE[1]);
    expect(vram!.yAxisID).toBe('y2');
    expect(scales(config).y2.title.text).toBe('VRAM (GB)');
    expect(config.options?.plugins?.legend?.display).toBe(true);
  });

  it('stack cost bars per category with a legend and a money axis', () => {
    const days = [0, 1].map((d) => utcDay(START + d * DAY));
    const config = stackedBarChart({
      title: 'Cost per day',
      categories: days,
      categoryAxis: 'Date (UTC)',
      series: [
        { label: 'vast', values: [1.5, 2] },
        { label: 'runpod', values: [null, 3] },
      ],
      y: { title: 'Cost', unit: '$' },
    });
    expect(config.data.labels).toEqual(['Nov 20', 'Nov 21']);
    expect(scales(config).x.stacked).toBe(true);
    expect(scales(config).y).toMatchObject({ stacked: true, title: { text: 'Cost ($)' } });
    expect(config.options?.plugins?.legend?.display).toBe(true);
    expect(describeChart(config)).toBe('Stacked bar chart: Cost per day (vast, runpod), Nov 20 to Nov 21');
  });

  it('draw a simple bar chart without a legend, horizontally when asked', () => {
    const config = barChart({ title: 'Cost by instance', categories: ['a', 'b'], categoryAxis: 'Instance', values: [1, 2], label: 'Cost', y: { title: 'Cost', unit: '$' }, horizontal: true });
    expect(config.options?.indexAxis).toBe('y');
    expect(scales(config).y.title.text).toBe('Instance');
    expect(scales(config).x.title.text).toBe('Cost ($)');
    expect(config.options?.plugins?.legend?.display).toBe(false);
  });
});
