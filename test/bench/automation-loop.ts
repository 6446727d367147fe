// The whole evaluation after a sync, as the bot runs it, for `npm run bench`: 500 instances in the
// store, 50 rules, 100 watches, 20 caps and 50 idle checks (plus one for the org), metric samples
// where a fifth of the fleet idles in turn; AutomationService.afterSync timed per sync (store, ledger series, events, actions —
// actions fail fast here: no provider is bound, which the events then record).
// Also runnable alone: `npx tsx test/bench/automation-loop.ts`.
import { pathToFileURL } from 'node:url';
import type { InstanceRecord, MetricSample } from '#store/fleet-schema.ts';
import { createRandom } from '#sim/random.ts';
import { testApp } from '#test/support/app.ts';
import { medianOf } from './timing.ts';
import { RULE_TEXTS } from './rules.ts';

const INSTANCES = 500;
const WATCHES = 100;
const CAPS = 20;
const IDLE_CHECKS = 50;
const SYNCS = 40;
const MINUTE = 60_000;
const T0 = Date.parse('2026-03-02T00:00:00Z');

function instance(i: number, at: string): InstanceRecord {
  return {
    id: `i${i + 1}`, orgId: 'default', projectId: 'default', provider: (['vast', 'runpod', 'lambda', 'tensordock'] as const)[i % 4]!, providerInstanceId: `p${i}`,
    label: `bench-${i}`, deployToken: null, name: `box-${i}`, templateId: 'pytorch', external: false, createdBy: 'console:local', status: 'running',
    phase: 'ready', rawStatus: 'running', gpu: 'RTX 4090', gpuCount: 1, pricePerHour: 0.4 + (i % 7) * 0.1, stoppedPricePerHour: 0.02, interruptible: false,
    ssh: null, ports: [], simulated: true, createdAt: at, readyAt: at, lastSeenAt: at, accruedUntil: at,
  };
}

export async function automationLoopFigures(): Promise<string[]> {
  let now = T0;
  const app = await testApp({}, { now: () => new Date(now), providersFor: () => [] });
  try {
    const { db, automation } = app.services;
    await db.update((data) => {
      data.instances.push(...Array.from({ length: INSTANCES }, (_, i) => instance(i, new Date(T0).toISOString())));
    });
    const author = { id: 'console:local', role: 'admin' as const, channel: null };
    for (const text of RULE_TEXTS) await automation.addRule('default', text, author);
    for (let i = 0; i < WATCHES; i++) await automation.watch('default', `i${i + 1}`, { restart: true, max: 3, by: 'console:local', channel: null });
    for (let i = 0; i < CAPS; i++) await automation.addCap('default', { instance: `i${i * 7 + 1}`, projectId: null, usd: 5 + i, per: i % 2 ? 'day' : 'total', action: 'stop', by: 'console:local', channel: null });
    for (let i = 0; i <= IDLE_CHECKS; i++) {
      await automation.idleChecks.add('default', { instance: i < IDLE_CHECKS ? `i${i * 9 + 2}` : null, projectId: null, belowPct: 5, forSeconds: 1800, action: 'stop', createdBy: 'console:local', channel: null });
    }
    const next = createRandom(11).next;
    const times: number[] = [];
    const cpuTimes: number[] = [];
    for (let sync = 0; sync < SYNCS; sync++) {
      now += MINUTE;
      const at = new Date(now).toISOString();
      const samples: MetricSample[] = Array.from({ length: INSTANCES }, (_, i) => ({ orgId: 'default', instanceId: `i${i + 1}`, at, gpuUtilPercent: (i + Math.floor(sync / 12)) % 5 === 0 ? next() * 4 : 30 + next() * 70, gpuTempC: 50 + ((i * 7) % 40) + next() * 2, vramUsedGb: next() * 24, vramTotalGb: 24 }));
      const started = performance.now();
      const cpu = process.cpuUsage();
      await automation.afterSync({ samples });
      const used = process.cpuUsage(cpu);
      times.push(performance.now() - started);
      cpuTimes.push((used.user + used.system) / 1000);
    }
    const events = (await automation.events.newest(100_000, () => true)).length;
    return [
      '## The automation loop per sync (500 instances × 50 rules, with watches, caps and idle checks)',
      '',
      `The bot's whole evaluation after a sync on a real store: ${INSTANCES} instances, ${RULE_TEXTS.length} rules, ${WATCHES} watches, ${CAPS} caps, ${IDLE_CHECKS + 1} idle checks; ${SYNCS} syncs a minute apart with GPU util that moves (a fifth of the fleet idles, a different fifth every 12 syncs) and steady temperatures (${events} events recorded, ${Math.round(events / SYNCS)} per sync; actions fail fast, no provider bound).`,
      '',
      `- Evaluation per sync: median **${medianOf(times).toFixed(1)} ms** (CPU time of this process ${medianOf(cpuTimes).toFixed(1)} ms), slowest ${Math.max(...times).toFixed(1)} ms (goal: under 50 ms)`,
      '',
    ];
  } finally {
    await app.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${(await automationLoopFigures()).join('\n')}\n`);
}
