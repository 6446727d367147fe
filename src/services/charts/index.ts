// The charts service: builders make plain chart.js configs, the renderer turns them into PNGs.
export { timeSeriesChart, type TimeSeries, type TimeSeriesChart, type TimePoint } from './time-series.ts';
export { gpuMetricsChart, hasGpuFigures, type GpuMetricsChart, type GpuSample } from './gpu-metrics.ts';
export { costTrendChart, type CostTrendChart } from './cost-trend.ts';
export { barChart, stackedBarChart, type BarChart, type BarSeries, type StackedBarChart } from './bar-charts.ts';
export type { AxisSpec, ChartText } from './layout.ts';
export { utcDay, utcClock } from './time-axis.ts';
export { PALETTE, FONT_FAMILY, type ChartSize, type LineStyle } from './theme.ts';
export { describeChart } from './describe.ts';
export {
  createChartRenderer,
  type ChartRenderer,
  type ChartRendererOptions,
  type RenderedChart,
} from './renderer.ts';
export { renderPanels, describePanels, gridLayout, type PanelGrid } from './panels.ts';
