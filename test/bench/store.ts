// `npm run bench` (after run.ts): the store at a year of data for 50 instances, written as the
// "Store" section of docs/BENCHMARKS.md.
//   1. Generates the data dir: db.json with the state, and the series files a year leaves behind.
//   2. Start-up: opening the database, and the whole app, on it.
//   3. A one-line state change, an audit append and one sync's worth of writes: latency, and the
//      longest event-loop stall meanwhile (perf_hooks.monitorEventLoopDelay).
//   4. Reads (audit, cost, a day of one instance's metrics) and the maintenance job.
//   5. Beside it, the store before the series: the same one-line change with the series inside
//      db.json, at the size the issue measured (a week of metrics for 10 instances, 10k audit entries).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { z } from 'zod';
import { createApp } from '#src/app.ts';
import { loadConfig } from '#src/config.ts';
import { costReport } from '#services/billing/cost-report.ts';
import { LOCAL_ACTOR, LOCAL_CHANNEL } from '#core/command.ts';
import { openDatabase, Store } from '#store/db.ts';
import { emptyDatabase, type Database } from '#store/schema.ts';
import type { InstanceRecord, LedgerEntry, MetricSample } from '#store/fleet-schema.ts';
import { dayOf, MS_PER_DAY } from '#store/series.ts';
import { metricHistory } from '#store/series-metrics.ts';
import { tempDir } from '#test/support/app.ts';
import { GPU_CATALOGUE } from '#domain/gpus.ts';
import { RETENTION } from '#domain/history.ts';
import type { Offer } from '#domain/offer.ts';
import { HISTORY_FILE_NAME } from '#services/market/index.ts';

const INSTANCES = 50;
const DAYS = 365;
const RAW_DAYS = 7;
const SYNC_SECONDS = 60;
const AUDIT_PER_DAY = 100;
const NOW = Date.parse('2026-11-30T12:00:00Z');
const HOUR = 3_600_000;

const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const iso = (value: number) => new Date(value).toISOString();

function quantiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, p95: sorted[Math.floor(sorted.length * 0.95)]!, max: sorted.at(-1)! };
}

/** Runs `work` `times` times (after warm-ups), timing each, with the event loop watched throughout. */
async function measure(times: number, work: (i: number) => Promise<unknown>, warmUps = 2) {
  for (let i = 0; i < warmUps; i++) await work(-1 - i);
  const loop = monitorEventLoopDelay({ resolution: 1 });
  const durations: number[] = [];
  loop.enable();
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await work(i);
    durations.push(performance.now() - started);
    // Gives the monitor's timer a turn between runs, as real traffic would.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  loop.disable();
  return { ...quantiles(durations), stall: loop.max / 1e6 };
}

function instance(n: number): InstanceRecord {
  return {
    id: `i${n}`, orgId: 'default', projectId: 'default', provider: 'vast', providerInstanceId: String(1000 + n), label: `ch-bench${String(n).padStart(5, '0')}-box`,
    deployToken: `bench${String(n).padStart(5, '0')}`, name: `box-${n}`, templateId: 'pytorch', external: false, createdBy: 'telegram:42', status: 'running', phase: 'ready',
    rawStatus: 'running', gpu: 'RTX 4090', gpuCount: 1, pricePerHour: 0.4, interruptible: false, ssh: { host: '10.0.0.1', port: 40000 + n, user: 'root' },
    ports: [], simulated: false, createdAt: iso(NOW - DAYS * MS_PER_DAY), readyAt: iso(NOW - DAYS * MS_PER_DAY + 60_000), lastSeenAt: iso(NOW), accruedUntil: iso(NOW),
  };
}

function writeDay(dir: string, day: string, records: readonly unknown[]) {
  writeFileSync(path.join(dir, `${day}.jsonl`), records.map((record) => `${JSON.stringify(record)}\n`).join(''), { mode: 0o600 });
}

/** A year for 50 instances: what the series keep of it under the default retention. */
function generateYear(dataDir: string) {
  const series = (name: string) => {
    const dir = path.join(dataDir, 'series', name);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  };
  const dirs = { audit: series('audit'), metrics: series('metrics'), hourly: series('metrics-hourly'), ledger: series('ledger') };
  const counts = { raw: 0, hourly: 0, audit: 0, ledger: 0 };
  const state: Database = emptyDatabase(new Date(NOW - DAYS * MS_PER_DAY));
  state.members.push({ orgId: 'default', platform: 'telegram', userId: '42', displayName: 'Ada', role: 'admin', addedAt: iso(NOW - DAYS * MS_PER_DAY) });
  state.instances = Array.from({ length: INSTANCES }, (_, n) => instance(n + 1));
  state.instanceCounters = { default: INSTANCES };
  const firstDay = NOW - (NOW % MS_PER_DAY) - (DAYS - 1) * MS_PER_DAY;
  let auditId = 0;
  for (let dayStart = firstDay; dayStart <= NOW; dayStart += MS_PER_DAY) {
    const day = dayOf(dayStart);
    const end = Math.min(dayStart + MS_PER_DAY, NOW);
    const raw = dayStart >= NOW - RAW_DAYS * MS_PER_DAY - MS_PER_DAY;
    const samples: MetricSample[] = [];
    const hourly: (MetricSample & { samples: number })[] = [];
    for (let n = 1; n <= INSTANCES; n++) {
      if (raw) {
        for (let t = dayStart; t < end; t += SYNC_SECONDS * 1000) samples.push({ instanceId: `i${n}`, orgId: 'default', at: iso(t), gpuUtilPercent: (t / 60_000 + n) % 100, gpuTempC: 60 + (n % 20), vramUsedGb: 17.5, vramTotalGb: 24 });
      }
      if (!raw || end < NOW) {
        for (let t = dayStart; t < end; t += HOUR) hourly.push({ instanceId: `i${n}`, orgId: 'default', at: iso(t), gpuUtilPercent: 50, gpuTempC: 60 + (n % 20), vramUsedGb: 17.5, vramTotalGb: 24, samples: 60 });
      }
    }
    if (samples.length) writeDay(dirs.metrics, day, samples);
    if (hourly.length) writeDay(dirs.hourly, day, hourly);
    counts.raw += samples.length;
    counts.hourly += hourly.length;
    const audit = Array.from({ length: AUDIT_PER_DAY }, (_, k) => ({
      id: ++auditId, at: iso(dayStart + k * (MS_PER_DAY / AUDIT_PER_DAY)), orgId: 'default', actor: { platform: 'telegram', userId: '42', displayName: 'Ada' },
      command: k % 3 ? 'stop' : 'deploy', args: k % 3 ? `stop i${(k % INSTANCES) + 1}` : 'deploy gpu=4090 template=pytorch', result: 'ok' as const,
    }));
    writeDay(dirs.audit, day, audit);
    counts.audit += audit.length;
    if (end < NOW) {
      // Two entries per instance per day: running most of it, stopped (disk) for the rest.
      const ledger: LedgerEntry[] = [];
      for (let n = 1; n <= INSTANCES; n++) {
        const key = { instanceId: `i${n}`, orgId: 'default', projectId: 'default', provider: 'vast' as const, gpu: 'RTX 4090', user: 'telegram:42' };
        const split = dayStart + 20 * HOUR;
        ledger.push({ ...key, state: 'running', rateMicrosPerHour: 400_000, from: iso(dayStart), to: iso(split), amountMicros: 8_000_000 });
        ledger.push({ ...key, state: 'stopped', rateMicrosPerHour: 20_000, from: iso(split), to: iso(end), amountMicros: 80_000 });
      }
      writeDay(dirs.ledger, day, ledger);
      counts.ledger += ledger.length;
    } else {
      state.ledger = state.instances.map((record) => ({
        instanceId: record.id, orgId: 'default', projectId: 'default', provider: 'vast', gpu: 'RTX 4090', user: 'telegram:42', state: 'running', rateMicrosPerHour: 400_000,
        from: iso(dayStart), to: iso(NOW), amountMicros: Math.round((400_000 * (NOW - dayStart)) / HOUR),
      }));
      for (const record of state.instances) state.sealedLedgerMicros[`default/${record.id}`] = (DAYS - 1) * 8_080_000;
    }
  }
  writeFileSync(path.join(dataDir, 'db.json'), JSON.stringify(state, null, 1), { mode: 0o600 });
  return counts;
}

/** price-history.json after a year of refreshes: every catalogue GPU at the four providers, every tier full. */
function fullPriceHistory(dataDir: string): number {
  const tier = (stepMs: number, count: number) => {
    const start = Math.floor((NOW - count * stepMs) / stepMs) * stepMs;
    // The file's compact text: "minutes,min,p10,median,count,samples", minutes as a difference after the first.
    return Array.from({ length: count }, (_, k) => `${k === 0 ? start / 60_000 : `+${stepMs / 60_000}`},${4000 + (k % 50)},4100,4500,${30 + (k % 7)},1`).join(' ');
  };
  const series = ['vast', 'runpod', 'lambda', 'tensordock'].flatMap((provider) =>
    GPU_CATALOGUE.map((gpu) => ({ provider, gpu: gpu.name, simulated: false, raw: tier(RETENTION.raw.stepMs, 288), hourly: tier(RETENTION.hourly.stepMs, 720), daily: tier(RETENTION.daily.stepMs, 365) })),
  );
  // As the bot snapshots it: one series per line.
  const text = `{"version":1,"seq":0,"series":[\n${series.map((entry) => JSON.stringify(entry)).join(',\n')}\n]}\n`;
  writeFileSync(path.join(dataDir, HISTORY_FILE_NAME), text, { mode: 0o600 });
  return Buffer.byteLength(text);
}

/** The one-line change on the store as it was: audit, metrics and ledger inside db.json. */
async function beforeTheSeries() {
  const dir = tempDir('computehub-bench-old-');
  const data = emptyDatabase(new Date(NOW)) as Database & { audit: unknown[]; metrics: unknown[] };
  data.metrics = Array.from({ length: 100_000 }, (_, k) => ({ instanceId: `i${(k % 10) + 1}`, orgId: 'default', at: iso(NOW - (100_000 - k) * 6000), gpuUtilPercent: k % 100, gpuTempC: 65, vramUsedGb: 17.5, vramTotalGb: 24 }));
  data.audit = Array.from({ length: 10_000 }, (_, k) => ({ id: k + 1, at: iso(NOW - (10_000 - k) * 60_000), orgId: 'default', actor: { platform: 'telegram', userId: '42', displayName: 'Ada' }, command: 'stop', args: `stop i${k % 10}`, result: 'ok' }));
  data.members.push({ orgId: 'default', platform: 'telegram', userId: '42', displayName: 'Ada', role: 'admin', addedAt: iso(NOW) });
  const file = path.join(dir, 'db.json');
  writeFileSync(file, JSON.stringify(data));
  const store = await Store.open({ file, schema: z.looseObject({ version: z.number() }) as unknown as z.ZodType<typeof data>, version: data.version, migrations: [], create: () => data });
  await store.update(() => undefined);
  const size = readFileSync(file).byteLength;
  const change = await measure(20, (i) => store.update((state) => void (state.members[0]!.displayName = `Ada ${i}`)));
  return { size, change };
}

export async function storeSection(): Promise<string[]> {
  const dataDir = tempDir('computehub-bench-year-');
  let started = performance.now();
  const counts = generateYear(dataDir);
  const generated = performance.now() - started;
  const dbBytes = readFileSync(path.join(dataDir, 'db.json')).byteLength;
  const priceBytes = fullPriceHistory(dataDir);

  const openings: number[] = [];
  for (let i = 0; i < 5; i++) {
    started = performance.now();
    await openDatabase(dataDir, () => new Date(NOW));
    openings.push(performance.now() - started);
  }
  const config = loadConfig({ COMPUTEHUB_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, '/nonexistent/.env');
  const apps: number[] = [];
  for (let i = 0; i < 5; i++) {
    started = performance.now();
    const app = await createApp(config, { now: () => new Date(NOW) });
    apps.push(performance.now() - started);
    await app.close();
  }
  const app = await createApp(config, { now: () => new Date(NOW) });
  // Price history loads in the background after start-up: how long until it answers, and the stall meanwhile.
  const historyLoad = await measure(1, () => app.services.market.history.series(['RTX 4090'], 0, false), 0);
  const { db } = app.services;
  const actor = { platform: 'telegram', userId: '42', displayName: 'Ada' };

  const stateChange = await measure(50, (i) => db.update((data) => void (data.instances[0]!.name = `box-${i}`)));
  // The part of a change that holds the event loop by itself: serialising db.json (the rest is I/O).
  const serialise = await measure(50, async () => JSON.stringify(db.data, null, 1));
  const auditAppend = await measure(50, (i) => app.services.identity.audit({ orgId: 'default', actor, command: 'rename', args: `rename ${i}`, result: 'ok' }));
  const syncWrites = await measure(20, async (i) => {
    const at = NOW + (i + 3) * 1000;
    await db.update((data) => {
      for (const record of data.instances) record.lastSeenAt = iso(at);
    });
    await db.series.metrics.append(...db.data.instances.map((record) => ({ instanceId: record.id, orgId: 'default', at: iso(at), gpuUtilPercent: 90, gpuTempC: 70, vramUsedGb: 20, vramTotalGb: 24 })));
  });
  const auditRead = await measure(10, () => app.services.commands.execute({ line: 'audit', actor: LOCAL_ACTOR, channel: LOCAL_CHANNEL }));
  const costRead = await measure(10, () => costReport(app.services.fleet.context, { orgId: 'default', period: 'month', by: 'project' }));
  const metricsDay = await measure(5, () => metricHistory(db.series, { orgId: 'default', instanceId: 'i7' }, { fromMs: NOW - MS_PER_DAY, toMs: NOW }));
  const metricsMonth = await measure(5, () => metricHistory(db.series, { orgId: 'default', instanceId: 'i7' }, { fromMs: NOW - 30 * MS_PER_DAY, toMs: NOW }, 'hourly'));
  const offers = GPU_CATALOGUE.map((gpu, k) => ({ provider: 'vast', gpu: gpu.name, pricePerGpuHour: 0.5 + k / 100, interruptible: false }) as Offer);
  const priceRefresh = await measure(10, (i) => app.services.market.history.record('vast', false, offers, NOW + (i + 3) * 300_000));
  const priceSnapshot = await measure(3, (i) => app.services.market.history.record('vast', false, offers, NOW + (i + 20) * 300_000).then(() => app.services.market.history.flush()), 0);
  // The first maintenance after midnight: today's raw day is finished and folded, the oldest files go.
  const maintenance = await measure(1, () => db.series.maintain(db, NOW + MS_PER_DAY), 0);
  // What the machine's load alone does to the stall figure: work that yields every fraction of a millisecond.
  const baseline = await measure(1, async () => {
    const end = performance.now() + 2000;
    while (performance.now() < end) {
      const slice = performance.now() + 0.2;
      while (performance.now() < slice);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }, 0);
  await app.close();

  const before = await beforeTheSeries();
  return [
    '## Store: a year of data for 50 instances',
    '',
    'Written by `test/bench/store.ts`. "A year" under the default retention: GPU metrics at the 60 s sync',
    `for the last ${RAW_DAYS} days plus today (${counts.raw.toLocaleString('en')} samples) and as hourly means before that`,
    `(${counts.hourly.toLocaleString('en')}), ${AUDIT_PER_DAY} audit entries a day (${counts.audit.toLocaleString('en')}), and two closed ledger entries per instance per day`,
    `(${counts.ledger.toLocaleString('en')}). db.json keeps the state (50 instances, today's open ledger entries): ${(dbBytes / 1024).toFixed(0)} KB.`,
    `Generated in ${(generated / 1000).toFixed(1)} s. Each figure is a median (p95 and the longest event-loop stall beside`,
    `it) of the runs named. The machine is shared with other engineers (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores at the end),`,
    'so figures are noisy, and a stall also counts the time the process waited for a CPU at all: the baseline',
    'row shows that alone; the serialising row is what a change itself holds the event loop for.',
    '',
    '| What | median | p95 | longest event-loop stall | goal |',
    '|---|---:|---:|---:|---|',
    `| one-line state change (db.update, 50 runs) | ${ms(stateChange.median)} | ${ms(stateChange.p95)} | ${ms(stateChange.stall)} | ≤ 10 ms, stall ≤ 20 ms |`,
    `| of which serialising db.json (the synchronous part) | ${ms(serialise.median)} | ${ms(serialise.p95)} | | |`,
    `| audit entry appended (one line + fsync, 50 runs) | ${ms(auditAppend.median)} | ${ms(auditAppend.p95)} | ${ms(auditAppend.stall)} | |`,
    `| one sync's writes: 50 instances updated + 50 metric samples (20 runs) | ${ms(syncWrites.median)} | ${ms(syncWrites.p95)} | ${ms(syncWrites.stall)} | |`,
    `| \`audit\` (newest 20) | ${ms(auditRead.median)} | ${ms(auditRead.p95)} | ${ms(auditRead.stall)} | |`,
    `| cost report for the month (ledger series + db.json) | ${ms(costRead.median)} | ${ms(costRead.p95)} | ${ms(costRead.stall)} | |`,
    `| one instance's metrics, last 24 h at sync resolution | ${ms(metricsDay.median)} | ${ms(metricsDay.p95)} | ${ms(metricsDay.stall)} | |`,
    `| one instance's metrics, last 30 days as hourly means | ${ms(metricsMonth.median)} | ${ms(metricsMonth.p95)} | ${ms(metricsMonth.stall)} | |`,
    `| a price refresh recorded (one line in the prices series) | ${ms(priceRefresh.median)} | ${ms(priceRefresh.p95)} | ${ms(priceRefresh.stall)} | |`,
    `| price-history.json snapshot (${mb(priceBytes)}, hourly and at shutdown, written in slices) | ${ms(priceSnapshot.median)} | | ${ms(priceSnapshot.stall)} | |`,
    `| price history loaded after start-up (in the background) | ${ms(historyLoad.median)} | | ${ms(historyLoad.stall)} | |`,
    `| maintenance after midnight (fold a day of 72k samples, prune) | ${ms(maintenance.median)} | | ${ms(maintenance.stall)} | |`,
    `| baseline: 2 s of work yielding every 0.2 ms (the machine's load alone) | | | ${ms(baseline.stall)} | |`,
    '',
    `Start-up on this data dir: opening the database (db.json + the series) **${ms(quantiles(openings).median)}**, the whole`,
    `app (database, vault, services; price history with a full year of every catalogue GPU at four providers)`,
    `**${ms(quantiles(apps).median)}** (medians of 5; goal ≤ 1 s). Nothing reads the series at start-up but the newest audit`,
    'day (for the next id); instance costs come from the totals kept in db.json; price history loads after',
    'start-up (its row above) and `prices history` waits for it if asked sooner.',
    '',
    `Before the series (everything in db.json), at the size the issue measured — a week of metrics for 10`,
    `instances (100,000 samples) and 10,000 audit entries, a ${mb(before.size)} db.json — the same one-line change took`,
    `**${ms(before.change.median)}** (p95 ${ms(before.change.p95)}) with event-loop stalls up to **${ms(before.change.stall)}**.`,
    '',
  ];
}

/** Replaces (or adds) the Store section of docs/BENCHMARKS.md. */
function writeSection(lines: string[]) {
  const file = path.resolve('docs/BENCHMARKS.md');
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('## Store');
  const next = start < 0 ? -1 : text.indexOf('\n## ', start + 1);
  const section = lines.join('\n');
  const updated = start < 0 ? `${text.trimEnd()}\n\n${section}` : `${text.slice(0, start)}${section}${next < 0 ? '' : text.slice(next + 1)}`;
  writeFileSync(file, updated);
  process.stdout.write(`${section}\nWritten to ${file}\n`);
}

writeSection(await storeSection());
