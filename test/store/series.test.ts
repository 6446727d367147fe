import { spawn } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openDatabase } from '#store/db.ts';
import { Series } from '#store/series.ts';
import { HourlyFold, metricHistory, rollUpMetrics } from '#store/series-metrics.ts';
import { auditEntrySchema } from '#store/schema.ts';
import { tempDir } from '#test/support/app.ts';

const pointSchema = z.object({ at: z.string(), n: z.number() });
type Point = z.infer<typeof pointSchema>;
const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T00:00:00Z');

async function points(retentionDays = 0) {
  const problems: string[] = [];
  const dir = path.join(tempDir(), 'series', 'points');
  const series = await Series.open<Point>({ dir, schema: pointSchema, timeOf: (point) => Date.parse(point.at), retentionDays, report: (problem) => problems.push(problem) });
  return { series, dir, problems };
}

const at = (ms: number) => new Date(ms).toISOString();

describe('an append-only series', () => {
  it('writes one line per record into UTC day files (0600 in a 0700 folder) and reads a time range back in order', async () => {
    const { series, dir } = await points();
    await Promise.all(Array.from({ length: 300 }, (_, n) => series.append({ at: at(T0 + n * 600_000), n })));
    expect(readdirSync(dir).sort()).toEqual(['2026-03-01.jsonl', '2026-03-02.jsonl', '2026-03-03.jsonl']);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, '2026-03-01.jsonl')).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dir, '2026-03-01.jsonl'), 'utf8').split('\n')).toHaveLength(145);
    const middle = await series.list({ fromMs: T0 + DAY / 2, toMs: T0 + 2 * DAY });
    expect(middle.map((point) => point.n)).toEqual(Array.from({ length: 216 }, (_, n) => n + 72));
    const newest = [];
    for await (const point of series.newestFirst()) if (newest.push(point.n) === 3) break;
    expect(newest).toEqual([299, 298, 297]);
  });

  it('ignores a torn last line and reports it once; the next append cuts it off and stays readable', async () => {
    const { series, dir, problems } = await points();
    await series.append({ at: at(T0), n: 1 }, { at: at(T0 + 1000), n: 2 });
    const file = path.join(dir, '2026-03-01.jsonl');
    appendFileSync(file, '{"at":"2026-03-01T00:00:02.000Z","n":');
    expect((await series.list()).map((point) => point.n)).toEqual([1, 2]);
    expect((await series.list()).map((point) => point.n)).toEqual([1, 2]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/2026-03-01\.jsonl: ignored a torn last line \(line 3/);
    await series.append({ at: at(T0 + 3000), n: 3 });
    expect((await series.list()).map((point) => point.n)).toEqual([1, 2, 3]);
    expect(readFileSync(file, 'utf8').endsWith('"n":3}\n')).toBe(true);
  });

  it('skips a line that is not a valid record, says which, and keeps the rest', async () => {
    const { series, dir, problems } = await points();
    writeFileSync(path.join(dir, '2026-03-01.jsonl'), '{"at":"2026-03-01T00:00:00.000Z","n":1}\n{"at":"2026-03-01T00:00:01.000Z","n":"two"}\n{"at":"2026-03-01T00:00:02.000Z","n":3}\n');
    expect((await series.list()).map((point) => point.n)).toEqual([1, 3]);
    expect(problems[0]).toMatch(/ignored line 2, which is not a valid record/);
  });

  it('deletes the day files older than its retention, and only those', async () => {
    const { series, dir } = await points(3);
    for (let day = 0; day < 6; day++) await series.append({ at: at(T0 + day * DAY + 1000), n: day });
    // Three days back from 6 March 00:00:05 reaches into 3 March: that file still holds kept time.
    expect(await series.prune(T0 + 5 * DAY + 5000)).toEqual(['2026-03-01', '2026-03-02']);
    expect(readdirSync(dir).sort()).toEqual(['2026-03-03.jsonl', '2026-03-04.jsonl', '2026-03-05.jsonl', '2026-03-06.jsonl']);
  });

  it('killed with SIGKILL in the middle of a burst of appends leaves only whole lines but a torn last one', async () => {
    for (let round = 0; round < 3; round++) {
      const dir = tempDir();
      const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/support/series-burst.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 200 + round * 150));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const auditDir = path.join(dir, 'series', 'audit');
      let whole = 0;
      for (const name of readdirSync(auditDir)) {
        const lines = readFileSync(path.join(auditDir, name), 'utf8').split('\n');
        const last = lines.pop()!;
        for (const line of lines) expect(auditEntrySchema.safeParse(JSON.parse(line)).success).toBe(true);
        whole += lines.length;
        if (last !== '') expect(() => auditEntrySchema.parse(JSON.parse(last))).toThrow();
      }
      expect(whole).toBeGreaterThan(0);
      const problems: string[] = [];
      const db = await openDatabase(dir, undefined, { report: (problem) => problems.push(problem) });
      const before = await db.series.audit.series.list();
      expect(before).toHaveLength(whole);
      await db.series.audit.append({ at: new Date().toISOString(), orgId: 'default', actor: { platform: 'test', userId: 'after', displayName: 'after' }, command: 'after', args: 'after', result: 'ok' });
      const after = await db.series.audit.series.list();
      expect(after).toHaveLength(whole + 1);
      expect(after.at(-1)!.id).toBe(Math.max(...before.map((entry) => entry.id)) + 1);
    }
  });
});

describe('metrics over time', () => {
  it('folds each finished day into hourly means once and reads them where the raw day is gone', async () => {
    const dir = tempDir();
    const db = await openDatabase(dir, undefined, { retention: { metricsDays: 2 } });
    const samples = Array.from({ length: 3 * 24 * 60 }, (_, minute) => ({ instanceId: 'i1', orgId: 'default', at: at(T0 + minute * 60_000), gpuUtilPercent: minute % 60 < 30 ? 100 : 0, vramTotalGb: 24 }));
    await db.series.metrics.append(...samples);
    const now = T0 + 3 * DAY + 60_000;
    expect(await rollUpMetrics(db.series.metrics, db.series.metricsHourly, now)).toEqual(['2026-03-01', '2026-03-02', '2026-03-03']);
    expect(await rollUpMetrics(db.series.metrics, db.series.metricsHourly, now)).toEqual([]);
    await db.series.maintain(db, now);
    expect(await db.series.metrics.days()).toEqual(['2026-03-02', '2026-03-03']);
    const history = await metricHistory(db.series, { orgId: 'default', instanceId: 'i1' }, { fromMs: T0, toMs: now });
    expect(history.slice(0, 24).every((sample) => 'samples' in sample && sample.samples === 60 && sample.gpuUtilPercent === 50)).toBe(true);
    expect(history).toHaveLength(24 + 2 * 24 * 60);
    // Long charts read hourly means throughout; today's samples, not folded yet, are folded on the fly.
    await db.series.metrics.append(...Array.from({ length: 120 }, (_, minute) => ({ instanceId: 'i1', orgId: 'default', at: at(T0 + 3 * DAY + minute * 60_000), gpuUtilPercent: 10 })));
    await db.series.metrics.append({ instanceId: 'i2', orgId: 'default', at: at(T0 + 3 * DAY), gpuUtilPercent: 99 });
    const hourly = await metricHistory(db.series, { orgId: 'default', instanceId: 'i1' }, { fromMs: T0, toMs: now + DAY }, 'hourly');
    expect(hourly).toHaveLength(3 * 24 + 2);
    expect(hourly.slice(-2)).toEqual([
      { instanceId: 'i1', orgId: 'default', at: at(T0 + 3 * DAY), samples: 60, gpuUtilPercent: 10 },
      { instanceId: 'i1', orgId: 'default', at: at(T0 + 3 * DAY + 3_600_000), samples: 60, gpuUtilPercent: 10 },
    ]);
    expect(new HourlyFold().means()).toEqual([]);
  });
});
