// Options shared by every builder: title, legend, axes. Plain data only: the same object is POSTed
// to QuickChart, so no callbacks (labels are precomputed instead).
import { FONT_FAMILY, GRID_COLOR, TEXT_COLOR } from './theme.ts';

/** A value axis. The unit goes into the axis title, e.g. "Price ($/h)". */
export interface AxisSpec {
  title: string;
  unit?: string;
  min?: number;
  max?: number;
}

export interface ChartText {
  title: string;
  /** A second, smaller line under the title, e.g. the period or "simulated data". */
  subtitle?: string;
}

export function font(size: number, weight: 'normal' | 'bold' = 'normal') {
  return { family: FONT_FAMILY, size, weight };
}

export function axisTitle(axis: AxisSpec): string {
  return axis.unit ? `${axis.title} (${axis.unit})` : axis.title;
}

function scaleTitle(text: string) {
  return { display: text !== '', text, color: TEXT_COLOR, font: font(13, 'bold') };
}

export function valueScale(axis: AxisSpec, extra: Record<string, unknown> = {}) {
  return {
    type: 'linear',
    beginAtZero: axis.min === undefined,
    ...(axis.min !== undefined && { min: axis.min }),
    ...(axis.max !== undefined && { max: axis.max }),
    title: scaleTitle(axisTitle(axis)),
    ticks: { color: TEXT_COLOR, font: font(12) },
    grid: { color: GRID_COLOR },
    ...extra,
  };
}

export function categoryScale(title: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'category',
    title: scaleTitle(title),
    // Horizontal labels, thinned out when crowded, stay readable on a phone.
    ticks: { color: TEXT_COLOR, font: font(12), maxRotation: 0, autoSkip: true, autoSkipPadding: 16 },
    grid: { color: GRID_COLOR },
    ...extra,
  };
}

export function baseOptions(text: ChartText, showLegend: boolean) {
  return {
    responsive: false,
    animation: false,
    // Extra room on the right: the last x label is centred on the chart's edge.
    layout: { padding: { top: 12, bottom: 12, left: 12, right: 28 } },
    plugins: {
      title: { display: text.title !== '', text: text.title, color: TEXT_COLOR, font: font(18, 'bold'), padding: { bottom: 4 } },
      subtitle: {
        display: Boolean(text.subtitle),
        text: text.subtitle ?? '',
        color: TEXT_COLOR,
        font: font(13),
        padding: { bottom: 10 },
      },
      legend: {
        display: showLegend,
        position: 'top',
        labels: { color: TEXT_COLOR, font: font(13), boxWidth: 28, boxHeight: 12 },
      },
      tooltip: { enabled: false },
    },
  };
}
