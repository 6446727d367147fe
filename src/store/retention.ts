// How long each growing series keeps its day files: the one definition of the defaults, read by the
// series set (series-set.ts) and by the *_RETENTION_DAYS variables (src/config.ts).

/** Days each series keeps; 0 keeps everything. */
export interface Retention {
  /** GPU metrics at sync resolution: a week, so `monitor` can chart any of the last 7 days sample by sample. */
  metricsDays: number;
  /** Hourly means of the metrics, once a day's samples are folded: a year. */
  metricsHourlyDays: number;
  auditDays: number;
  ledgerDays: number;
}

export const DEFAULT_RETENTION: Retention = { metricsDays: 7, metricsHourlyDays: 365, auditDays: 365, ledgerDays: 1095 };
