// The monitoring images as panel grids: four panels for one instance (GPU utilisation, VRAM,
// temperature, cost), a small utilisation-and-VRAM panel per running instance for the fleet.
import type { ChartConfiguration } from 'chart.js';
import type { MetricLines, Point } from '#domain/monitoring.ts';
import { timeSeriesChart, type PanelGrid, type TimeSeries, type TimeSeriesChart } from '../charts/index.ts';
import type { FleetMonitor, InstanceMonitor, MonitoredInstance } from './index.ts';

const MS_PER_HOUR = 3_600_000;
const MS_PER_MINUTE = 60_000;
/** A fleet panel is small: its lines are means over this many steps of the window, calm enough to read at a glance. */
const FLEET_PANEL_STEPS = 72;
const usd = (value: number) => `$${value.toFixed(2)}`;

/** Every line spans the whole window (null at both ends), so all panels share one time axis. */
function anchored(points: readonly Point[], fromMs: number, toMs: number): Point[] {
  return [{ t: fromMs, value: null }, ...points, { t: toMs, value: null }];
}

function machine(instance: MonitoredInstance): string {
  return `${instance.id} · ${instance.gpu}${instance.gpuCount > 1 ? ` ×${instance.gpuCount}` : ''} · ${instance.provider}`;
}

function windowText(view: { from: string; to: string; resolution: 'sync' | 'hourly' }): string {
  const hours = Math.round((Date.parse(view.to) - Date.parse(view.from)) / MS_PER_HOUR);
  return `last ${hours} h, ${view.resolution === 'sync' ? 'every sync' : 'hourly means'}`;
}

function panel(title: string, series: TimeSeries[], y: TimeSeriesChart['y'], y2?: TimeSeriesChart['y2']): ChartConfiguration {
  return timeSeriesChart({ title, series, y, ...(y2 && { y2 }) }) as ChartConfiguration;
}

/** GPU utilisation, VRAM, temperature and cost of one instance; the cost panel alone when it reported no metrics. */
export function instanceGrid(view: InstanceMonitor, lines: MetricLines): PanelGrid {
  const fromMs = Date.parse(view.from);
  const toMs = Date.parse(view.to);
  const line = (points: readonly Point[]) => anchored(points, fromMs, toMs);
  const costPanel = panel(
    'Cost',
    [
      { label: 'Spent in this window', points: line(view.cost.map((point) => ({ t: point.t, value: point.spentUsd }))) },
      { label: 'Rate', points: line(view.cost.map((point) => ({ t: point.t, value: point.rateUsdPerHour }))), style: 'dashed', axis: 'right' },
    ],
    { title: 'Spent', unit: '$' },
    { title: 'Rate', unit: '$/h' },
  );
  const metricPanels = view.samples.length
    ? [
        panel('GPU utilisation', [{ label: 'GPU utilisation', points: line(lines.gpuUtilPercent) }], { title: 'Utilisation', unit: '%', min: 0, max: 100 }),
        panel(
          'VRAM',
          [
            { label: 'Used', points: line(lines.vramUsedGb) },
            { label: 'Total', points: line(lines.vramTotalGb), style: 'dotted' },
          ],
          { title: 'VRAM', unit: 'GB' },
        ),
        panel('GPU temperature', [{ label: 'Temperature', points: line(lines.gpuTempC) }], { title: 'Temperature', unit: '°C' }),
      ]
    : [];
  const spent = view.cost.at(-1)?.spentUsd ?? 0;
  return {
    title: `${machine(view.instance)} — ${windowText(view)}`,
    subtitle: [`${view.instance.status}, ${usd(view.instance.pricePerHour)}/h`, `${usd(spent)} spent in the window`, ...(view.samples.length ? [] : ['no GPU metrics reported']), ...(view.instance.simulated ? ['simulated'] : [])].join(' · '),
    panels: [...metricPanels, costPanel],
    columns: metricPanels.length ? 2 : 1,
  };
}

/** One panel per running instance that reported metrics (at most `max`, dearest first); undefined when none did. */
export function fleetGrid(view: FleetMonitor, max: number): PanelGrid | undefined {
  const fromMs = Date.parse(view.from);
  const toMs = Date.parse(view.to);
  const shown = view.instances.filter((entry) => entry.samples.length > 0).slice(0, max);
  if (shown.length === 0) return undefined;
  const stepMs = Math.max(1, Math.round((toMs - fromMs) / FLEET_PANEL_STEPS / MS_PER_MINUTE)) * MS_PER_MINUTE;
  const panels = shown.map(({ instance, samples, summary }) => {
    const vramPercent = samples.map((sample) => ({
      t: Date.parse(sample.at),
      value: sample.vramUsedGb !== undefined && sample.vramTotalGb ? Math.round((1000 * sample.vramUsedGb) / sample.vramTotalGb) / 10 : null,
    }));
    const now = summary.latest.gpuUtilPercent === undefined ? '' : ` · now ${summary.latest.gpuUtilPercent} % GPU`;
    return timeSeriesChart({
      title: machine(instance),
      subtitle: `${usd(instance.pricePerHour)}/h${now}`,
      series: [
        { label: 'GPU utilisation', points: anchored(samples.map((sample) => ({ t: Date.parse(sample.at), value: sample.gpuUtilPercent ?? null })), fromMs, toMs) },
        { label: 'VRAM used', points: anchored(vramPercent, fromMs, toMs), style: 'dashed' },
      ],
      y: { title: 'Use', unit: '%', min: 0, max: 100 },
      stepMs,
    }) as ChartConfiguration;
  });
  const running = view.instances.length;
  const burn = view.instances.reduce((sum, entry) => sum + entry.instance.pricePerHour, 0);
  const left = running - shown.length;
  return {
    title: `Fleet — ${running} running, ${usd(burn)}/h`,
    subtitle: `last ${Math.round((toMs - fromMs) / MS_PER_HOUR)} h in ${view.resolution === 'sync' ? `${stepMs / MS_PER_MINUTE}-minute` : 'hourly'} means${left > 0 ? ` · ${left} more not drawn (no metrics, or past the first ${max})` : ''}${view.instances.every((entry) => entry.instance.simulated) ? ' · simulated' : ''}`,
    panels,
    panelWidth: 480,
    panelHeight: 300,
  };
}
