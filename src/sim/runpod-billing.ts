// RunPod's GET /v2/billing (https://api.runpod.io/v2/openapi.json, Billing): spend in time buckets
// [startTime, endTime) of an hour to a year, over `lastN` buckets or a time range, with every cost
// component the aggregate record carries (pods only here: GPU and disk).
import type { Answer, RequestContext } from './http.ts';
import type { SimInstance } from './lifecycle.ts';
import type { Market } from './market.ts';
import { invalid, problem } from './runpod-v2-rules.ts';

const BUCKET_HOURS = { hour: 1, day: 24, week: 168, month: 730, year: 8760 } as const;
type BucketSize = keyof typeof BUCKET_HOURS;
const HOUR_MS = 3_600_000;

/** Where a bucket starts: hours and days on UTC boundaries, weeks on Mondays, months and years on the 1st. */
function bucketStart(time: number, size: BucketSize): number {
  const date = new Date(time);
  if (size === 'hour') return time - (time % HOUR_MS);
  if (size === 'day') return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  if (size === 'week') return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  if (size === 'month') return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  return Date.UTC(date.getUTCFullYear(), 0, 1);
}

function nextBucket(start: number, size: BucketSize): number {
  const date = new Date(start);
  if (size === 'month') return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  if (size === 'year') return Date.UTC(date.getUTCFullYear() + 1, 0, 1);
  return start + BUCKET_HOURS[size] * HOUR_MS;
}

export function runpodBilling(market: Market, context: RequestContext): Answer {
  const query = context.query;
  const size = (query.get('bucketSize') ?? 'day') as BucketSize;
  if (!(size in BUCKET_HOURS)) return invalid('Request validation failed.', ["query.bucketSize: value must be one of 'hour', 'day', 'week', 'month', 'year'"]);
  const lastN = query.get('lastN');
  if (lastN !== null && (query.has('startTime') || query.has('endTime'))) return problem(400, 'Bad Request', 'lastN is mutually exclusive with startTime/endTime; send one or the other');
  const now = market.clock.now();
  let start: number;
  let end: number;
  if (lastN !== null) {
    const count = Number(lastN);
    if (!Number.isInteger(count) || count < 1) return invalid('Request validation failed.', ['query.lastN: must be an integer >= 1']);
    end = nextBucket(bucketStart(now, size), size);
    start = end;
    for (let index = 0; index < count; index += 1) start = bucketStart(start - 1, size);
  } else {
    const from = query.get('startTime') ? Date.parse(query.get('startTime')!) : now - 30 * 24 * HOUR_MS;
    const to = query.get('endTime') ? Date.parse(query.get('endTime')!) : now;
    if (Number.isNaN(from) || Number.isNaN(to) || from >= to) return problem(400, 'Bad Request', 'startTime and endTime must be RFC 3339 times with startTime before endTime');
    start = bucketStart(from, size);
    end = bucketStart(to, size) === to ? to : nextBucket(bucketStart(to, size), size);
  }
  if ((end - start) / (BUCKET_HOURS[size] * HOUR_MS) > 1000) return problem(400, 'Bad Request', 'the window holds more than 1000 buckets; pick a larger bucketSize');
  const records = [];
  const totals = { gpu: 0, disk: 0 };
  for (let bucket = start; bucket < end; bucket = nextBucket(bucket, size)) {
    const amounts = bucketAmounts(market.list('runpod'), bucket, nextBucket(bucket, size));
    totals.gpu += amounts.gpu;
    totals.disk += amounts.disk;
    records.push({ startTime: new Date(bucket).toISOString(), endTime: new Date(nextBucket(bucket, size)).toISOString(), ...billingAmounts(amounts) });
  }
  return {
    status: 200,
    json: { records, metadata: { query: { startTime: new Date(start).toISOString(), endTime: new Date(end).toISOString(), bucketSize: size }, recordCount: records.length, totals: billingAmounts(totals) } },
  };
}

/** GPU and disk spend of pods within [from, to): cost accrues evenly over the time each pod was billed. */
function bucketAmounts(list: readonly SimInstance[], from: number, to: number): { gpu: number; disk: number } {
  let gpu = 0;
  let disk = 0;
  for (const pod of list) {
    const lived = pod.billedUntil - pod.createdAt;
    const overlap = Math.min(to, pod.billedUntil) - Math.max(from, pod.createdAt);
    if (lived <= 0 || overlap <= 0) continue;
    const cost = (pod.costMicros / 1e6) * (overlap / lived);
    const storage = Math.min(cost, (pod.storagePerHour * overlap) / HOUR_MS);
    disk += storage;
    gpu += cost - storage;
  }
  return { gpu, disk };
}

function billingAmounts(amounts: { gpu: number; disk: number }) {
  const round = (value: number) => Math.round(value * 1e6) / 1e6;
  return {
    totalAmount: round(amounts.gpu + amounts.disk),
    podGpuAmount: round(amounts.gpu),
    podCpuAmount: 0,
    podDiskAmount: round(amounts.disk),
    serverlessGpuAmount: 0,
    serverlessCpuAmount: 0,
    serverlessDiskAmount: 0,
    serverlessFeeAmount: 0,
    storageStandardAmount: 0,
    storageHighPerformanceAmount: 0,
    endpointAmount: 0,
    clusterGpuAmount: 0,
    clusterDiskAmount: 0,
    clusterNetworkingAmount: 0,
  };
}
