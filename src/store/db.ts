// The lowdb store: one JSON file, validated on load, migrated forward with a backup, and written
// atomically (temp file, fsync, rename) through one queue that coalesces bursts of updates.
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Low, type Adapter } from 'lowdb';
import type { z } from 'zod';
import { dbSchema, emptyDatabase, SCHEMA_VERSION, type Database } from './schema.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';
import { DatabaseSeries, type SeriesSetOptions } from './series-set.ts';

/** The database file cannot be used as it is. The file is never modified when this is thrown. */
export class StoreLoadError extends Error {
  constructor(readonly file: string, problem: string) {
    super(
      `The database file ${file} cannot be loaded: ${problem}\n` +
        'The file was left exactly as it is. Restore it from a backup (the backups/ folder next to it), ' +
        'or move it aside to start with an empty database.',
    );
    this.name = 'StoreLoadError';
  }
}

interface Versioned {
  version: number;
}

export interface StoreOptions<T extends Versioned> {
  file: string;
  schema: z.ZodType<T>;
  version: number;
  migrations: readonly Migration[];
  create: () => T;
}

/** Writes text so that a crash at any instant leaves either the old file or the new one. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  const directory = await open(path.dirname(file), 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

function describeIssues(error: z.ZodError): string {
  const lines = error.issues.slice(0, 5).map((issue) => {
    const where = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
    return `${where || '(top level)'}: ${issue.message}`;
  });
  const more = error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : '';
  return `it does not match the expected structure: ${lines.join('; ')}${more}.`;
}

class ValidatedJsonFile<T extends Versioned> implements Adapter<T> {
  constructor(private readonly options: StoreOptions<T>) {}

  async read(): Promise<T | null> {
    const { file, schema, version, migrations } = this.options;
    let raw: string;
    try {
      raw = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StoreLoadError(file, `it cannot be read (${(error as Error).message}).`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (error) {
      throw new StoreLoadError(file, `it is not valid JSON (${(error as Error).message}).`);
    }
    const found = (parsed as Partial<Versioned> | null)?.version;
    if (typeof parsed !== 'object' || parsed === null || typeof found !== 'number' || !Number.isInteger(found) || found < 1) {
      throw new StoreLoadError(file, 'it has no schema "version" number, so it is not a ComputeHub database.');
    }
    if (found > version) {
      throw new StoreLoadError(file, `it was written by a newer ComputeHub (schema version ${found}; this one reads up to ${version}). Upgrade ComputeHub.`);
    }
    let data: unknown = parsed;
    for (let from = found; from < version; from++) {
      const migration = migrations.find((candidate) => candidate.from === from);
      if (!migration) throw new StoreLoadError(file, `no migration exists from schema version ${from}.`);
      data = migration.migrate(data);
    }
    const result = schema.safeParse(data);
    if (!result.success) throw new StoreLoadError(file, describeIssues(result.error));
    if (found < version) {
      const backups = path.join(path.dirname(file), 'backups');
      await mkdir(backups, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      await writeFile(path.join(backups, `${path.basename(file, '.json')}.v${found}.${stamp}.json`), raw, { mode: 0o600 });
      await this.write(result.data);
    }
    return result.data;
  }

  async write(data: T): Promise<void> {
    await writeFileAtomic(this.options.file, JSON.stringify(data, null, 1));
  }
}

export class Store<T extends Versioned = Database> {
  private readonly low: Low<T>;
  private queued: Promise<void> | null = null;
  private tail: Promise<void> = Promise.resolve();

  private constructor(readonly file: string, adapter: Adapter<T>, initial: T) {
    this.low = new Low(adapter, initial);
  }

  static async open<T extends Versioned>(options: StoreOptions<T>): Promise<Store<T>> {
    await mkdir(path.dirname(options.file), { recursive: true, mode: 0o700 });
    const adapter = new ValidatedJsonFile(options);
    const store = new Store(options.file, adapter, options.create());
    const existing = await adapter.read();
    if (existing) store.low.data = existing;
    else await store.low.write();
    return store;
  }

  /** The current data. Change it only inside update(). */
  get data(): T {
    return this.low.data;
  }

  /**
   * Applies a change in memory at once and resolves when it is on disk. Changes made while a write
   * is running are written together by the next one.
   */
  async update<R>(change: (data: T) => R): Promise<R> {
    const result = change(this.low.data);
    await this.persist();
    return result;
  }

  /** Resolves once everything changed so far is on disk. */
  flush(): Promise<void> {
    return this.queued ?? this.tail;
  }

  private persist(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.tail.then(async () => {
      this.queued = null;
      await this.low.write();
    });
    this.queued = next;
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/** The state in db.json, and the growing series in their day files beside it. */
export type Db = Store<Database> & { readonly series: DatabaseSeries };

export async function openDatabase(dataDir: string, now: () => Date = () => new Date(), seriesOptions: Omit<SeriesSetOptions, 'dataDir' | 'databaseFile'> = {}): Promise<Db> {
  const file = path.resolve(dataDir, 'db.json');
  const series = await DatabaseSeries.open({ ...seriesOptions, dataDir: path.resolve(dataDir), databaseFile: file });
  const store = await Store.open<Database>({
    file,
    schema: dbSchema as unknown as z.ZodType<Database>,
    version: SCHEMA_VERSION,
    migrations: MIGRATIONS,
    create: () => emptyDatabase(now()),
  });
  return Object.assign(store, { series });
}
