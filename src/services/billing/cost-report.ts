// The cost report: the ledger summed over a period by provider / project / GPU / user, the burn rate
// now, a month-end forecast, and provider balances with the runway they leave.
import { billingState, breakdown, formatDuration, forecastMonthEnd, microsToUsd, monthStartMs, periodWindow, runwayHours, usdToMicros, type Period } from '#domain/ledger.ts';
import type { Database } from '#store/schema.ts';
import type { LedgerEntry } from '#store/fleet-schema.ts';
import { ledgerEntries } from '#store/series-ledger.ts';
import type { FleetContext } from '../fleet/context.ts';

export const COST_GROUPINGS = ['provider', 'project', 'gpu', 'user'] as const;
export type CostGrouping = (typeof COST_GROUPINGS)[number];

export interface ProviderBalance {
  provider: string;
  creditUsd: number | null;
  burnPerHour: number;
  /** Hours the credit lasts at this provider's burn rate; null when nothing burns or no balance is known. */
  runwayHours: number | null;
  runway: string | null;
  /** Why there is no balance (the provider has no balance API, or it failed). */
  note?: string;
}

export interface CostReport {
  period: Period;
  by: CostGrouping;
  from: string;
  to: string;
  totalUsd: number;
  groups: { name: string; usd: number }[];
  days: string[];
  /** Per group, USD per day (same order as days). */
  daily: { name: string; usd: number[] }[];
  burnPerHour: number;
  spentThisMonthUsd: number;
  forecastMonthEndUsd: number;
  balances: ProviderBalance[];
  simulated: boolean;
}

function groupNamer(data: Database, by: CostGrouping): (entry: LedgerEntry) => string {
  switch (by) {
    case 'provider':
      return (entry) => entry.provider;
    case 'gpu':
      return (entry) => entry.gpu;
    case 'project':
      return (entry) => data.projects.find((project) => project.id === entry.projectId)?.name ?? entry.projectId;
    case 'user':
      return (entry) => {
        const member = data.members.find((candidate) => `${candidate.platform}:${candidate.userId}` === entry.user && candidate.orgId === entry.orgId);
        return member?.displayName ?? entry.user;
      };
  }
}

const toUsd = (micros: number) => Math.round(microsToUsd(micros) * 100) / 100;

/** Burn rate per provider now, in micro-dollars per hour: running price, or disk price while stopped. */
export function burnByProvider(data: Database, orgId: string): Map<string, number> {
  const burn = new Map<string, number>();
  for (const record of data.instances) {
    if (record.orgId !== orgId || record.destroyedAt) continue;
    const state = billingState(record.status);
    const rate = state === 'running' ? record.pricePerHour : state === 'stopped' ? (record.stoppedPricePerHour ?? 0) : 0;
    burn.set(record.provider, (burn.get(record.provider) ?? 0) + usdToMicros(rate));
  }
  return burn;
}

export async function costReport(context: FleetContext, request: { orgId: string; period: Period; by: CostGrouping }): Promise<CostReport> {
  const data = context.db.data;
  const nowMs = context.now().getTime();
  const window = periodWindow(request.period, nowMs);
  const entries = await ledgerEntries(context.db, request.orgId, { fromMs: Math.min(window.fromMs, monthStartMs(nowMs)), toMs: nowMs });
  const result = breakdown(entries, window, groupNamer(data, request.by));
  const month = breakdown(entries, { fromMs: monthStartMs(nowMs), toMs: nowMs }, () => 'all');
  const burn = burnByProvider(data, request.orgId);
  const burnTotal = [...burn.values()].reduce((sum, value) => sum + value, 0);
  const providers = context.providersFor(request.orgId);
  const balances = await Promise.all(
    providers.map(async (provider): Promise<ProviderBalance> => {
      const providerBurn = burn.get(provider.name) ?? 0;
      const base = { provider: provider.name, burnPerHour: microsToUsd(providerBurn), creditUsd: null, runwayHours: null, runway: null };
      const support = provider.adapter.capabilities.balance;
      if (support !== true) return { ...base, note: support.reason };
      try {
        const balance = await provider.adapter.balance();
        const hours = runwayHours(usdToMicros(balance.creditUsd), providerBurn);
        return { ...base, creditUsd: balance.creditUsd, runwayHours: hours ?? null, runway: hours === undefined ? null : formatDuration(hours * 3_600_000) };
      } catch (error) {
        context.log.warn({ provider: provider.name, err: error }, 'balance lookup failed');
        return { ...base, note: `the balance could not be read (${error instanceof Error ? error.message : 'unknown error'})` };
      }
    }),
  );
  return {
    period: request.period,
    by: request.by,
    from: new Date(window.fromMs).toISOString(),
    to: new Date(window.toMs).toISOString(),
    totalUsd: toUsd(result.totalMicros),
    groups: result.groups.map(([name, micros]) => ({ name, usd: toUsd(micros) })),
    days: result.days,
    daily: result.groups.map(([name]) => ({ name, usd: (result.byDay.get(name) ?? []).map(toUsd) })),
    burnPerHour: microsToUsd(burnTotal),
    spentThisMonthUsd: toUsd(month.totalMicros),
    forecastMonthEndUsd: toUsd(forecastMonthEnd(month.totalMicros, burnTotal, nowMs)),
    balances,
    simulated: providers.length > 0 && providers.every((provider) => provider.mode === 'simulated'),
  };
}
