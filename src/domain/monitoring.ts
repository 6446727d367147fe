// What `monitor` charts, as plain series: GPU metrics split into one line per measure, and the cost
// over a window from the ledger (spent so far in the window, and the rate in force). Pure.
import { amountFor, amountWithin, microsToUsd, type Window } from './ledger.ts';
import type { LedgerEntry } from './fleet-records.ts';

export interface Point {
  /** Epoch milliseconds (UTC). */
  t: number;
  value: number | null;
}

export interface MetricLines {
  gpuUtilPercent: Point[];
  vramUsedGb: Point[];
  vramTotalGb: Point[];
  gpuTempC: Point[];
}

const MEASURES = ['gpuUtilPercent', 'vramUsedGb', 'vramTotalGb', 'gpuTempC'] as const;

/** One GPU metric sample as the metrics series stores it (what the provider reported at a sync). */
export type MetricReading = { at: string } & Partial<Record<(typeof MEASURES)[number], number>>;

/** One line per measure, oldest first; a sample missing a measure leaves a hole in that line only. */
export function metricLines(samples: readonly MetricReading[]): MetricLines {
  const lines: MetricLines = { gpuUtilPercent: [], vramUsedGb: [], vramTotalGb: [], gpuTempC: [] };
  const sorted = [...samples].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const sample of sorted) {
    for (const measure of MEASURES) lines[measure].push({ t: Date.parse(sample.at), value: sample[measure] ?? null });
  }
  return lines;
}

/**
 * One instance's entries with the newest stretched to `nowMs`: a machine that still bills has kept
 * billing at that rate since the last sync wrote its entry.
 */
export function extendOpenEntry(entries: readonly LedgerEntry[], nowMs: number): LedgerEntry[] {
  const sorted = [...entries].sort((a, b) => Date.parse(a.from) - Date.parse(b.from));
  const newest = sorted.at(-1);
  if (!newest || Date.parse(newest.to) >= nowMs) return sorted;
  const to = new Date(nowMs).toISOString();
  return [...sorted.slice(0, -1), { ...newest, to, amountMicros: amountFor(newest.rateMicrosPerHour, Date.parse(newest.from), nowMs) }];
}

export interface CostPoint {
  t: number;
  /** USD spent from the window's start up to t. */
  spentUsd: number;
  /** USD per hour billed at t (0 between entries: not billed). */
  rateUsdPerHour: number;
}

/**
 * The cost of the given ledger entries over a window, at `steps` + 1 evenly spaced instants: what was
 * spent since the window began, and the rate in force at each instant.
 */
export function costCurve(entries: readonly LedgerEntry[], window: Window, steps = 120): CostPoint[] {
  const span = Math.max(0, window.toMs - window.fromMs);
  const count = span === 0 ? 1 : Math.max(1, steps);
  const points: CostPoint[] = [];
  for (let index = 0; index <= count; index++) {
    const t = window.fromMs + Math.round((span * index) / count);
    let spent = 0;
    let rate = 0;
    for (const entry of entries) {
      const from = Date.parse(entry.from);
      const to = Date.parse(entry.to);
      if (from < t && to > window.fromMs) spent += amountWithin(entry, { fromMs: window.fromMs, toMs: t });
      // The rate at the window's end is the one still billing (the open entry ends exactly there).
      if (from <= t && (t < to || (t === to && t === window.toMs))) rate += entry.rateMicrosPerHour;
    }
    points.push({ t, spentUsd: microsToUsd(spent), rateUsdPerHour: microsToUsd(rate) });
  }
  return points;
}

export interface MetricSummary {
  /** The newest sample's values; undefined when the instance reported none in the window. */
  latest: Partial<Record<(typeof MEASURES)[number], number>> & { at?: string };
  /** Mean GPU utilisation over the window's samples. */
  meanUtilPercent?: number;
  maxTempC?: number;
}

export function summariseMetrics(samples: readonly MetricReading[]): MetricSummary {
  if (samples.length === 0) return { latest: {} };
  const newest = samples.reduce((a, b) => (Date.parse(b.at) >= Date.parse(a.at) ? b : a));
  const utils = samples.map((sample) => sample.gpuUtilPercent).filter((value): value is number => value !== undefined);
  const temps = samples.map((sample) => sample.gpuTempC).filter((value): value is number => value !== undefined);
  const latest: MetricSummary['latest'] = { at: newest.at };
  for (const measure of MEASURES) if (newest[measure] !== undefined) latest[measure] = newest[measure];
  return {
    latest,
    ...(utils.length && { meanUtilPercent: Math.round((utils.reduce((sum, value) => sum + value, 0) / utils.length) * 10) / 10 }),
    ...(temps.length && { maxTempC: Math.max(...temps) }),
  };
}
