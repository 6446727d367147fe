// The time axis without a date adapter: points are snapped onto an evenly spaced grid of buckets,
// so a category axis keeps real time proportions (an outage shows as a gap, not a squeeze), and
// every bucket gets a precomputed UTC label.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** More buckets than this are merged; a chart is at most ~1600 px wide anyway. */
export const MAX_BUCKETS = 1000;

export interface TimeGrid {
  start: number;
  stepMs: number;
  count: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The typical spacing of a set of timestamps (median, so one jittered sample does not shrink it). */
export function typicalStep(timestamps: number[]): number | undefined {
  const unique = [...new Set(timestamps)].sort((a, b) => a - b);
  const gaps = unique.slice(1).map((t, i) => t - unique[i]!);
  return gaps.length ? median(gaps) : undefined;
}

/** An even grid covering all timestamps; `stepMs` defaults to the data's typical spacing. */
export function timeGrid(timestamps: number[], stepMs?: number): TimeGrid {
  if (timestamps.length === 0) return { start: 0, stepMs: HOUR, count: 0 };
  const start = Math.min(...timestamps);
  const span = Math.max(...timestamps) - start;
  let step = stepMs ?? typicalStep(timestamps) ?? HOUR;
  if (span / step + 1 > MAX_BUCKETS) step = Math.ceil(span / (MAX_BUCKETS - 1));
  return { start, stepMs: step, count: Math.round(span / step) + 1 };
}

export function bucketOf(grid: TimeGrid, t: number): number {
  return Math.min(grid.count - 1, Math.max(0, Math.round((t - grid.start) / grid.stepMs)));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

export function utcClock(t: number): string {
  const d = new Date(t);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

export function utcDay(t: number, withYear = false): string {
  const d = new Date(t);
  const day = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
  return withYear ? `${day} ${d.getUTCFullYear()}` : day;
}

/**
 * Labels for each bucket, precise enough for the span: clock times within a day, day + time
 * within a week or when buckets are shorter than a day, days otherwise (with the year past ~6 months).
 */
export function utcLabels(grid: TimeGrid): { labels: string[]; axisTitle: string } {
  const span = (grid.count - 1) * grid.stepMs;
  const times = Array.from({ length: grid.count }, (_, i) => grid.start + i * grid.stepMs);
  if (span <= DAY && grid.stepMs < DAY) return { labels: times.map(utcClock), axisTitle: 'Time (UTC)' };
  if (grid.stepMs < DAY) return { labels: times.map((t) => `${utcDay(t)} ${utcClock(t)}`), axisTitle: 'Time (UTC)' };
  const withYear = span > 180 * DAY;
  return { labels: times.map((t) => utcDay(t, withYear)), axisTitle: 'Date (UTC)' };
}
