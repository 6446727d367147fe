// GPU metrics over time: samples at sync resolution for the recent days, hourly means after that.
// A finished UTC day of samples is folded into hourly means once; the raw day files then age out
// after METRICS_RETENTION_DAYS while the hourly ones stay for METRICS_HOURLY_RETENTION_DAYS.
import type { MetricSample } from './fleet-schema.ts';
import { dayOf, dayStartMs, type Series, type TimeRange } from './series.ts';
import type { HourlyMetric } from './series-set.ts';

const MS_PER_HOUR = 3_600_000;
const AVERAGED = ['gpuUtilPercent', 'gpuTempC', 'vramUsedGb'] as const;

interface Bucket {
  sample: HourlyMetric;
  sums: Record<(typeof AVERAGED)[number], { total: number; n: number }>;
}

/** Folds samples, one at a time, into hourly means per instance (the largest total VRAM seen in the hour). */
export class HourlyFold {
  private readonly buckets = new Map<string, Bucket>();

  add(sample: MetricSample): void {
    const hour = Math.floor(Date.parse(sample.at) / MS_PER_HOUR) * MS_PER_HOUR;
    const key = `${sample.orgId}\u0000${sample.instanceId}\u0000${hour}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = {
        sample: { instanceId: sample.instanceId, orgId: sample.orgId, at: new Date(hour).toISOString(), samples: 0 },
        sums: { gpuUtilPercent: { total: 0, n: 0 }, gpuTempC: { total: 0, n: 0 }, vramUsedGb: { total: 0, n: 0 } },
      };
      this.buckets.set(key, bucket);
    }
    bucket.sample.samples++;
    for (const field of AVERAGED) {
      const value = sample[field];
      if (value === undefined) continue;
      bucket.sums[field].total += value;
      bucket.sums[field].n++;
    }
    if (sample.vramTotalGb !== undefined) bucket.sample.vramTotalGb = Math.max(bucket.sample.vramTotalGb ?? 0, sample.vramTotalGb);
  }

  means(): HourlyMetric[] {
    return [...this.buckets.values()].map(({ sample, sums }) => {
      const mean: HourlyMetric = { ...sample };
      for (const field of AVERAGED) if (sums[field].n > 0) mean[field] = Math.round((sums[field].total / sums[field].n) * 10) / 10;
      return mean;
    });
  }
}

/** Folds every finished day of raw samples that has no hourly file yet (streamed: a day is never held whole). */
export async function rollUpMetrics(raw: Series<MetricSample>, hourly: Series<HourlyMetric>, nowMs: number): Promise<string[]> {
  const today = dayOf(nowMs);
  const done = new Set(await hourly.days());
  const folded: string[] = [];
  for (const day of await raw.days()) {
    if (day >= today || done.has(day)) continue;
    const fold = new HourlyFold();
    for await (const sample of raw.readDay(day)) fold.add(sample);
    await hourly.writeDay(day, fold.means());
    folded.push(day);
  }
  return folded;
}

/**
 * An instance's metrics in a time range (every instance of the org's when no instance is named), oldest
 * first per instance. At `sync` resolution: the samples as recorded where their day is still kept,
 * hourly means before that. At `hourly` resolution (long charts): hourly means throughout, folding the
 * days not folded yet (today) on the fly.
 */
export async function metricHistory(
  series: { metrics: Series<MetricSample>; metricsHourly: Series<HourlyMetric> },
  wanted: { orgId: string; instanceId?: string },
  range: TimeRange,
  resolution: 'sync' | 'hourly' = 'sync',
): Promise<(MetricSample | HourlyMetric)[]> {
  const hint = wanted.instanceId === undefined ? undefined : JSON.stringify(wanted.instanceId);
  const matches = (sample: MetricSample) => sample.orgId === wanted.orgId && (wanted.instanceId === undefined || sample.instanceId === wanted.instanceId);
  const rawDays = new Set(await series.metrics.days());
  const hourlyDays = new Set(await series.metricsHourly.days());
  const useRaw = (day: string) => rawDays.has(day) && (resolution === 'sync' || !hourlyDays.has(day));
  const found: (MetricSample | HourlyMetric)[] = [];
  const fold = new HourlyFold();
  for await (const sample of series.metricsHourly.read(range, hint)) if (matches(sample) && !useRaw(sample.at.slice(0, 10))) found.push(sample);
  const firstRaw = [...rawDays].filter(useRaw).sort()[0];
  if (firstRaw !== undefined) {
    const rawRange = { ...range, fromMs: Math.max(range.fromMs ?? 0, dayStartMs(firstRaw)) };
    for await (const sample of series.metrics.read(rawRange, hint)) {
      if (!matches(sample) || !useRaw(sample.at.slice(0, 10))) continue;
      if (resolution === 'sync') found.push(sample);
      else fold.add(sample);
    }
  }
  return [...found, ...fold.means()];
}
