// Line chart of one or more series over time: price history (min / p10 / median per provider over
// days), GPU utilisation and VRAM over hours, cost trend.
import type { ChartConfiguration } from 'chart.js';
import { baseOptions, categoryScale, valueScale, type AxisSpec, type ChartText } from './layout.ts';
import { bucketOf, timeGrid, typicalStep, utcLabels, type TimeGrid } from './time-axis.ts';
import { colourAssigner, DASHES, type LineStyle } from './theme.ts';

export interface TimePoint {
  /** A Date or epoch milliseconds (UTC). */
  t: Date | number;
  value: number | null;
}

export interface TimeSeries {
  label: string;
  points: TimePoint[];
  /** Series with the same key share a colour (e.g. one provider's min/p10/median); defaults to the label. */
  colourKey?: string;
  /** Tells series of one colour apart; defaults to solid (dashed once the palette runs out). */
  style?: LineStyle;
  /** Plot against the right-hand axis (`y2`), e.g. VRAM (GB) next to utilisation (%). */
  axis?: 'left' | 'right';
}

export interface TimeSeriesChart extends ChartText {
  series: TimeSeries[];
  y: AxisSpec;
  y2?: AxisSpec;
  /** Bucket width; defaults to the data's typical spacing. Points in one bucket are averaged. */
  stepMs?: number;
}

/** Below this many points a series also shows its points, so sparse data stays visible. */
const MAX_POINTS_WITH_MARKERS = 40;
/** A hole longer than this many of a series' own sampling steps is drawn as a gap (missing data). */
const GAP_TOLERANCE_STEPS = 2.5;

/**
 * A flat box is stroked out and back along the same line; at this width both passes put their
 * dashes in the same places for every pattern in DASHES, so the legend shows the pattern.
 */
const LEGEND_LINE_WIDTH = 34;

const epoch = (t: Date | number) => (typeof t === 'number' ? t : t.getTime());

function bucketed(series: TimeSeries, grid: TimeGrid): (number | null)[] {
  const sums = new Array<number>(grid.count).fill(0);
  const counts = new Array<number>(grid.count).fill(0);
  for (const point of series.points) {
    if (point.value === null || !Number.isFinite(point.value)) continue;
    const bucket = bucketOf(grid, epoch(point.t));
    sums[bucket]! += point.value;
    counts[bucket]! += 1;
  }
  return sums.map((sum, i) => (counts[i] ? sum / counts[i]! : null));
}

/**
 * Joins a series' points across empty buckets no wider than `maxSpan` buckets, straight, as a line
 * through them would: chart.js's numeric spanGaps cannot do it on a category axis (it breaks the
 * line at every null). Longer holes stay null, so missing data shows as a gap.
 */
function joined(values: (number | null)[], maxSpan: number): (number | null)[] {
  const result = [...values];
  let previous = -1;
  values.forEach((value, index) => {
    if (value === null) return;
    const span = index - previous;
    if (previous >= 0 && span > 1 && span <= maxSpan) {
      const from = values[previous]!;
      for (let step = 1; step < span; step++) result[previous + step] = from + ((value - from) * step) / span;
    }
    previous = index;
  });
  return result;
}

export function timeSeriesChart(spec: TimeSeriesChart): ChartConfiguration<'line'> {
  const grid = timeGrid(spec.series.flatMap((s) => s.points.map((p) => epoch(p.t))), spec.stepMs);
  const { labels, axisTitle } = utcLabels(grid);
  const colourFor = colourAssigner();
  const datasets = spec.series.map((series) => {
    const { colour, cycle } = colourFor(series.colourKey ?? series.label);
    const style = series.style ?? (cycle > 0 ? 'dashed' : 'solid');
    const ownStep = typicalStep(series.points.map((p) => epoch(p.t))) ?? grid.stepMs;
    const pointCount = series.points.filter((p) => p.value !== null).length;
    const measured = bucketed(series, grid);
    return {
      label: series.label,
      data: joined(measured, Math.max(1, Math.ceil((GAP_TOLERANCE_STEPS * ownStep) / grid.stepMs))),
      borderColor: colour,
      backgroundColor: colour,
      borderWidth: 2,
      borderDash: [...DASHES[style]],
      // Markers on measured buckets only, never on the joins between them.
      pointRadius: pointCount <= MAX_POINTS_WITH_MARKERS ? measured.map((value) => (value === null ? 0 : 3)) : 0,
      tension: 0,
      fill: false,
      spanGaps: false,
      yAxisID: series.axis === 'right' ? 'y2' : 'y',
    };
  });
  // Labels are pre-spaced on round UTC times (utcLabels), so nothing may be skipped; a grid line per
  // bucket would be clutter.
  const timeScale = categoryScale(axisTitle, { grid: { display: false } });
  timeScale.ticks.autoSkip = false;
  const options = baseOptions(spec, spec.series.length > 1);
  // A flat legend box is stroked as a short line in the series' dash pattern, not just its colour.
  Object.assign(options.plugins.legend.labels, { boxWidth: LEGEND_LINE_WIDTH, boxHeight: 0 });
  return {
    type: 'line',
    data: { labels, datasets },
    options: {
      ...options,
      scales: {
        x: timeScale,
        y: valueScale(spec.y, { position: 'left' }),
        ...(spec.y2 && { y2: valueScale(spec.y2, { position: 'right', grid: { drawOnChartArea: false } }) }),
      },
    },
  } as ChartConfiguration<'line'>;
}
