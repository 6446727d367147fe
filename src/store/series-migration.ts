// A db.json before schema 3 held the audit log and the metric samples itself. Before that file is migrated
// (and only then rewritten without them), they are written to their series, a whole day file at a
// time, so a crash in between loses nothing: the old file still has them and the next start writes
// the same day files again.
import { readFile } from 'node:fs/promises';
import { dayOf, type Series } from './series.ts';

const FIRST_SERIES_VERSION = 3;

async function replaceDays<T>(series: Series<T>, records: unknown): Promise<void> {
  if (!Array.isArray(records) || records.length === 0) return;
  const byDay = new Map<string, T[]>();
  for (const record of records) {
    const result = series.options.schema.safeParse(record);
    // A file that does not validate is refused by the store with the reason, and never rewritten.
    if (!result.success) return;
    const day = dayOf(series.options.timeOf(result.data));
    byDay.set(day, [...(byDay.get(day) ?? []), result.data]);
  }
  for (const [day, dayRecords] of byDay) await series.writeDay(day, dayRecords);
}

/** Copies the series sections of an older database file into their series files. */
export async function moveSeriesOutOfDatabase(file: string, target: { audit: Series<any>; metrics: Series<any> }): Promise<void> {
  let parsed: { version?: unknown; audit?: unknown; metrics?: unknown };
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return; // missing: nothing to move; unreadable: the store reports it
  }
  if (typeof parsed?.version !== 'number' || parsed.version >= FIRST_SERIES_VERSION) return;
  await replaceDays(target.audit, parsed.audit);
  await replaceDays(target.metrics, parsed.metrics);
}
