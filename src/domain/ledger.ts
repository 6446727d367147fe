// The cost ledger's arithmetic: money in integer micro-dollars, one entry per instance per UTC day
// per (state, rate) — the rate in force at the time, never today's catalogue price.
import type { InstanceStatus } from './instance.ts';
import type { LedgerEntry } from './fleet-records.ts';

export const MICROS_PER_USD = 1_000_000;
export const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

export function usdToMicros(usd: number): number {
  return Math.round(usd * MICROS_PER_USD);
}

export function microsToUsd(micros: number): number {
  return micros / MICROS_PER_USD;
}

/** "$12.34"; amounts under a cent keep four decimals so a fresh instance does not read "$0.00". */
export function formatUsd(micros: number): string {
  const usd = microsToUsd(micros);
  if (usd !== 0 && Math.abs(usd) < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

/** What `rate` costs over [fromMs, toMs), rounded once to the micro-dollar. */
export function amountFor(rateMicrosPerHour: number, fromMs: number, toMs: number): number {
  return Math.round((rateMicrosPerHour * Math.max(0, toMs - fromMs)) / MS_PER_HOUR);
}

/** Which rate a status bills at: the running price, the stopped (disk) price, or nothing. */
export function billingState(status: InstanceStatus | 'requested'): LedgerEntry['state'] | undefined {
  switch (status) {
    case 'creating':
    case 'starting':
    case 'running':
    case 'stopping':
    case 'unknown':
      return 'running';
    case 'stopped':
    case 'exited':
      return 'stopped';
    default:
      return undefined;
  }
}

export type LedgerKey = Pick<LedgerEntry, 'instanceId' | 'orgId' | 'projectId' | 'provider' | 'gpu' | 'user'>;

export interface Accrual {
  key: LedgerKey;
  state: LedgerEntry['state'];
  rateMicrosPerHour: number;
  fromMs: number;
  toMs: number;
}

function utcDayStart(ms: number): number {
  return Math.floor(ms / MS_PER_DAY) * MS_PER_DAY;
}

/**
 * Adds usage to the ledger (in place). The instance's latest entry is extended when state, rate and
 * UTC day match and it ends where this begins; otherwise a new entry starts. Entries never span
 * midnight UTC, so per-day reports need no splitting.
 */
export function accrue(ledger: LedgerEntry[], accrual: Accrual): void {
  let from = accrual.fromMs;
  while (from < accrual.toMs) {
    const to = Math.min(accrual.toMs, utcDayStart(from) + MS_PER_DAY);
    const last = lastEntryOf(ledger, accrual.key);
    if (
      last &&
      last.state === accrual.state &&
      last.rateMicrosPerHour === accrual.rateMicrosPerHour &&
      Date.parse(last.to) === from &&
      utcDayStart(Date.parse(last.from)) === utcDayStart(from) &&
      last.projectId === accrual.key.projectId
    ) {
      last.to = new Date(to).toISOString();
      last.amountMicros = amountFor(last.rateMicrosPerHour, Date.parse(last.from), to);
    } else {
      ledger.push({
        ...accrual.key,
        state: accrual.state,
        rateMicrosPerHour: accrual.rateMicrosPerHour,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        amountMicros: amountFor(accrual.rateMicrosPerHour, from, to),
      });
    }
    from = to;
  }
}

/** Short ids (i1) are per org, so an instance is known by its org and id together. */
function lastEntryOf(ledger: LedgerEntry[], key: LedgerKey): LedgerEntry | undefined {
  for (let index = ledger.length - 1; index >= 0; index--) {
    const entry = ledger[index]!;
    if (entry.instanceId === key.instanceId && entry.orgId === key.orgId) return entry;
  }
  return undefined;
}

export interface Window {
  fromMs: number;
  toMs: number;
}

/** The part of an entry's amount that falls inside the window (the whole stored amount when it all does). */
export function amountWithin(entry: LedgerEntry, window: Window): number {
  const from = Date.parse(entry.from);
  const to = Date.parse(entry.to);
  if (from >= window.fromMs && to <= window.toMs) return entry.amountMicros;
  return amountFor(entry.rateMicrosPerHour, Math.max(from, window.fromMs), Math.min(to, window.toMs));
}

export const PERIODS = ['today', '7d', '30d', 'month'] as const;
export type Period = (typeof PERIODS)[number];

export function monthStartMs(nowMs: number): number {
  const now = new Date(nowMs);
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
}

export function monthEndMs(nowMs: number): number {
  const now = new Date(nowMs);
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
}

export function periodWindow(period: Period, nowMs: number): Window {
  switch (period) {
    case 'today':
      return { fromMs: utcDayStart(nowMs), toMs: nowMs };
    case '7d':
      return { fromMs: nowMs - 7 * MS_PER_DAY, toMs: nowMs };
    case '30d':
      return { fromMs: nowMs - 30 * MS_PER_DAY, toMs: nowMs };
    case 'month':
      return { fromMs: monthStartMs(nowMs), toMs: nowMs };
  }
}

export interface CostBreakdown {
  totalMicros: number;
  /** Group → micro-dollars, largest first. */
  groups: [string, number][];
  /** UTC days (YYYY-MM-DD) in the window, oldest first, with each group's micro-dollars that day. */
  days: string[];
  byDay: Map<string, number[]>;
}

/** Sums the ledger inside a window, by group and by UTC day. */
export function breakdown(entries: readonly LedgerEntry[], window: Window, groupOf: (entry: LedgerEntry) => string): CostBreakdown {
  const days: string[] = [];
  for (let day = utcDayStart(window.fromMs); day < window.toMs; day += MS_PER_DAY) days.push(new Date(day).toISOString().slice(0, 10));
  const totals = new Map<string, number>();
  const byDay = new Map<string, number[]>();
  let totalMicros = 0;
  for (const entry of entries) {
    if (Date.parse(entry.to) <= window.fromMs || Date.parse(entry.from) >= window.toMs) continue;
    const amount = amountWithin(entry, window);
    if (amount === 0) continue;
    const group = groupOf(entry);
    totalMicros += amount;
    totals.set(group, (totals.get(group) ?? 0) + amount);
    const series = byDay.get(group) ?? days.map(() => 0);
    const dayIndex = days.indexOf(entry.from.slice(0, 10));
    if (dayIndex >= 0) series[dayIndex]! += amount;
    byDay.set(group, series);
  }
  const groups = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return { totalMicros, groups, days, byDay };
}

/** This month's spend so far plus the current burn rate until the month ends. */
export function forecastMonthEnd(spentThisMonthMicros: number, burnMicrosPerHour: number, nowMs: number): number {
  return spentThisMonthMicros + amountFor(burnMicrosPerHour, nowMs, monthEndMs(nowMs));
}

/** Hours a balance lasts at a burn rate; undefined when nothing burns. */
export function runwayHours(balanceMicros: number, burnMicrosPerHour: number): number | undefined {
  if (burnMicrosPerHour <= 0) return undefined;
  return Math.max(0, balanceMicros) / burnMicrosPerHour;
}

/** "3 d 4 h", "5 h 20 m", "12 m". */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes % 60} m`;
  return `${minutes} m`;
}
