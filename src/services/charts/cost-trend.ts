// Spend over time against a limit: the cumulative cost line, and the cap and its warning level as
// flat reference lines, so "how close, how fast" reads at a glance. The picture of a cap alert.
import type { ChartConfiguration } from 'chart.js';
import type { ChartText } from './layout.ts';
import { timeSeriesChart, type TimeSeries } from './time-series.ts';

export interface CostTrendChart extends ChartText {
  /** Cumulative spend in USD, oldest first. */
  points: readonly { t: number; usd: number }[];
  /** The limit in USD, drawn as a flat line. */
  cap?: number;
  /** Where the warning starts, as a share of the cap (0.8: 80 %). */
  warnShare?: number;
}

const money = (usd: number) => `$${usd.toFixed(usd < 100 ? 2 : 0)}`;

export function costTrendChart(spec: CostTrendChart): ChartConfiguration<'line'> {
  const flat = (label: string, usd: number): TimeSeries => ({ label, colourKey: 'limit', points: spec.points.map((point) => ({ t: point.t, value: usd })) });
  const series: TimeSeries[] = [{ label: 'Spend so far', colourKey: 'spend', points: spec.points.map((point) => ({ t: point.t, value: point.usd })) }];
  if (spec.cap !== undefined) {
    series.push({ ...flat(`Cap ${money(spec.cap)}`, spec.cap), style: 'dashed' });
    if (spec.warnShare !== undefined) series.push({ ...flat(`Warning at ${Math.round(spec.warnShare * 100)} %`, spec.cap * spec.warnShare), style: 'dotted' });
  }
  const top = Math.max(spec.cap ?? 0, ...spec.points.map((point) => point.usd));
  return timeSeriesChart({
    title: spec.title,
    ...(spec.subtitle !== undefined && { subtitle: spec.subtitle }),
    series,
    // Head-room above the cap keeps its line off the chart's top edge.
    y: { title: 'Spend', unit: '$', min: 0, ...(top > 0 && { max: niceCeiling(top * 1.1) }) },
  });
}

/** The next round number at or above `value` (1, 2, 2.5, 5 × a power of ten). */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((factor) => factor * power >= value)!;
  return step * power;
}
