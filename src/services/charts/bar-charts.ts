// Bar charts: stacked (cost per day by provider / project / GPU) and simple (one value per category).
import type { ChartConfiguration } from 'chart.js';
import { baseOptions, categoryScale, valueScale, type AxisSpec, type ChartText } from './layout.ts';
import { colourAssigner, withAlpha } from './theme.ts';

export interface BarSeries {
  label: string;
  /** One value per category, in the same order; null where there is nothing. */
  values: (number | null)[];
  colourKey?: string;
}

export interface StackedBarChart extends ChartText {
  /** E.g. days formatted with `utcDay`, or project names. */
  categories: string[];
  /** The category axis title, e.g. "Date (UTC)". */
  categoryAxis: string;
  series: BarSeries[];
  y: AxisSpec;
}

export interface BarChart extends ChartText {
  categories: string[];
  categoryAxis: string;
  values: (number | null)[];
  /** What the values are, e.g. "Cost"; shown in the legend only when there are several series. */
  label: string;
  y: AxisSpec;
  /** Bars grow to the right; better for long category names (GPU models, instance names). */
  horizontal?: boolean;
}

const FILL_ALPHA = 0.85;

function barDataset(series: BarSeries, colour: string) {
  return { label: series.label, data: series.values, backgroundColor: withAlpha(colour, FILL_ALPHA), borderColor: colour, borderWidth: 1 };
}

export function stackedBarChart(spec: StackedBarChart): ChartConfiguration<'bar'> {
  const colourFor = colourAssigner();
  const datasets = spec.series.map((series) => barDataset(series, colourFor(series.colourKey ?? series.label).colour));
  return {
    type: 'bar',
    data: { labels: spec.categories, datasets },
    options: {
      ...baseOptions(spec, true),
      scales: { x: categoryScale(spec.categoryAxis, { stacked: true }), y: valueScale(spec.y, { stacked: true }) },
    },
  } as ChartConfiguration<'bar'>;
}

export function barChart(spec: BarChart): ChartConfiguration<'bar'> {
  const dataset = barDataset({ label: spec.label, values: spec.values }, colourAssigner()(spec.label).colour);
  const category = categoryScale(spec.categoryAxis);
  // Stacked vertically, every name fits, and a skipped name would leave a bar unlabelled.
  if (spec.horizontal) category.ticks.autoSkip = false;
  const value = valueScale(spec.y);
  return {
    type: 'bar',
    data: { labels: spec.categories, datasets: [dataset] },
    options: {
      ...baseOptions(spec, false),
      indexAxis: spec.horizontal ? 'y' : 'x',
      scales: spec.horizontal ? { x: value, y: category } : { x: category, y: value },
    },
  } as ChartConfiguration<'bar'>;
}
