// One instance's GPU over time: utilisation and VRAM in use (both as % of the GPU, left axis) and
// temperature (°C, right axis). The picture of a down or idle alert, and of monitoring.
import type { ChartConfiguration } from 'chart.js';
import type { ChartText } from './layout.ts';
import { timeSeriesChart, type TimeSeries } from './time-series.ts';

export interface GpuSample {
  /** ISO time, Date or epoch milliseconds (UTC). */
  at: string | Date | number;
  gpuUtilPercent?: number | undefined;
  gpuTempC?: number | undefined;
  vramUsedGb?: number | undefined;
  vramTotalGb?: number | undefined;
}

export interface GpuMetricsChart extends ChartText {
  samples: readonly GpuSample[];
  stepMs?: number;
}

const epoch = (at: GpuSample['at']) => (typeof at === 'string' ? Date.parse(at) : typeof at === 'number' ? at : at.getTime());
const roundTo = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** True when at least one sample carries a GPU figure worth drawing. */
export function hasGpuFigures(samples: readonly GpuSample[]): boolean {
  return samples.some((sample) => sample.gpuUtilPercent !== undefined || sample.gpuTempC !== undefined || sample.vramUsedGb !== undefined);
}

export function gpuMetricsChart(spec: GpuMetricsChart): ChartConfiguration<'line'> {
  const totalGb = Math.max(0, ...spec.samples.map((sample) => sample.vramTotalGb ?? 0));
  const point = (sample: GpuSample, value: number | undefined) => ({ t: epoch(sample.at), value: value ?? null });
  const vramShare = (sample: GpuSample) => {
    const total = sample.vramTotalGb ?? totalGb;
    return sample.vramUsedGb === undefined || !total ? undefined : roundTo((sample.vramUsedGb / total) * 100, 1);
  };
  const series: TimeSeries[] = [
    { label: 'GPU utilisation (%)', points: spec.samples.map((sample) => point(sample, sample.gpuUtilPercent)) },
    { label: totalGb ? `VRAM used (% of ${roundTo(totalGb, 0)} GB)` : 'VRAM used (%)', style: 'dashed', points: spec.samples.map((sample) => point(sample, vramShare(sample))) },
    { label: 'Temperature (°C, right axis)', style: 'dotted', axis: 'right', points: spec.samples.map((sample) => point(sample, sample.gpuTempC)) },
  ];
  const drawn = series.filter((entry) => entry.points.some((p) => p.value !== null));
  const hasTemperature = drawn.some((entry) => entry.axis === 'right');
  return timeSeriesChart({
    title: spec.title,
    ...(spec.subtitle !== undefined && { subtitle: spec.subtitle }),
    series: drawn,
    y: { title: 'GPU', unit: '%', min: 0, max: 100 },
    ...(hasTemperature && { y2: { title: 'Temperature', unit: '°C', min: 0, max: 100 } }),
    ...(spec.stepMs !== undefined && { stepMs: spec.stepMs }),
  });
}
