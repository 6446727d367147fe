// Builds what the rules look at for one org: every instance that is not destroyed, with its cost
// from the ledger, its uptime and latest GPU metrics, and the market facts the org's rules read.
import { canonicalGpu } from '#domain/gpus.ts';
import { billingRate } from '#domain/fleet.ts';
import { amountWithin, microsToUsd } from '#domain/ledger.ts';
import type { InstanceFacts, MarketFacts, Rule, RuleSnapshot } from '#domain/rules/index.ts';
import type { InstanceRecord, LedgerEntry, MetricSample } from '#store/fleet-schema.ts';
import type { Database } from '#store/schema.ts';
import { instanceCostMicros } from '#store/series-ledger.ts';
import { projectName } from '../fleet/records.ts';
import type { MarketService } from '../market/index.ts';

const DAY_MS = 86_400_000;

export interface SnapshotSources {
  data: Database;
  /** Ledger entries already moved to the ledger series that may overlap today. */
  sealedToday: readonly LedgerEntry[];
  /** Latest metric sample per "orgId/instanceId". */
  latestMetrics: ReadonlyMap<string, MetricSample>;
  market: MarketFacts;
  nowMs: number;
}

export const metricKey = (orgId: string, instanceId: string) => `${orgId}/${instanceId}`;

export function buildSnapshot(orgId: string, sources: SnapshotSources): RuleSnapshot {
  const { data, nowMs } = sources;
  const window = { fromMs: Math.floor(nowMs / DAY_MS) * DAY_MS, toMs: nowMs };
  const entries = [...data.ledger, ...sources.sealedToday].filter((entry) => entry.orgId === orgId);
  const instances = data.instances
    .filter((record) => record.orgId === orgId && !record.destroyedAt && record.providerInstanceId)
    .map((record) => facts(record, data, entries.filter((entry) => entry.instanceId === record.id), sources.latestMetrics.get(metricKey(orgId, record.id)), window));
  return { at: new Date(nowMs).toISOString(), instances, market: sources.market };
}

/** An instance as it was at one moment: what the ledger and the metrics say then. */
export interface InstanceMoment {
  status: InstanceRecord['status'];
  /** This instance's ledger entries that may overlap the moment's day. */
  entries: readonly LedgerEntry[];
  costTotalMicros: number;
  /** When it last started running (used only while running). */
  runningSinceMs: number;
  metrics: MetricSample | undefined;
  /** From 00:00 UTC of the moment's day to the moment. */
  window: { fromMs: number; toMs: number };
  /** $/h billed at the moment; the record's price for its status when absent. */
  costPerHour?: number;
}

/** The facts a rule reads about one instance at one moment: the live loop and `rule backtest` both use it. */
export function instanceFacts(record: InstanceRecord, data: Database, moment: InstanceMoment): InstanceFacts {
  const { metrics, window } = moment;
  const vramPct = metrics?.vramUsedGb !== undefined && metrics.vramTotalGb ? (metrics.vramUsedGb / metrics.vramTotalGb) * 100 : null;
  return {
    id: record.id,
    name: record.name,
    project: projectName(data, record.projectId),
    provider: record.provider,
    gpu: canonicalGpu(record.gpu)?.name ?? record.gpu,
    status: moment.status,
    costPerHour: moment.costPerHour ?? billingRate({ status: moment.status, pricePerHour: record.pricePerHour, stoppedPricePerHour: record.stoppedPricePerHour }),
    stoppedCostPerHour: record.stoppedPricePerHour ?? 0,
    costToday: microsToUsd(moment.entries.reduce((sum, entry) => sum + amountWithin(entry, window), 0)),
    costTotal: microsToUsd(moment.costTotalMicros),
    uptimeSeconds: moment.status === 'running' ? Math.max(0, Math.round((window.toMs - moment.runningSinceMs) / 1000)) : 0,
    gpuUtil: metrics?.gpuUtilPercent ?? null,
    vramUsedPct: vramPct,
    gpuTemp: metrics?.gpuTempC ?? null,
    createdAt: record.createdAt,
    ...(record.createdBy?.startsWith('rule:') && { createdByRule: record.createdBy.slice('rule:'.length) }),
  };
}

function facts(record: InstanceRecord, data: Database, entries: LedgerEntry[], metrics: MetricSample | undefined, window: { fromMs: number; toMs: number }): InstanceFacts {
  // The open running entry starts when the instance last started billing as running.
  const openRunning = entries.filter((entry) => entry.state === 'running').sort((a, b) => Date.parse(b.to) - Date.parse(a.to))[0];
  const since = openRunning && openRunning.to === record.accruedUntil ? Date.parse(openRunning.from) : Date.parse(record.readyAt ?? record.createdAt);
  return instanceFacts(record, data, { status: record.status, entries, costTotalMicros: instanceCostMicros(data, record.orgId, record.id), runningSinceMs: since, metrics, window });
}

/** Whether the rules read the market, and the price-change windows (seconds) they read. */
export function marketWindows(rules: readonly Rule[]): { market: boolean; windows: number[] } {
  return { market: rules.some((rule) => rule.readsMarket), windows: [...new Set(rules.flatMap((rule) => rule.priceWindowsSeconds))] };
}

export const NO_MARKET: MarketFacts = { cheapest: {}, priceChangePct: {} };

/** Lowest $/h per GPU on the market now (the offer cache), and its change over each window. */
export async function marketFacts(market: MarketService, orgId: string, windows: readonly number[], nowMs: number): Promise<MarketFacts> {
  const result = await market.search(orgId, { criteria: {}, sort: 'price' });
  const cheapest: Record<string, number> = {};
  let simulated = false;
  for (const { offer } of result.offers) {
    const perGpu = offer.pricePerHour / Math.max(1, offer.gpuCount);
    if (cheapest[offer.gpu] === undefined || perGpu < cheapest[offer.gpu]!) cheapest[offer.gpu] = perGpu;
    simulated ||= Boolean(offer.simulated);
  }
  const priceChangePct: Record<string, Record<string, number>> = {};
  for (const seconds of windows) {
    for (const series of await market.history.series(Object.keys(cheapest), nowMs - seconds * 1000, simulated)) {
      const first = series.points[0]!;
      const last = series.points[series.points.length - 1]!;
      if (first.min <= 0 || first === last) continue;
      const byGpu = (priceChangePct[series.gpu] ??= {});
      const change = ((last.min - first.min) / first.min) * 100;
      // Several providers record the same GPU: the largest move is what a rule watching it cares for.
      const key = String(seconds);
      if (byGpu[key] === undefined || Math.abs(change) > Math.abs(byGpu[key]!)) byGpu[key] = change;
    }
  }
  return { cheapest, priceChangePct };
}
