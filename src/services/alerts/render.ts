// The default chat message of an alert delivery (plain text, no chart or buttons) and the default
// chart (the lead instance's GPU utilisation and temperature over the last hours). Both are
// replaceable: AlertService.setRenderer / setChart.
import type { Reply, ReplyImage } from '../../core/reply.ts';
import { alertPayload, type Delivery } from '../../domain/alerts/index.ts';
import type { Db } from '../../store/db.ts';
import { metricHistory } from '../../store/series-metrics.ts';
import { describeChart, timeSeriesChart, type ChartRenderer } from '../charts/index.ts';

const SEVERITY_WORD = { info: 'Info', warning: 'Warning', critical: 'Critical' } as const;
const CHART_HOURS = 6;

/** Commands that follow an alert up: where it happened and how to quiet it. */
export function followUps(delivery: Delivery): string[] {
  const payload = alertPayload(delivery);
  if (payload.instance) return [`ssh ${payload.instance}`, `events instance=${payload.instance}`, `mute ${payload.instance} 2h`];
  if (payload.rule) return [`events rule=${payload.rule}`, `mute ${payload.rule} 2h`];
  return [`mute ${delivery.label} 2h`];
}

export async function plainAlertReply(delivery: Delivery): Promise<Reply> {
  const payload = alertPayload(delivery);
  const resolved = delivery.status === 'resolved';
  const count = delivery.alerts.length > 1 ? ` (${delivery.alerts.length} alerts)` : '';
  const lines = payload.message.split('\n');
  return {
    kind: resolved ? 'success' : delivery.severity === 'critical' ? 'error' : delivery.severity === 'warning' ? 'warning' : 'info',
    title: `${resolved ? 'Resolved' : SEVERITY_WORD[delivery.severity]}: ${payload.type}${count}`,
    text: resolved ? ['All resolved:', ...lines].join('\n') : lines.join('\n'),
    footer: followUps(delivery).join(' · '),
    data: payload,
  };
}

/** The default chart: GPU utilisation and temperature of the alert's instance; none without one or without samples. */
export function metricsChart(db: Db, charts: ChartRenderer, now: () => Date): (delivery: Delivery) => Promise<ReplyImage | undefined> {
  return async (delivery) => {
    const instanceId = alertPayload(delivery).instance ?? delivery.alerts.find((alert) => alert.instanceId)?.instanceId;
    if (!instanceId) return undefined;
    const toMs = now().getTime();
    const samples = await metricHistory(db.series, { orgId: delivery.orgId, instanceId }, { fromMs: toMs - CHART_HOURS * 3_600_000, toMs });
    if (samples.length === 0) return undefined;
    const config = timeSeriesChart({
      title: `${instanceId}: GPU utilisation and temperature`,
      subtitle: `the last ${CHART_HOURS} hours`,
      series: [
        { label: 'GPU utilisation', points: samples.map((sample) => ({ t: Date.parse(sample.at), value: sample.gpuUtilPercent ?? null })) },
        { label: 'GPU temperature', axis: 'right', points: samples.map((sample) => ({ t: Date.parse(sample.at), value: sample.gpuTempC ?? null })) },
      ],
      y: { title: 'Utilisation', unit: '%', min: 0, max: 100 },
      y2: { title: 'Temperature', unit: '°C', min: 0 },
    });
    const chart = await charts.render(config, { devicePixelRatio: 1 });
    return { png: chart.png, alt: describeChart(config), filename: `${instanceId}-gpu.png` };
  };
}
