// Price history on disk: every broad refresh of a provider records min / p10 / median $/GPU-h and the
// offer count per GPU model, downsampled by the retention in domain/history.ts. It lives in its own
// lowdb file (price-history.json) beside the main database, so a refresh never rewrites the org data
// and the main file stays small.
import path from 'node:path';
import { z } from 'zod';
import { GPU_CATALOGUE } from '../../domain/gpus.ts';
import { pointsSince, priceStats, recordSample, type HistoryPoint, type StoredPoint, type StoredSeries } from '../../domain/history.ts';
import type { Offer } from '../../domain/offer.ts';
import { Store } from '../../store/db.ts';

const HISTORY_VERSION = 1;

// On disk each tier is one line of text: "minutes,min,p10,median,count,samples" per point, separated
// by spaces, with minutes since the epoch for the first point and as a difference from the previous
// one after that. The store pretty-prints JSON, which would spend ~100 bytes on every 6-number tuple;
// this spends ~26, so a year of history for every GPU at every provider stays a few megabytes.
function encodeTier(points: readonly StoredPoint[]): string {
  let previous = 0;
  return points
    .map(([t, min, p10, median, count, samples]) => {
      const minutes = t / 60;
      const field = previous === 0 ? String(minutes) : `+${minutes - previous}`;
      previous = minutes;
      return `${field},${min},${p10},${median},${count},${samples}`;
    })
    .join(' ');
}

const tierText = z.string().transform((text, context): StoredPoint[] => {
  let minutes = 0;
  const points: StoredPoint[] = [];
  for (const word of text.split(' ').filter(Boolean)) {
    const fields = word.split(',');
    const numbers = fields.map(Number);
    if (fields.length !== 6 || numbers.some((n) => !Number.isFinite(n))) {
      context.addIssue({ code: 'custom', message: `'${word.slice(0, 40)}' is not a price history point` });
      return z.NEVER;
    }
    minutes = fields[0]!.startsWith('+') ? minutes + numbers[0]! : numbers[0]!;
    points.push([minutes * 60, numbers[1]!, numbers[2]!, numbers[3]!, numbers[4]!, numbers[5]!]);
  }
  return points;
});

/** A series in memory: tuples to work on, written back as compact text by JSON.stringify. */
class SeriesRecord implements StoredSeries {
  constructor(
    readonly provider: string,
    readonly gpu: string,
    readonly simulated: boolean,
    public raw: StoredPoint[] = [],
    public hourly: StoredPoint[] = [],
    public daily: StoredPoint[] = [],
  ) {}

  toJSON() {
    return { provider: this.provider, gpu: this.gpu, simulated: this.simulated, raw: encodeTier(this.raw), hourly: encodeTier(this.hourly), daily: encodeTier(this.daily) };
  }
}

const historyFileSchema = z.object({
  version: z.literal(HISTORY_VERSION),
  series: z.array(
    z
      .object({ provider: z.string(), gpu: z.string(), simulated: z.boolean(), raw: tierText, hourly: tierText, daily: tierText })
      .transform((series) => new SeriesRecord(series.provider, series.gpu, series.simulated, series.raw, series.hourly, series.daily)),
  ),
});

type HistoryFile = z.output<typeof historyFileSchema>;

export const HISTORY_FILE_NAME = 'price-history.json';

/** Only catalogue GPUs are recorded, so the number of series is bounded by the catalogue. */
const CATALOGUE_NAMES = new Set(GPU_CATALOGUE.map((gpu) => gpu.name));

export interface SeriesPoints {
  provider: string;
  gpu: string;
  simulated: boolean;
  points: HistoryPoint[];
}

const seriesKey = (provider: string, gpu: string, simulated: boolean) => `${provider}|${gpu}|${simulated}`;

export class PriceHistory {
  /** Series by provider, GPU and mode: a refresh touches dozens, a linear search each would add up. */
  private readonly index = new Map<string, SeriesRecord>();

  private constructor(private readonly store: Store<HistoryFile>) {
    for (const series of store.data.series) this.index.set(seriesKey(series.provider, series.gpu, series.simulated), series);
  }

  static async open(dataDir: string): Promise<PriceHistory> {
    const store = await Store.open<HistoryFile>({
      file: path.resolve(dataDir, HISTORY_FILE_NAME),
      schema: historyFileSchema as unknown as z.ZodType<HistoryFile>,
      version: HISTORY_VERSION,
      migrations: [],
      create: () => ({ version: HISTORY_VERSION, series: [] }),
    });
    return new PriceHistory(store);
  }

  get file(): string {
    return this.store.file;
  }

  /**
   * Records one provider's on-demand offers as seen at `at` (epoch ms). Interruptible bids are left out:
   * they are floors, not prices, and would drag every statistic down.
   */
  record(provider: Offer['provider'], simulated: boolean, offers: readonly Offer[], at: number): Promise<void> {
    const byGpu = new Map<string, number[]>();
    for (const offer of offers) {
      if (offer.interruptible || !CATALOGUE_NAMES.has(offer.gpu)) continue;
      const prices = byGpu.get(offer.gpu) ?? [];
      prices.push(offer.pricePerGpuHour);
      byGpu.set(offer.gpu, prices);
    }
    if (byGpu.size === 0) return Promise.resolve();
    return this.store.update((data) => {
      for (const [gpu, prices] of byGpu) {
        const stats = priceStats(prices)!;
        const key = seriesKey(provider, gpu, simulated);
        let series = this.index.get(key);
        if (!series) {
          series = new SeriesRecord(provider, gpu, simulated);
          data.series.push(series);
          this.index.set(key, series);
        }
        recordSample(series, at, stats);
      }
    });
  }

  /** The series of these GPUs since `since` (epoch ms); only real or only simulated ones. */
  series(gpus: readonly string[], since: number, simulated: boolean): SeriesPoints[] {
    const wanted = new Set(gpus);
    return this.store.data.series
      .filter((series) => wanted.has(series.gpu) && series.simulated === simulated)
      .map((series) => ({ provider: series.provider, gpu: series.gpu, simulated, points: pointsSince(series, since) }))
      .filter((series) => series.points.length > 0);
  }

  /** Resolves once everything recorded so far is on disk. */
  flush(): Promise<void> {
    return this.store.flush();
  }
}
