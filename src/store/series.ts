// An append-only series: one JSON line per record in day files (`<dir>/YYYY-MM-DD.jsonl`, UTC, by the
// record's own time). Appends go through one queue: every append made while a write runs is written
// by the next one with a single fsync per file (group commit). A crash mid-append can leave a torn
// last line; readers skip it and report it once, and the next append in a later process cuts it off
// first so new lines never glue onto it. Reads stream the day files of a time range, so nothing
// needs the whole series in memory.
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { writeFileAtomic } from './db.ts';

export const MS_PER_DAY = 86_400_000;
const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;
/** How far back from the end of a file a torn tail is looked for (one record is far smaller). */
const TAIL_SCAN_BYTES = 1 << 20;

export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

export interface TimeRange {
  /** Inclusive, epoch ms. */
  fromMs?: number;
  /** Exclusive, epoch ms. */
  toMs?: number;
}

/**
 * Text every wanted line contains (e.g. the JSON of an id, `"i7"`): other lines are skipped before
 * they are parsed, which makes picking one instance out of a day of the whole fleet cheap. The
 * records read are still checked by the caller.
 */
export type LineHint = string | undefined;

export interface SeriesOptions<T> {
  dir: string;
  schema: z.ZodType<T>;
  /** The instant (epoch ms) a record belongs to: it picks the day file and the range it matches. */
  timeOf: (record: T) => number;
  /** Day files wholly older than this many days are deleted by prune(); 0 keeps everything. */
  retentionDays: number;
  /** Told once per file about torn or unreadable lines (the log). */
  report: (problem: string) => void;
}

interface Batch {
  lines: Map<string, string[]>;
  written: Promise<void>;
}

export class Series<T> {
  private queued: Batch | null = null;
  private tail: Promise<void> = Promise.resolve();
  private readonly reported = new Set<string>();

  private constructor(readonly options: SeriesOptions<T>) {}

  static async open<T>(options: SeriesOptions<T>): Promise<Series<T>> {
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    return new Series(options);
  }

  get dir(): string {
    return this.options.dir;
  }

  /** Resolves when the records are on disk (fsynced). */
  append(...records: T[]): Promise<void> {
    if (records.length === 0) return this.flush();
    let batch = this.queued;
    if (!batch) {
      const fresh: Batch = { lines: new Map(), written: Promise.resolve() };
      fresh.written = this.tail.then(() => {
        this.queued = null;
        return this.write(fresh.lines);
      });
      this.tail = fresh.written.catch(() => undefined);
      this.queued = batch = fresh;
    }
    for (const record of records) {
      const day = dayOf(this.options.timeOf(record));
      const lines = batch.lines.get(day) ?? [];
      lines.push(JSON.stringify(record));
      batch.lines.set(day, lines);
    }
    return batch.written;
  }

  /** Resolves once everything appended so far is on disk. */
  flush(): Promise<void> {
    return this.queued?.written ?? this.tail;
  }

  private async write(lines: Map<string, string[]>): Promise<void> {
    for (const [day, dayLines] of [...lines].sort((a, b) => a[0].localeCompare(b[0]))) {
      const handle = await this.openForAppend(day);
      try {
        await handle.write(`${dayLines.join('\n')}\n`);
        await handle.datasync();
      } finally {
        await handle.close();
      }
    }
  }

  /** Opens a day file for appending, first cutting off a torn line a crash (or a failed write) left. */
  private async openForAppend(day: string): Promise<FileHandle> {
    const file = this.fileOf(day);
    const handle = await open(file, 'a+', 0o600);
    try {
      const { size } = await handle.stat();
      if (size === 0) await this.syncDirectory();
      else await this.cutTornTail(handle, file, size);
    } catch (error) {
      await handle.close();
      throw error;
    }
    return handle;
  }

  /** A file that does not end in a newline was cut short by a crash: drop the partial line. */
  private async cutTornTail(handle: FileHandle, file: string, size: number): Promise<void> {
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    if (last[0] === 0x0a) return;
    const length = Math.min(size, TAIL_SCAN_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lastNewline = buffer.lastIndexOf(0x0a);
    const keep = lastNewline < 0 ? size - length : size - length + lastNewline + 1;
    await handle.truncate(keep);
    await handle.datasync();
    this.report(file, `${file}: removed a torn last line of ${size - keep} bytes (a crash interrupted an append; that record was never confirmed)`);
  }

  private async syncDirectory(): Promise<void> {
    const directory = await open(this.options.dir, 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }

  private fileOf(day: string): string {
    return path.join(this.options.dir, `${day}.jsonl`);
  }

  private report(key: string, problem: string): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.options.report(problem);
  }

  /** The days that have a file, oldest first. */
  async days(): Promise<string[]> {
    const names = await readdir(this.options.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    return names.flatMap((name) => DAY_FILE.exec(name)?.[1] ?? []).sort();
  }

  private async daysIn(range: TimeRange): Promise<string[]> {
    const from = range.fromMs === undefined ? undefined : dayOf(range.fromMs);
    const to = range.toMs === undefined ? undefined : dayOf(range.toMs - 1);
    return (await this.days()).filter((day) => (from === undefined || day >= from) && (to === undefined || day <= to));
  }

  private inRange(record: T, range: TimeRange): boolean {
    const at = this.options.timeOf(record);
    return (range.fromMs === undefined || at >= range.fromMs) && (range.toMs === undefined || at < range.toMs);
  }

  /** Records in the range, oldest day first (in append order within a day). */
  async *read(range: TimeRange = {}, hint?: LineHint): AsyncGenerator<T> {
    await this.flush();
    for (const day of await this.daysIn(range)) {
      for await (const record of this.readDay(day, hint)) if (this.inRange(record, range)) yield record;
    }
  }

  /** Records in the range, newest first: for "the last N" without reading older days. */
  async *newestFirst(range: TimeRange = {}): AsyncGenerator<T> {
    await this.flush();
    for (const day of (await this.daysIn(range)).reverse()) {
      const records: T[] = [];
      for await (const record of this.readDay(day)) if (this.inRange(record, range)) records.push(record);
      yield* records.reverse();
    }
  }

  async list(range: TimeRange = {}, hint?: LineHint): Promise<T[]> {
    const records: T[] = [];
    for await (const record of this.read(range, hint)) records.push(record);
    return records;
  }

  /** One day file's valid records, streamed; torn or unreadable lines are skipped and reported. */
  async *readDay(day: string, hint?: LineHint): AsyncGenerator<T> {
    const file = this.fileOf(day);
    let rest = '';
    let lineNumber = 0;
    // Small chunks: each is parsed in one go, and the event loop gets a turn between them.
    const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 14 });
    try {
      for await (const chunk of stream as AsyncIterable<string>) {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop()!;
        const records: T[] = [];
        for (const line of lines) {
          lineNumber++;
          if (hint !== undefined && !line.includes(hint)) continue;
          const record = this.parse(line, file, lineNumber);
          if (record !== undefined) records.push(record);
        }
        yield* records;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    if (rest !== '') this.report(file, `${file}: ignored a torn last line (line ${lineNumber + 1}, ${rest.length} characters): a crash interrupted an append`);
  }

  private parse(line: string, file: string, lineNumber: number): T | undefined {
    if (line === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.report(file, `${file}: ignored line ${lineNumber}, which is not JSON`);
      return undefined;
    }
    const result = this.options.schema.safeParse(value);
    if (result.success) return result.data;
    this.report(file, `${file}: ignored line ${lineNumber}, which is not a valid record (${result.error.issues[0]?.message ?? 'invalid'})`);
    return undefined;
  }

  /** Runs `task` in the write queue, after every append so far and before any later one. */
  private exclusive<R>(task: () => Promise<R>): Promise<R> {
    const run = this.tail.then(task);
    this.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Replaces a whole day file at once (temp file, fsync, rename): for migration and downsampling. */
  writeDay(day: string, records: readonly T[]): Promise<void> {
    return this.exclusive(() => writeFileAtomic(this.fileOf(day), records.map((record) => `${JSON.stringify(record)}\n`).join('')));
  }

  /** Deletes the day files wholly older than the retention; returns the days deleted. */
  async prune(nowMs: number): Promise<string[]> {
    if (this.options.retentionDays <= 0) return [];
    const oldestKept = dayOf(nowMs - this.options.retentionDays * MS_PER_DAY);
    const expired = (await this.days()).filter((day) => day < oldestKept);
    return this.exclusive(async () => {
      for (const day of expired) await rm(this.fileOf(day), { force: true });
      return expired;
    });
  }
}
