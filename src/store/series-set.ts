// The growing series of the database, each in its own append-only day files under
// `<data dir>/series/<name>/`: the audit log, GPU metric samples (at sync resolution and downsampled
// to hourly means), and the closed cost-ledger entries. db.json keeps the state: what is small and
// changes in place.
import path from 'node:path';
import { z } from 'zod';
import { auditEntrySchema, type AuditEntry } from './schema.ts';
import { ledgerEntrySchema, metricSampleSchema, type LedgerEntry, type MetricSample } from './fleet-schema.ts';
import { Series, type SeriesOptions, type TimeRange } from './series.ts';
import { rollUpMetrics } from './series-metrics.ts';
import { sealLedger } from './series-ledger.ts';
import { moveSeriesOutOfDatabase } from './series-migration.ts';
import type { Db } from './db.ts';
import { DEFAULT_RETENTION, type Retention } from './retention.ts';


export const SERIES_DIR = 'series';

export const hourlyMetricSchema = metricSampleSchema.extend({
  /** Sync samples averaged into this hour. */
  samples: z.number().int().positive(),
});
export type HourlyMetric = z.infer<typeof hourlyMetricSchema>;

export const SERIES_NAMES = { audit: 'audit', metrics: 'metrics', metricsHourly: 'metrics-hourly', ledger: 'ledger' } as const;

/** The audit log: ids keep counting across restarts, and the newest entries are read first. */
export class AuditLog {
  constructor(readonly series: Series<AuditEntry>, private lastId: number) {}

  static async open(series: Series<AuditEntry>): Promise<AuditLog> {
    for (const day of (await series.days()).reverse()) {
      let lastId: number | undefined;
      for await (const entry of series.readDay(day)) lastId = entry.id;
      if (lastId !== undefined) return new AuditLog(series, lastId);
    }
    return new AuditLog(series, 0);
  }

  append(entry: Omit<AuditEntry, 'id'>): Promise<void> {
    return this.series.append({ id: ++this.lastId, ...entry });
  }

  /** Up to `limit` matching entries, newest first. */
  async newest(limit: number, matches: (entry: AuditEntry) => boolean = () => true, range: TimeRange = {}): Promise<AuditEntry[]> {
    const found: AuditEntry[] = [];
    if (limit <= 0) return found;
    for await (const entry of this.series.newestFirst(range)) {
      if (!matches(entry)) continue;
      found.push(entry);
      if (found.length >= limit) break;
    }
    return found;
  }
}

export interface SeriesSetOptions {
  dataDir: string;
  retention?: Partial<Retention>;
  report?: (problem: string) => void;
  /** db.json: an older one still holding series sections has them copied out first. */
  databaseFile?: string;
}

export class DatabaseSeries {
  private constructor(
    readonly audit: AuditLog,
    readonly metrics: Series<MetricSample>,
    readonly metricsHourly: Series<HourlyMetric>,
    readonly ledger: Series<LedgerEntry>,
  ) {}

  static async open(options: SeriesSetOptions): Promise<DatabaseSeries> {
    const retention = { ...DEFAULT_RETENTION, ...options.retention };
    const root = path.join(options.dataDir, SERIES_DIR);
    const report = options.report ?? ((problem: string) => process.emitWarning(problem));
    const open = <T>(name: string, schema: z.ZodType<T>, timeOf: (record: T) => number, retentionDays: number) =>
      Series.open<T>({ dir: path.join(root, name), schema, timeOf, retentionDays, report } satisfies SeriesOptions<T>);
    const at = (record: { at: string }) => Date.parse(record.at);
    const audit = await open(SERIES_NAMES.audit, auditEntrySchema, at, retention.auditDays);
    const metrics = await open(SERIES_NAMES.metrics, metricSampleSchema, at, retention.metricsDays);
    if (options.databaseFile) await moveSeriesOutOfDatabase(options.databaseFile, { audit, metrics });
    return new DatabaseSeries(
      await AuditLog.open(audit),
      metrics,
      await open(SERIES_NAMES.metricsHourly, hourlyMetricSchema, at, retention.metricsHourlyDays),
      await open(SERIES_NAMES.ledger, ledgerEntrySchema, (entry) => Date.parse(entry.from), retention.ledgerDays),
    );
  }

  private get all(): Series<unknown>[] {
    return [this.audit.series, this.metrics, this.metricsHourly, this.ledger] as Series<unknown>[];
  }

  /**
   * Housekeeping, run now and then by the scheduler: closed ledger entries leave db.json for the
   * ledger series, finished days of metrics are downsampled to hourly means, and day files older
   * than their retention are deleted (metrics only after they were downsampled).
   */
  async maintain(db: Db, nowMs: number): Promise<void> {
    await sealLedger(db);
    await rollUpMetrics(this.metrics, this.metricsHourly, nowMs);
    for (const series of this.all) await series.prune(nowMs);
  }

  flush(): Promise<unknown> {
    return Promise.all(this.all.map((series) => series.flush()));
  }
}
