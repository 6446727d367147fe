// A schema-1 db.json (audit log, metrics and ledger inside it) opens as schema 3: the series sections
// move to their day files, the old file is backed up first, and `audit` and `cost` read the same.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '#store/db.ts';
import { tempDir, testApp } from '#test/support/app.ts';

const HOUR = 3_600_000;
const START = Date.parse('2026-06-01T08:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function schemaOneFile() {
  const actor = { platform: 'telegram', userId: '42', displayName: 'Ada' };
  const audit = Array.from({ length: 30 }, (_, n) => ({ id: n + 1, at: iso(START + n * 2 * HOUR), orgId: 'default', actor, command: n % 2 ? 'stop' : 'deploy', args: `cmd ${n}`, result: 'ok' }));
  const metrics = Array.from({ length: 48 }, (_, n) => ({ instanceId: 'i1', orgId: 'default', at: iso(START + n * HOUR), gpuUtilPercent: n, vramTotalGb: 24 }));
  const key = { instanceId: 'i1', orgId: 'default', projectId: 'default', provider: 'vast', gpu: 'RTX 4090', user: 'telegram:42', state: 'running', rateMicrosPerHour: 400_000 };
  const dayEnd = Date.parse('2026-06-02T00:00:00Z');
  const ledger = [
    { ...key, from: iso(START), to: iso(dayEnd), amountMicros: 6_400_000 },
    { ...key, from: iso(dayEnd), to: iso(dayEnd + 10 * HOUR), amountMicros: 4_000_000 },
  ];
  return {
    version: 1,
    orgs: [{ id: 'default', name: 'Default', createdAt: iso(START - HOUR), defaultProjectId: 'default' }],
    projects: [{ id: 'default', orgId: 'default', name: 'default', createdAt: iso(START - HOUR) }],
    members: [{ orgId: 'default', ...actor, role: 'admin', addedAt: iso(START - HOUR) }],
    audit,
    ledger,
    metrics,
  };
}

describe('a schema-1 database', () => {
  it('moves its audit log and metrics into series files after a backup, and reads the same afterwards', async () => {
    const dataDir = tempDir();
    const old = schemaOneFile();
    const oldText = JSON.stringify(old);
    writeFileSync(path.join(dataDir, 'db.json'), oldText);
    const app = await testApp({ COMPUTEHUB_DATA_DIR: dataDir }, { now: () => new Date(START + 40 * HOUR) });

    const stored = JSON.parse(readFileSync(path.join(dataDir, 'db.json'), 'utf8'));
    expect(stored.version).toBe(3);
    expect(stored.audit).toBeUndefined();
    expect(stored.metrics).toBeUndefined();
    const backups = readdirSync(path.join(dataDir, 'backups'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(path.join(dataDir, 'backups', backups[0]!), 'utf8')).toBe(oldText);
    expect(readdirSync(path.join(dataDir, 'series', 'audit')).sort()).toEqual(['2026-06-01.jsonl', '2026-06-02.jsonl', '2026-06-03.jsonl']);

    // What `audit` showed from the old file: the org's newest entries first.
    const listed = await app.run('audit limit=25 user=telegram:42');
    expect((listed.reply.data as { entries: unknown[] }).entries).toEqual(old.audit.slice(-25).reverse());
    const stops = await app.run('audit command=stop limit=500');
    expect((stops.reply.data as { entries: unknown[] }).entries).toEqual(old.audit.filter((entry) => entry.command === 'stop').reverse());
    expect(await app.services.db.series.metrics.list()).toEqual(old.metrics);

    const db = app.services.db;
    const total = () => db.data.ledger.reduce((sum, entry) => sum + entry.amountMicros, 0) + Object.values(db.data.sealedLedgerMicros).reduce((sum, micros) => sum + micros, 0);
    expect(total()).toBe(10_400_000);
    await db.series.maintain(db, START + 40 * HOUR);
    expect(db.data.ledger).toEqual([old.ledger[1]]);
    expect(await db.series.ledger.list()).toEqual([old.ledger[0]]);
    expect(total()).toBe(10_400_000);

    // New entries continue the old numbering.
    await app.services.identity.audit({ orgId: 'default', actor: { platform: 'console', userId: 'local', displayName: 'local admin' }, command: 'whoami', args: 'whoami', result: 'ok' });
    await app.close();
    const reopened = await openDatabase(dataDir);
    expect((await reopened.series.audit.newest(1))[0]!.id).toBe(31);
  });
});
