// Price history on the series mechanism: a refresh appends one line instead of rewriting the file,
// a restart replays what the snapshot does not hold yet, and a snapshot that cannot be read is left
// alone and said so.
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Offer } from '#domain/offer.ts';
import { HISTORY_FILE_NAME, PriceHistory } from '#services/market/index.ts';
import { tempDir } from '#test/support/app.ts';

const HOUR = 3_600_000;
const START = Date.parse('2026-05-01T00:00:00Z');
const offer = (gpu: string, price: number) => ({ provider: 'vast', gpu, pricePerGpuHour: price, interruptible: false }) as Offer;

async function recordHours(history: PriceHistory, from: number, hours: number) {
  for (let hour = 0; hour < hours; hour++) {
    await history.record('vast', false, [offer('RTX 4090', 0.3 + hour / 100), offer('RTX 4090', 0.5), offer('H100 SXM', 2 + hour / 50)], from + hour * HOUR);
  }
}

describe('price history on the series', () => {
  it('appends each refresh as one line, and a restart without a snapshot replays them all', async () => {
    const dir = tempDir();
    const history = await PriceHistory.open(dir);
    await recordHours(history, START, 30);
    expect(existsSync(path.join(dir, HISTORY_FILE_NAME))).toBe(false);
    const days = readdirSync(path.join(dir, 'series', 'prices')).sort();
    expect(days).toEqual(['2026-05-01.jsonl', '2026-05-02.jsonl']);
    expect(readFileSync(path.join(dir, 'series', 'prices', days[0]!), 'utf8').trim().split('\n')).toHaveLength(24);
    const shown = await history.series(['RTX 4090', 'H100 SXM'], START, false);

    // As after a kill: no snapshot was written, the log has everything.
    const restarted = await PriceHistory.open(dir);
    expect(await restarted.series(['RTX 4090', 'H100 SXM'], START, false)).toEqual(shown);

    // A snapshot, then more refreshes: a restart reads the snapshot and replays only what came after.
    await restarted.flush();
    await recordHours(restarted, START + 30 * HOUR, 5);
    const later = await restarted.series(['RTX 4090', 'H100 SXM'], START, false);
    appendFileSync(path.join(dir, 'series', 'prices', '2026-05-02.jsonl'), '{"seq":999,"at":');
    const problems: string[] = [];
    const again = await PriceHistory.open(dir, (problem) => problems.push(problem));
    expect(await again.series(['RTX 4090', 'H100 SXM'], START, false)).toEqual(later);
    expect(problems).toEqual([expect.stringMatching(/2026-05-02\.jsonl: ignored a torn last line/)]);
  });

  it('reads a price-history.json written before the series (one JSON document) and continues it', async () => {
    const dir = tempDir();
    const minutes = START / 60_000;
    const old = { version: 1, series: [{ provider: 'vast', gpu: 'RTX 4090', simulated: false, raw: '', hourly: `${minutes},3000,3100,3500,12,1 +60,3200,3300,3600,14,1`, daily: '' }] };
    writeFileSync(path.join(dir, HISTORY_FILE_NAME), JSON.stringify(old, null, 1));
    const history = await PriceHistory.open(dir);
    const [series] = await history.series(['RTX 4090'], START, false);
    expect(series!.points.map((point) => [point.t, point.min, point.count])).toEqual([
      [START, 0.3, 12],
      [START + HOUR, 0.32, 14],
    ]);
    await history.flush();
    const reopened = await PriceHistory.open(dir);
    expect(await reopened.series(['RTX 4090'], START, false)).toEqual([series]);
  });

  it('leaves a snapshot it cannot read untouched, says why, and records nothing over it', async () => {
    const dir = tempDir();
    const file = path.join(dir, HISTORY_FILE_NAME);
    writeFileSync(file, '{"version":1,"series":[{"provider":"vast"');
    const problems: string[] = [];
    const history = await PriceHistory.open(dir, (problem) => problems.push(problem));
    await expect(history.record('vast', false, [offer('RTX 4090', 0.3)], START)).rejects.toThrow(/price history .* cannot be loaded/);
    await expect(history.series(['RTX 4090'], START, false)).rejects.toThrow(/move it aside/);
    await history.flush();
    expect(problems[0]).toMatch(/cannot be loaded .*left as it is/);
    expect(readFileSync(file, 'utf8')).toBe('{"version":1,"series":[{"provider":"vast"');
  });
});
