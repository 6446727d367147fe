// The lowdb store: one JSON file, validated on load, migrated forward with a backup, and written
// atomically (temp file, fsync, rename) through one queue that coalesces bursts of updates. A write
// that fails is rolled back in memory, so a full or read-only disk never leaves a half-done change.
import { mkdir, open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Low, type Adapter } from 'lowdb';
import type { z } from 'zod';
import { UserError } from '#core/errors.ts';
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
  /** The file-writing seam: tests put a failing disk here. */
  writeFile?: (file: string, text: string) => Promise<void>;
}

const DISK_PROBLEMS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the disk is read-only',
};

/** Saving failed; whatever the update changed was undone, so the data is exactly as it was. */
export class StoreWriteError extends UserError {
  readonly code: string | undefined;

  constructor(readonly file: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const problem = (code && DISK_PROBLEMS[code]) ?? `saving ${path.basename(file)} failed (${code ?? (cause as Error)?.message ?? 'unknown error'})`;
    super(
      `${problem[0]!.toUpperCase()}${problem.slice(1)}: nothing was changed.`,
      `Free some space or fix the disk under ${path.dirname(file)}, then try again.`,
    );
    this.name = 'StoreWriteError';
    this.code = code;
  }
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

/** Writes text so that a crash at any instant leaves either the old file or the new one. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    // A half-written temp file would hold on to the space a full disk needs back.
    await unlink(temp).catch(() => undefined);
    throw error;
  }
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
  /** The data as last written (or read), for rolling back a failed write. */
  committed = '';

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
      await mkdir(backups, { recursive: true, mode: 0o700 });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      await writeFile(path.join(backups, `${path.basename(file, '.json')}.v${found}.${stamp}.json`), raw, { mode: 0o600 });
      await this.write(result.data);
    }
    this.committed = JSON.stringify(result.data, null, 1);
    return result.data;
  }

  async write(data: T): Promise<void> {
    const text = JSON.stringify(data, null, 1);
    await (this.options.writeFile ?? writeFileAtomic)(this.options.file, text);
    this.committed = text;
  }
}

export class Store<T extends Versioned = Database> {
  private readonly low: Low<T>;
  /** Changes made in memory that the next write carries. */
  private queued: Deferred | null = null;
  private writing: Promise<void> | null = null;
  private failed: { error: StoreWriteError; since: Date } | undefined;

  private constructor(
    readonly file: string,
    private readonly adapter: ValidatedJsonFile<T>,
    initial: T,
  ) {
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

  /** The last write's failure, until a write succeeds again. */
  get writeFailure(): { error: StoreWriteError; since: Date } | undefined {
    return this.failed;
  }

  /**
   * Applies a change in memory at once and resolves when it is on disk. Changes made while a write
   * is running are written together by the next one. If that write fails, the change is undone and
   * this rejects with a StoreWriteError.
   */
  async update<R>(change: (data: T) => R): Promise<R> {
    const result = change(this.low.data);
    await this.persist();
    return result;
  }

  /** After a failed write, writes the data again to see whether the disk is usable. */
  async retryFailedWrite(): Promise<void> {
    if (this.failed) await this.persist().catch(() => undefined);
  }

  /** Resolves once everything changed so far is on disk (or has failed to get there). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private persist(): Promise<void> {
    if (!this.queued) {
      this.queued = deferred();
      this.writing ??= this.drain();
    }
    return this.queued.promise;
  }

  private async drain(): Promise<void> {
    // One tick first, so a synchronous burst of updates shares the write.
    await undefined;
    while (this.queued) {
      const batch = this.queued;
      this.queued = null;
      try {
        await this.low.write();
        this.failed = undefined;
        batch.resolve();
      } catch (cause) {
        const error = new StoreWriteError(this.file, cause);
        this.failed = { error, since: new Date() };
        batch.reject(error);
        this.rollBack(error);
      }
    }
    this.writing = null;
  }

  /** Puts the data back as it is on disk; updates made during the failed write go with it. */
  private rollBack(error: StoreWriteError): void {
    const data = this.low.data as Record<string, unknown>;
    for (const key of Object.keys(data)) delete data[key];
    Object.assign(data, JSON.parse(this.adapter.committed));
    this.queued?.reject(error);
    this.queued = null;
  }
}

/** The state in db.json, and the growing series in their day files beside it. */
export type Db = Store<Database> & { readonly series: DatabaseSeries };

export interface DatabaseOptions extends Omit<SeriesSetOptions, 'dataDir' | 'databaseFile'> {
  /** The file-writing seam of db.json: tests put a failing disk here. */
  writeFile?: StoreOptions<Database>['writeFile'];
}

export async function openDatabase(dataDir: string, now: () => Date = () => new Date(), options: DatabaseOptions = {}): Promise<Db> {
  const { writeFile: writer, ...seriesOptions } = options;
  const file = path.resolve(dataDir, 'db.json');
  const series = await DatabaseSeries.open({ ...seriesOptions, dataDir: path.resolve(dataDir), databaseFile: file });
  const store = await Store.open<Database>({
    file,
    schema: dbSchema as unknown as z.ZodType<Database>,
    version: SCHEMA_VERSION,
    migrations: MIGRATIONS,
    create: () => emptyDatabase(now()),
    writeFile: writer,
  });
  return Object.assign(store, { series });
}
