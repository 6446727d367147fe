// The picture of an alert: a cap alert shows the spend climbing towards its cap, a price alert the
// GPU's price history, anything about one machine (down, idle, a rule) its GPU utilisation, VRAM
// and temperature over the last hours, or its cost when the provider reports no GPU figures.
import type { ChartConfiguration } from 'chart.js';
import type { Alert } from '#domain/alerts/index.ts';
import { billingState, formatUsd, microsToUsd, usdToMicros, type Window } from '#domain/ledger.ts';
import { costCurve, extendOpenEntry } from '#domain/monitoring.ts';
import type { CapRecord } from '#store/automation-schema.ts';
import type { Db } from '#store/db.ts';
import type { InstanceRecord } from '#store/fleet-schema.ts';
import { metricHistory } from '#store/series-metrics.ts';
import { instanceCostMicros, ledgerEntries } from '#store/series-ledger.ts';
import { CAP_WARNING_SHARE, capPeriod, capScope, inCapScope } from '../automation/caps.ts';
import { costTrendChart, gpuMetricsChart, hasGpuFigures, utcClock, utcDay } from '../charts/index.ts';
import { historyReport } from '../market/history-report.ts';
import type { PriceHistory } from '../market/price-history.ts';
import type { AlertFacts } from './alert-reply.ts';

export interface AlertChartSources {
  db: Db;
  history: PriceHistory;
  /** Whether the org's market is the simulator's (price history is kept apart for it). */
  simulatedMarket: (orgId: string) => boolean;
  /** A price sample older than this is not "now" (twice the price refresh interval). */
  priceFreshMs: number;
}

export interface AlertChart {
  config: ChartConfiguration;
  filename: string;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** How far back a machine's GPU chart looks. */
const METRICS_WINDOW_MS = 6 * HOUR_MS;
/** How far back a total cap's chart (or a machine without GPU figures) looks at most. */
const SPEND_WINDOW_MS = 7 * DAY_MS;
const PRICE_DAYS = 7;

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const label = (record: InstanceRecord) => (record.name !== record.id ? `${record.id} (${record.name})` : record.id);
const utcTime = (ms: number) => `${utcDay(ms)} ${utcClock(ms)} UTC`;
const simulatedNote = (simulated: boolean) => (simulated ? ' · simulated' : '');

/** The chart for an alert group, or undefined when nothing worth drawing is recorded. */
export async function alertChart(lead: Alert, instances: readonly string[], facts: AlertFacts, sources: AlertChartSources, nowMs: number): Promise<AlertChart | undefined> {
  const cap = lead.kind.startsWith('cap-') && lead.ruleId ? facts.caps.get(lead.ruleId) : undefined;
  if (cap) return capChart(cap, sources.db, nowMs);
  const single = instances.length === 1 ? facts.instances.get(instances[0]!) : undefined;
  if (lead.kind === 'price-alert') {
    const gpu = typeof lead.values?.gpu === 'string' ? lead.values.gpu : single?.gpu;
    return gpu ? priceChart(gpu, lead.orgId, sources, nowMs) : undefined;
  }
  if (instances.length !== 1) return undefined;
  return (await gpuChart(instances[0]!, single, lead, sources.db, nowMs)) ?? (single && spendChart(single, sources.db, nowMs));
}

/** The instance's GPU figures, by its id: they outlive its record (a machine destroyed since). */
async function gpuChart(instanceId: string, record: InstanceRecord | undefined, lead: Alert, db: Db, nowMs: number): Promise<AlertChart | undefined> {
  const samples = await metricHistory(db.series, { orgId: lead.orgId, instanceId }, { fromMs: nowMs - METRICS_WINDOW_MS, toMs: nowMs + 1 });
  if (!hasGpuFigures(samples)) return undefined;
  const machine = record ? `${record.gpuCount > 1 ? `${record.gpuCount}× ` : ''}${record.gpu} on ${record.provider} · ` : '';
  const config = gpuMetricsChart({
    title: `${record ? label(record) : instanceId}: GPU, last 6 hours`,
    subtitle: `${machine}alert since ${utcTime(Date.parse(lead.startsAt))}${simulatedNote(record?.simulated ?? false)}`,
    samples,
  });
  return { config, filename: `gpu-${slug(instanceId)}.png` };
}

/** The machine's spend over the last week (or since it was created): the picture when it reports no GPU figures. */
async function spendChart(record: InstanceRecord, db: Db, nowMs: number): Promise<AlertChart | undefined> {
  const window = { fromMs: Math.max(Date.parse(record.createdAt), nowMs - SPEND_WINDOW_MS), toMs: nowMs };
  if (window.toMs <= window.fromMs) return undefined;
  const recorded = (await ledgerEntries(db, record.orgId, window)).filter((entry) => entry.instanceId === record.id);
  const entries = !record.destroyedAt && billingState(record.status) ? extendOpenEntry(recorded, nowMs) : recorded;
  const points = costCurve(entries, window).map((point) => ({ t: point.t, usd: point.spentUsd }));
  const config = costTrendChart({ title: `${label(record)}: spend`, subtitle: `since ${utcTime(window.fromMs)} · no GPU figures reported${simulatedNote(record.simulated)}`, points });
  return { config, filename: `spend-${slug(record.id)}.png` };
}

/** The cap's period (a total cap: the last week of it, starting from what was spent before). */
function capWindow(cap: CapRecord, db: Db, nowMs: number): Window {
  if (cap.per !== 'total') return { fromMs: capPeriod(cap.per, nowMs).fromMs, toMs: nowMs };
  const created = db.data.instances.filter((record) => inCapScope(cap, record)).map((record) => Date.parse(record.createdAt));
  return { fromMs: Math.max(nowMs - SPEND_WINDOW_MS, Math.min(nowMs, ...created)), toMs: nowMs };
}

async function capChart(cap: CapRecord, db: Db, nowMs: number): Promise<AlertChart> {
  const window = capWindow(cap, db, nowMs);
  const entries = (await ledgerEntries(db, cap.orgId, window)).filter((entry) => inCapScope(cap, entry));
  let points = costCurve(entries, window).map((point) => ({ t: point.t, usd: point.spentUsd }));
  if (cap.per === 'total') {
    // Everything the scope cost before the window starts the line where it really was.
    const total = db.data.instances.filter((record) => inCapScope(cap, record)).reduce((sum, record) => sum + instanceCostMicros(db.data, record.orgId, record.id), 0);
    const before = Math.max(0, microsToUsd(total) - (points.at(-1)?.usd ?? 0));
    points = points.map((point) => ({ ...point, usd: point.usd + before }));
  }
  const period = cap.per === 'total' ? 'in all' : `this ${cap.per} (UTC)`;
  const scope = cap.instanceId ? db.data.instances.find((record) => record.orgId === cap.orgId && record.id === cap.instanceId) : undefined;
  const config = costTrendChart({
    title: `${scope ? label(scope) : capScope(cap)}: spend ${period}`,
    subtitle: `cap ${cap.id} at ${formatUsd(usdToMicros(cap.usd))}, then ${cap.action}${simulatedNote(scope?.simulated ?? false)}`,
    points,
    cap: cap.usd,
    warnShare: CAP_WARNING_SHARE,
  });
  return { config, filename: `cap-${slug(cap.id)}.png` };
}

async function priceChart(gpu: string, orgId: string, sources: AlertChartSources, nowMs: number): Promise<AlertChart | undefined> {
  const simulated = sources.simulatedMarket(orgId);
  const series = await sources.history.series([gpu], nowMs - PRICE_DAYS * DAY_MS, simulated);
  if (series.length === 0) return undefined;
  const report = historyReport(gpu, PRICE_DAYS, series, nowMs, simulated, sources.priceFreshMs);
  return { config: report.chart, filename: `prices-${slug(gpu)}-${PRICE_DAYS}d.png` };
}
