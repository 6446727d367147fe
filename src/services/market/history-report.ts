// `prices history`: a GPU's recorded prices as a chart (per provider: the cheapest offer, solid, and the
// median offer, dashed) and one line of judgement on today's cheapest price against the period.
import type { ChartConfiguration } from 'chart.js';
import { providerLabel } from '#domain/providers.ts';
import { cheapestOverTime, judgePrice, ordinal, stepForWindow, type PriceJudgement } from '#domain/history.ts';
import { formatUsd } from '#domain/pricing.ts';
import { timeSeriesChart, type TimeSeries } from '../charts/index.ts';
import type { SeriesPoints } from './price-history.ts';

const DAY = 86_400_000;

export interface HistoryReport {
  chart: ChartConfiguration;
  /** One line a renter acts on. */
  judgement: string;
  /** Machine-readable: the points behind the chart and the judgement figures. */
  data: {
    gpu: string;
    days: number;
    unit: '$/GPU-h';
    simulated: boolean;
    current?: { pricePerGpuHour: number; provider: string };
    percentile?: number;
    series: { provider: string; points: { t: string; min: number; p10: number; median: number; count: number }[] }[];
  };
}

/** The cheapest latest sample across providers, if any was taken in the last `freshMs`. */
function currentCheapest(series: readonly SeriesPoints[], now: number, freshMs: number): { price: number; provider: string } | undefined {
  let best: { price: number; provider: string } | undefined;
  for (const { provider, points } of series) {
    const latest = points.at(-1);
    if (!latest || now - latest.t > freshMs) continue;
    if (!best || latest.min < best.price) best = { price: latest.min, provider };
  }
  return best;
}

function judgementLine(gpu: string, days: number, current: { price: number; provider: string } | undefined, judgement: PriceJudgement | undefined, since: number | undefined, now: number): string {
  const period = days === 1 ? 'the last day' : `the last ${days} days`;
  if (!current) return `No recent ${gpu} prices recorded: no provider listed it in the last refresh.`;
  const head = `${gpu} now from ${formatUsd(current.price)}/GPU-h (${providerLabel(current.provider)})`;
  if (!judgement) {
    const minutes = since === undefined ? 0 : Math.round((now - since) / 60_000);
    const began = minutes < 2 ? 'just now' : minutes < 120 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`;
    return `${head}. Not enough history yet to judge: recording began ${began} and builds up while ComputeHub runs.`;
  }
  const advice = { cheap: 'cheap for this period', typical: 'a typical price for this period', expensive: 'expensive for this period; waiting may pay' }[judgement.verdict];
  return `${head}: at the ${ordinal(Math.round(judgement.percentile))} percentile of ${period} (range ${formatUsd(judgement.low)}–${formatUsd(judgement.high)}), ${advice}.`;
}

export function historyReport(gpu: string, days: number, series: readonly SeriesPoints[], now: number, simulated: boolean, freshMs: number): HistoryReport {
  const stepMs = stepForWindow(days);
  const current = currentCheapest(series, now, freshMs);
  const past = cheapestOverTime(series.map((entry) => entry.points), stepMs).map((point) => point.value);
  const judgement = current ? judgePrice(current.price, past) : undefined;
  const since = series.length ? Math.min(...series.map((entry) => entry.points[0]!.t)) : undefined;
  const lines: TimeSeries[] = series.flatMap(({ provider, points }) => [
    { label: `${providerLabel(provider)} cheapest`, colourKey: provider, style: 'solid' as const, points: points.map((point) => ({ t: point.t, value: point.min })) },
    { label: `${providerLabel(provider)} median`, colourKey: provider, style: 'dashed' as const, points: points.map((point) => ({ t: point.t, value: point.median })) },
  ]);
  const chart = timeSeriesChart({
    title: `${gpu}: price per GPU-hour, ${days === 1 ? 'last day' : `last ${days} days`}`,
    subtitle: `cheapest offer (solid) and median offer (dashed) per provider${simulated ? ' · simulated market' : ''}`,
    series: lines,
    y: { title: 'Price', unit: '$/GPU-h' },
    stepMs,
  });
  const data: HistoryReport['data'] = {
    gpu,
    days,
    unit: '$/GPU-h',
    simulated,
    series: series.map(({ provider, points }) => ({
      provider,
      points: points.map((point) => ({ t: new Date(point.t).toISOString(), min: point.min, p10: point.p10, median: point.median, count: point.count })),
    })),
  };
  if (current) data.current = { pricePerGpuHour: current.price, provider: current.provider };
  if (judgement) data.percentile = Math.round(judgement.percentile);
  return { chart, judgement: judgementLine(gpu, days, current, judgement, since, now), data };
}

export const HISTORY_MAX_DAYS = 365;
export const historySince = (now: number, days: number) => now - days * DAY;
