// Alt text for a chart image, derived from its config (screen readers, notification fallbacks).
import type { ChartConfiguration } from 'chart.js';

export function describeChart(config: ChartConfiguration): string {
  const plugins = config.options?.plugins;
  const title = typeof plugins?.title?.text === 'string' ? plugins.title.text : '';
  const stacked = config.type === 'bar' && JSON.stringify(config.options?.scales ?? {}).includes('"stacked":true');
  const kind = config.type === 'line' ? 'Line chart' : stacked ? 'Stacked bar chart' : 'Bar chart';
  const series = config.data.datasets.map((dataset) => dataset.label).filter(Boolean);
  // Time axes label only some buckets, some on two lines.
  const labels = (config.data.labels ?? []).map((label) => (Array.isArray(label) ? label.join(' ') : String(label))).filter(Boolean);
  const range = labels.length > 1 ? `, ${labels[0]} to ${labels[labels.length - 1]}` : '';
  return `${kind}${title ? `: ${title}` : ''}${series.length > 1 ? ` (${series.join(', ')})` : ''}${range}`;
}
