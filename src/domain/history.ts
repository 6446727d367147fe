// Price history maths: the statistics each refresh records per (GPU, provider), the downsampling
// that keeps a year of them bounded, and the percentile judgement shown under the chart. Pure.

export interface PriceStats {
  /** USD per GPU-hour. */
  min: number;
  p10: number;
  median: number;
  /** Offers the statistics were taken over. */
  count: number;
}

/** Linear interpolation between closest ranks (the usual "type 7" quantile); `sorted` ascending. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

export function priceStats(prices: readonly number[]): PriceStats | undefined {
  if (prices.length === 0) return undefined;
  const sorted = [...prices].sort((a, b) => a - b);
  return { min: sorted[0]!, p10: quantile(sorted, 0.1), median: quantile(sorted, 0.5), count: sorted.length };
}

/** Where `value` sits among `values`, 0..100: the share below it, counting ties as half. */
export function percentileRank(value: number, values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let below = 0;
  let equal = 0;
  for (const other of values) {
    if (other < value) below++;
    else if (other === value) equal++;
  }
  return (100 * (below + equal / 2)) / values.length;
}

// ---- Stored series ----

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Three tiers per series. A sample lands in `raw` (one point per 5-minute slot); points older than a day
 * are folded into `hourly`, older than 30 days into `daily`, and dropped after a year. So a series never
 * holds more than 288 + 720 + 365 points (plus one partial bucket per tier), whatever the refresh rate.
 */
export const RETENTION = {
  raw: { stepMs: 5 * MINUTE, keepMs: DAY },
  hourly: { stepMs: HOUR, keepMs: 30 * DAY },
  daily: { stepMs: DAY, keepMs: 365 * DAY },
} as const;

/**
 * One point, stored compactly as a tuple: [bucket start (unix seconds), min, p10, median (each in
 * 1/10,000 USD per GPU-hour), offer count, samples merged]. A folded point holds the averages of the
 * samples it replaced, so older buckets stay comparable with recent ones.
 */
export type StoredPoint = [t: number, min: number, p10: number, median: number, count: number, samples: number];

export interface StoredSeries {
  provider: string;
  gpu: string;
  simulated: boolean;
  raw: StoredPoint[];
  hourly: StoredPoint[];
  daily: StoredPoint[];
}

const PRICE_UNIT = 10_000;

export interface HistoryPoint extends PriceStats {
  /** Bucket start, epoch ms. */
  t: number;
}

export function toPoint([t, min, p10, median, count]: StoredPoint): HistoryPoint {
  return { t: t * 1000, min: min / PRICE_UNIT, p10: p10 / PRICE_UNIT, median: median / PRICE_UNIT, count };
}

function storedPoint(bucketMs: number, stats: PriceStats): StoredPoint {
  const unit = (usd: number) => Math.round(usd * PRICE_UNIT);
  return [bucketMs / 1000, unit(stats.min), unit(stats.p10), unit(stats.median), stats.count, 1];
}

/** Weighted average of two points (rounded back to the stored units). */
function merge(into: StoredPoint, from: StoredPoint): void {
  const total = into[5] + from[5];
  for (const index of [1, 2, 3, 4] as const) into[index] = Math.round((into[index] * into[5] + from[index] * from[5]) / total);
  into[5] = total;
}

/** Adds a point to a tier, folding it into the last bucket when it falls into the same one. */
function append(points: StoredPoint[], point: StoredPoint, stepMs: number): void {
  const bucket = Math.floor((point[0] * 1000) / stepMs) * stepMs;
  const last = points.at(-1);
  // A sample from before the newest bucket (a clock stepped back) is dropped rather than misplaced.
  if (last && last[0] * 1000 > bucket) return;
  if (last && last[0] * 1000 === bucket) merge(last, point);
  else points.push([bucket / 1000, point[1], point[2], point[3], point[4], point[5]]);
}

/** Moves points older than the tier keeps into the next tier (or drops them after the last). */
function age(from: StoredPoint[], keepMs: number, now: number, to: StoredPoint[] | undefined, toStepMs: number): void {
  let expired = 0;
  while (expired < from.length && from[expired]![0] * 1000 < now - keepMs) {
    if (to) append(to, from[expired]!, toStepMs);
    expired++;
  }
  if (expired > 0) from.splice(0, expired);
}

/** Records one refresh's statistics at `now` (epoch ms) and applies retention. Mutates `series`. */
export function recordSample(series: StoredSeries, now: number, stats: PriceStats): void {
  const slot = Math.floor(now / RETENTION.raw.stepMs) * RETENTION.raw.stepMs;
  append(series.raw, storedPoint(slot, stats), RETENTION.raw.stepMs);
  age(series.raw, RETENTION.raw.keepMs, now, series.hourly, RETENTION.hourly.stepMs);
  age(series.hourly, RETENTION.hourly.keepMs, now, series.daily, RETENTION.daily.stepMs);
  age(series.daily, RETENTION.daily.keepMs, now, undefined, 0);
}

/** A series' points since `since` (epoch ms), oldest first, across tiers. */
export function pointsSince(series: StoredSeries, since: number): HistoryPoint[] {
  return [...series.daily, ...series.hourly, ...series.raw].filter((point) => point[0] * 1000 >= since).map(toPoint);
}

/** The step a chart of `days` days reads best at: the tier resolution that covers the whole window. */
export function stepForWindow(days: number): number {
  if (days <= 1) return RETENTION.raw.stepMs;
  if (days <= 30) return RETENTION.hourly.stepMs;
  return RETENTION.daily.stepMs;
}

/**
 * The cheapest price over time across several series (e.g. one GPU at every provider): per time bucket,
 * the lowest of each series' average `min` in that bucket. The values a judgement compares against.
 */
export function cheapestOverTime(series: readonly HistoryPoint[][], stepMs: number): { t: number; value: number }[] {
  const buckets = new Map<number, number>();
  for (const points of series) {
    const sums = new Map<number, { sum: number; n: number }>();
    for (const point of points) {
      const bucket = Math.floor(point.t / stepMs) * stepMs;
      const entry = sums.get(bucket) ?? { sum: 0, n: 0 };
      entry.sum += point.min;
      entry.n++;
      sums.set(bucket, entry);
    }
    for (const [bucket, { sum, n }] of sums) {
      const average = sum / n;
      const best = buckets.get(bucket);
      if (best === undefined || average < best) buckets.set(bucket, average);
    }
  }
  return [...buckets].sort((a, b) => a[0] - b[0]).map(([t, value]) => ({ t, value }));
}

export interface PriceJudgement {
  /** 0..100 */
  percentile: number;
  low: number;
  high: number;
  /** A few words a renter acts on. */
  verdict: 'cheap' | 'typical' | 'expensive';
}

/** How today's price compares with the period; undefined with too little history to say. */
export function judgePrice(current: number, past: readonly number[]): PriceJudgement | undefined {
  if (past.length < 2) return undefined;
  const percentile = percentileRank(current, past);
  return {
    percentile,
    low: Math.min(...past),
    high: Math.max(...past),
    verdict: percentile <= 25 ? 'cheap' : percentile >= 75 ? 'expensive' : 'typical',
  };
}

/** 1 → "1st", 12 → "12th", 22 → "22nd". */
export function ordinal(n: number): string {
  const mod100 = n % 100;
  const suffix = mod100 >= 11 && mod100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
