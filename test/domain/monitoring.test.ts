import { describe, expect, it } from 'vitest';
import { costCurve, extendOpenEntry, metricLines, summariseMetrics } from '#domain/monitoring.ts';
import { gridLayout, MAX_SIDE_PIXELS } from '#services/charts/panels.ts';
import type { LedgerEntry, MetricSample } from '#store/fleet-schema.ts';

const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 2, 8);
const iso = (ms: number) => new Date(ms).toISOString();

function entry(fromMs: number, toMs: number, usdPerHour: number, state: LedgerEntry['state'] = 'running'): LedgerEntry {
  const rateMicrosPerHour = usdPerHour * 1_000_000;
  return { instanceId: 'i1', orgId: 'default', projectId: 'default', provider: 'vast', gpu: 'RTX 4090', user: 'console:local', state, rateMicrosPerHour, from: iso(fromMs), to: iso(toMs), amountMicros: Math.round((rateMicrosPerHour * (toMs - fromMs)) / H) };
}

describe('costCurve', () => {
  it('climbs by the rate in force, counting only the part of each entry inside the window', () => {
    // Running at $2/h from 06:00 to 09:00, then stopped with its disk at $0.10/h until 12:00.
    const entries = [entry(T0 - 2 * H, T0 + H, 2), entry(T0 + H, T0 + 4 * H, 0.1, 'stopped')];
    const curve = costCurve(entries, { fromMs: T0, toMs: T0 + 4 * H }, 4);
    expect(curve.map((point) => point.t)).toEqual([0, 1, 2, 3, 4].map((hour) => T0 + hour * H));
    expect(curve.map((point) => Math.round(point.spentUsd * 100) / 100)).toEqual([0, 2, 2.1, 2.2, 2.3]);
    expect(curve.map((point) => point.rateUsdPerHour)).toEqual([2, 0.1, 0.1, 0.1, 0.1]);
  });

  it('reads a gap between entries (not billed) as rate 0', () => {
    const curve = costCurve([entry(T0, T0 + H, 1), entry(T0 + 2 * H, T0 + 3 * H, 1)], { fromMs: T0, toMs: T0 + 3 * H }, 6);
    expect(curve.map((point) => point.rateUsdPerHour)).toEqual([1, 1, 0, 0, 1, 1, 1]);
    expect(curve.at(-1)!.spentUsd).toBeCloseTo(2, 6);
  });

  it('stretches the newest entry of a machine still billing up to now', () => {
    const extended = extendOpenEntry([entry(T0, T0 + H, 1), entry(T0 - H, T0, 1)], T0 + 2 * H);
    expect(extended.map((item) => [item.from, item.to])).toEqual([
      [iso(T0 - H), iso(T0)],
      [iso(T0), iso(T0 + 2 * H)],
    ]);
    expect(extended[1]!.amountMicros).toBe(2_000_000);
  });
});

describe('metric lines and summary', () => {
  const samples: MetricSample[] = [
    { instanceId: 'i1', orgId: 'default', at: iso(T0 + 60_000), gpuUtilPercent: 40, gpuTempC: 60, vramUsedGb: 10, vramTotalGb: 24 },
    { instanceId: 'i1', orgId: 'default', at: iso(T0), gpuUtilPercent: 80, gpuTempC: 70 },
  ];

  it('splits samples into one line per measure, oldest first, a missing measure a hole in its line only', () => {
    const lines = metricLines(samples);
    expect(lines.gpuUtilPercent).toEqual([{ t: T0, value: 80 }, { t: T0 + 60_000, value: 40 }]);
    expect(lines.vramUsedGb).toEqual([{ t: T0, value: null }, { t: T0 + 60_000, value: 10 }]);
  });

  it('summarises the newest values, the mean utilisation and the hottest reading', () => {
    expect(summariseMetrics(samples)).toEqual({ latest: { at: iso(T0 + 60_000), gpuUtilPercent: 40, gpuTempC: 60, vramUsedGb: 10, vramTotalGb: 24 }, meanUtilPercent: 60, maxTempC: 70 });
    expect(summariseMetrics([])).toEqual({ latest: {} });
  });
});

describe('panel grid layout', () => {
  const panels = (n: number) => Array.from({ length: n }, () => ({ type: 'line' as const, data: { datasets: [] } }));

  it('puts one panel alone, up to four in two columns, more in three', () => {
    expect(gridLayout({ title: 't', panels: panels(1) }).columns).toBe(1);
    expect(gridLayout({ title: 't', panels: panels(4) })).toMatchObject({ columns: 2, rows: 2 });
    expect(gridLayout({ title: 't', panels: panels(7) })).toMatchObject({ columns: 3, rows: 3 });
  });

  it('lowers the pixel ratio so no side passes the limit chat platforms accept', () => {
    const layout = gridLayout({ title: 't', panels: panels(12), panelWidth: 800, panelHeight: 400 });
    expect(Math.max(layout.width, layout.height) * layout.devicePixelRatio).toBeLessThanOrEqual(MAX_SIDE_PIXELS);
  });
});
