// `rule backtest`: the org's recorded week (or `days`) rebuilt as the snapshots the live loop would
// have seen — instances and their status and rate from the ledger, GPU metrics from the metrics series
// (samples at sync resolution where kept, hourly means before), market facts from price history — at
// the recorded sync times, then replayed through the pure `backtest`.
import { GPU_CATALOGUE } from '#domain/gpus.ts';
import { amountWithin } from '#domain/ledger.ts';
import { backtest, type BacktestReport, type MarketFacts, type Rule, type RuleSnapshot } from '#domain/rules/index.ts';
import type { InstanceRecord, LedgerEntry, MetricSample } from '#store/fleet-schema.ts';
import { ledgerEntries, instanceCostMicros } from '#store/series-ledger.ts';
import { metricHistory } from '#store/series-metrics.ts';
import type { SeriesPoints } from '../market/index.ts';
import type { AutomationContext } from './context.ts';
import { instanceFacts, marketWindows, NO_MARKET } from './snapshot.ts';

const DAY_MS = 86_400_000;
/** The most snapshots one backtest replays; a longer record is evenly thinned (the last kept). */
const MAX_BACKTEST_SNAPSHOTS = 2000;

interface RecordedInstance {
  record: InstanceRecord;
  entries: LedgerEntry[];
  metrics: MetricSample[];
  totalMicros: number;
}

/** Evenly thins sorted times to at most `max`, always keeping the last. */
function thinTimes(times: readonly number[], max: number): number[] {
  if (times.length <= max) return [...times];
  const step = times.length / max;
  const kept = Array.from({ length: max - 1 }, (_, index) => times[Math.floor(index * step)]!);
  return [...kept, times.at(-1)!];
}

export async function backtestRule(context: AutomationContext, orgId: string, rule: Rule, days: number, nowMs: number): Promise<BacktestReport> {
  const range = { fromMs: nowMs - days * DAY_MS, toMs: nowMs };
  const ledger = await ledgerEntries(context.db, orgId, range);
  const data = context.db.data;
  const lines: RecordedInstance[] = [];
  for (const record of data.instances.filter((candidate) => candidate.orgId === orgId && candidate.providerInstanceId)) {
    const entries = ledger.filter((entry) => entry.instanceId === record.id).sort((a, b) => Date.parse(a.from) - Date.parse(b.from));
    if (entries.length === 0) continue;
    const metrics = (await metricHistory(context.db.series, { orgId, instanceId: record.id }, range)).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    lines.push({ record, entries, metrics, totalMicros: instanceCostMicros(data, orgId, record.id) });
  }
  // The recorded sync times: every metric sample and ledger boundary in the window.
  const times = new Set<number>();
  for (const line of lines) {
    for (const sample of line.metrics) times.add(Date.parse(sample.at));
    for (const entry of line.entries) times.add(Date.parse(entry.from)).add(Date.parse(entry.to));
  }
  const sorted = thinTimes([...times].filter((t) => t >= range.fromMs && t <= range.toMs).sort((a, b) => a - b), MAX_BACKTEST_SNAPSHOTS);
  const market = await marketAt(context, [rule], range.fromMs);
  const snapshots = sorted.map((t): RuleSnapshot => ({ at: new Date(t).toISOString(), instances: lines.flatMap((line) => momentFacts(context, line, t)), market: market(t) }));
  return backtest(snapshots, [rule]);
}

/** The instance at time t, or nothing when no ledger entry covers t (not yet created, or gone). */
function momentFacts(context: AutomationContext, line: RecordedInstance, t: number) {
  const index = line.entries.findLastIndex((entry) => Date.parse(entry.from) <= t && t <= Date.parse(entry.to));
  if (index < 0) return [];
  const entry = line.entries[index]!;
  let since = Date.parse(entry.from);
  for (let back = index - 1; back >= 0 && line.entries[back]!.state === 'running' && line.entries[back]!.to === line.entries[back + 1]!.from; back--) since = Date.parse(line.entries[back]!.from);
  const later = line.entries.reduce((sum, candidate) => sum + amountWithin(candidate, { fromMs: t, toMs: Number.MAX_SAFE_INTEGER }), 0);
  const metrics = line.metrics.findLast((sample) => Date.parse(sample.at) <= t);
  return [
    instanceFacts(line.record, context.db.data, {
      status: entry.state,
      costPerHour: entry.rateMicrosPerHour / 1e6,
      entries: line.entries,
      costTotalMicros: Math.max(0, line.totalMicros - later),
      runningSinceMs: since,
      metrics,
      window: { fromMs: Math.floor(t / DAY_MS) * DAY_MS, toMs: t },
    }),
  ];
}

/** Market facts at any time from price history (lowest recorded $/GPU-h per model); none when the rule reads no market. */
async function marketAt(context: AutomationContext, rules: readonly Rule[], fromMs: number): Promise<(t: number) => MarketFacts> {
  const { market, windows } = marketWindows(rules);
  if (!market) return () => NO_MARKET;
  const since = fromMs - Math.max(0, ...windows) * 1000;
  const gpus = GPU_CATALOGUE.map((gpu) => gpu.name);
  let series: SeriesPoints[] = await context.market.history.series(gpus, since, false);
  if (series.length === 0) series = await context.market.history.series(gpus, since, true);
  const minAt = (points: SeriesPoints['points'], t: number) => points.findLast((point) => point.t <= t)?.min;
  return (t) => {
    const cheapest: Record<string, number> = {};
    const priceChangePct: Record<string, Record<string, number>> = {};
    for (const { gpu, points } of series) {
      const now = minAt(points, t);
      if (now === undefined) continue;
      if (cheapest[gpu] === undefined || now < cheapest[gpu]!) cheapest[gpu] = now;
      for (const seconds of windows) {
        const then = minAt(points, t - seconds * 1000);
        if (then === undefined || then <= 0) continue;
        const change = ((now - then) / then) * 100;
        const byGpu = (priceChangePct[gpu] ??= {});
        if (byGpu[String(seconds)] === undefined || Math.abs(change) > Math.abs(byGpu[String(seconds)]!)) byGpu[String(seconds)] = change;
      }
    }
    return { cheapest, priceChangePct };
  };
}
