// Price history on disk: every broad refresh of a provider records min / p10 / median $/GPU-h and the
// offer count per GPU model, downsampled by the retention in domain/history.ts. The downsampled tiers
// live in memory; each refresh is appended as one line to the `prices` series (cheap, fsynced), and
// now and then the tiers are written whole to price-history.json, a slice at a time so the event loop
// never waits on the whole file. Opening reads that snapshot in the background and replays the
// refreshes logged after it, so start-up does not wait for a year of history.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { z } from 'zod';
import { GPU_CATALOGUE } from '#domain/gpus.ts';
import { pointsSince, priceStats, recordSample, type HistoryPoint, type StoredPoint, type StoredSeries } from '#domain/history.ts';
import type { Offer } from '#domain/offer.ts';
import { writeFileAtomic } from '#store/db.ts';
import { Series } from '#store/series.ts';

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

const snapshotHeaderSchema = z.object({
  version: z.literal(HISTORY_VERSION),
  /** The last logged refresh the snapshot holds; older files (without it) hold everything they show. */
  seq: z.number().int().nonnegative().default(0),
  series: z.array(z.unknown()),
});

const snapshotSeriesSchema = z
  .object({ provider: z.string(), gpu: z.string(), simulated: z.boolean(), raw: tierText, hourly: tierText, daily: tierText })
  .transform((series) => new SeriesRecord(series.provider, series.gpu, series.simulated, series.raw, series.hourly, series.daily));

/** One refresh as logged: per GPU [name, min, p10, median, count] in USD per GPU-hour. */
const refreshSchema = z.object({
  seq: z.number().int().positive(),
  at: z.number(),
  provider: z.string(),
  simulated: z.boolean(),
  stats: z.array(z.tuple([z.string(), z.number(), z.number(), z.number(), z.number().int()])),
});
type Refresh = z.infer<typeof refreshSchema>;

export const HISTORY_FILE_NAME = 'price-history.json';
const REFRESH_LOG = path.join('series', 'prices');
/** A snapshot at most this often while running (and at every flush): the log replayed at start stays short. */
const SNAPSHOT_EVERY_MS = 3_600_000;
/** Logged refreshes are kept this many days (a snapshot is far more recent), then deleted. */
const LOG_RETENTION_DAYS = 2;
/** Series encoded or decoded between two turns of the event loop. */
const SERIES_PER_SLICE = 1;

/** Only catalogue GPUs are recorded, so the number of series is bounded by the catalogue. */
const CATALOGUE_NAMES = new Set(GPU_CATALOGUE.map((gpu) => gpu.name));

export interface SeriesPoints {
  provider: string;
  gpu: string;
  simulated: boolean;
  points: HistoryPoint[];
}

const seriesKey = (provider: string, gpu: string, simulated: boolean) => `${provider}|${gpu}|${simulated}`;

/**
 * The snapshot with each series still as its line of text, parsed one at a time later: snapshots are
 * written a series per line for this. A file in another layout (written before) is parsed whole.
 */
function parseHeader(text: string): unknown {
  const lines = text.split('\n');
  if (!lines[0]?.endsWith('"series":[') || lines.at(-2) !== ']}') return JSON.parse(text);
  const header = JSON.parse(`${lines[0]}]}`) as { series: unknown[] };
  header.series = lines.slice(1, -2).map((line) => (line.endsWith(',') ? line.slice(0, -1) : line));
  return header;
}

export class PriceHistory {
  /** Series by provider, GPU and mode: a refresh touches dozens, a linear search each would add up. */
  private readonly index = new Map<string, SeriesRecord>();
  /** Loading, applying refreshes and snapshots run one after another, in this order. */
  private queue: Promise<void>;
  private seq = 0;
  private snapshotSeq = 0;
  private lastSnapshotMs = Date.now();
  /** Why the snapshot could not be loaded: nothing is recorded (or written over it) until it is fixed. */
  private failure: Error | undefined;

  private constructor(readonly file: string, private readonly log: Series<Refresh>, report: (problem: string) => void) {
    this.queue = this.load().catch((error: unknown) => {
      const problem = error instanceof z.ZodError ? (error.issues[0]?.message ?? 'it does not match the expected structure') : (error as Error).message;
      this.failure = new Error(`The price history ${this.file} cannot be loaded (${problem}); it was left as it is. Restore it or move it aside to start a new history.`);
      report(this.failure.message);
    });
  }

  static async open(dataDir: string, report: (problem: string) => void = (problem) => process.emitWarning(problem)): Promise<PriceHistory> {
    const log = await Series.open<Refresh>({ dir: path.resolve(dataDir, REFRESH_LOG), schema: refreshSchema, timeOf: (refresh) => refresh.at, retentionDays: LOG_RETENTION_DAYS, report });
    return new PriceHistory(path.resolve(dataDir, HISTORY_FILE_NAME), log, report);
  }

  private enqueue<R>(task: () => R | Promise<R>): Promise<R> {
    const run = this.queue.then(() => {
      if (this.failure) throw this.failure;
      return task();
    });
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async load(): Promise<void> {
    let text: string | undefined;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (text !== undefined) {
      const header = snapshotHeaderSchema.parse(parseHeader(text));
      this.seq = this.snapshotSeq = header.seq;
      for (let index = 0; index < header.series.length; index++) {
        if (index % SERIES_PER_SLICE === 0) await nextTurn();
        const entry = header.series[index];
        const series = snapshotSeriesSchema.parse(typeof entry === 'string' ? JSON.parse(entry) : entry);
        this.index.set(seriesKey(series.provider, series.gpu, series.simulated), series);
      }
    }
    for await (const refresh of this.log.read()) {
      this.seq = Math.max(this.seq, refresh.seq);
      if (refresh.seq > this.snapshotSeq) this.apply(refresh);
    }
  }

  private apply(refresh: Refresh): void {
    for (const [gpu, min, p10, median, count] of refresh.stats) {
      const key = seriesKey(refresh.provider, gpu, refresh.simulated);
      let series = this.index.get(key);
      if (!series) {
        series = new SeriesRecord(refresh.provider, gpu, refresh.simulated);
        this.index.set(key, series);
      }
      recordSample(series, refresh.at, { min, p10, median, count });
    }
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
    const stats = [...byGpu].map(([gpu, prices]): Refresh['stats'][number] => {
      const { min, p10, median, count } = priceStats(prices)!;
      return [gpu, min, p10, median, count];
    });
    // Applied in order inside the queue; the append is awaited outside it, so a burst shares one fsync.
    let appended: Promise<void> = Promise.resolve();
    return this.enqueue(() => {
      const refresh: Refresh = { seq: ++this.seq, at, provider, simulated, stats };
      this.apply(refresh);
      appended = this.log.append(refresh);
      if (Date.now() - this.lastSnapshotMs >= SNAPSHOT_EVERY_MS) this.enqueue(() => this.snapshot()).catch(() => undefined);
    }).then(() => appended);
  }

  /** Writes the tiers whole (temp file, fsync, rename), encoding a few series per turn of the event loop. */
  private async snapshot(): Promise<void> {
    if (this.seq === this.snapshotSeq) return;
    const parts: string[] = [];
    let count = 0;
    for (const series of this.index.values()) {
      if (++count % SERIES_PER_SLICE === 0) await nextTurn();
      parts.push(JSON.stringify(series));
    }
    await writeFileAtomic(this.file, `{"version":${HISTORY_VERSION},"seq":${this.seq},"series":[\n${parts.join(',\n')}\n]}\n`);
    this.snapshotSeq = this.seq;
    this.lastSnapshotMs = Date.now();
    await this.log.prune(Date.now());
  }

  /** The series of these GPUs since `since` (epoch ms); only real or only simulated ones. */
  series(gpus: readonly string[], since: number, simulated: boolean): Promise<SeriesPoints[]> {
    const wanted = new Set(gpus);
    return this.enqueue(() =>
      [...this.index.values()]
        .filter((series) => wanted.has(series.gpu) && series.simulated === simulated)
        .map((series) => ({ provider: series.provider, gpu: series.gpu, simulated, points: pointsSince(series, since) }))
        .filter((series) => series.points.length > 0),
    );
  }

  /** Resolves once everything recorded so far is on disk, in the snapshot itself (nothing is, when loading failed). */
  flush(): Promise<void> {
    return this.enqueue(() => this.snapshot()).catch((error: unknown) => {
      if (error !== this.failure) throw error;
    });
  }
}
