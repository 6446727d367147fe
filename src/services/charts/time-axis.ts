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

/** Label spacings a reader expects: whole minutes, hours, days and weeks, aligned to UTC midnight. */
const LABEL_INTERVALS = [5, 10, 15, 30, 60, 120, 180, 360, 720].map((m) => m * MINUTE).concat([1, 2, 7, 14, 28].map((d) => d * DAY));
/** About this many labels fit under an 800 px wide chart without touching. */
const MAX_LABELS = 8;

/**
 * One label per bucket ('' for most): labels sit only where a round interval starts (every 6 h,
 * every day, ...), so ticks land on round UTC times. Clock labels carry the day on a second line
 * at the first label and at each midnight.
 */
export function utcLabels(grid: TimeGrid): { labels: (string | string[])[]; axisTitle: string } {
  const span = Math.max(0, grid.count - 1) * grid.stepMs;
  const interval =
    LABEL_INTERVALS.find((candidate) => candidate >= grid.stepMs && span / candidate < MAX_LABELS) ??
    Math.max(grid.stepMs, Math.ceil(span / MAX_LABELS / DAY) * DAY);
  const daily = interval >= DAY;
  const withYear = span > 180 * DAY;
  let labelled = 0;
  const labels = Array.from({ length: grid.count }, (_, i) => {
    const t = grid.start + i * grid.stepMs;
    const boundary = Math.floor(t / interval) * interval;
    // A bucket stands for the step up to its time; it carries the label of a boundary inside that step.
    if (boundary <= t - grid.stepMs) return '';
    labelled += 1;
    if (daily) return utcDay(boundary, withYear);
    return labelled === 1 || boundary % DAY === 0 ? [utcClock(boundary), utcDay(boundary, withYear)] : utcClock(boundary);
  });
  return { labels, axisTitle: daily ? 'Date (UTC)' : 'Time (UTC)' };
}
