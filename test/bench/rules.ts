// Rule evaluation figures for `npm run bench` (issue goal: under 50 ms per sync for 500 instances ×
// 50 rules). Also runnable alone: `npx tsx test/bench/rules.ts`.
//   1. Compiling the 50 rules (done once when they are loaded, not per sync).
//   2. evaluate per sync over 500 instances × 50 rules, the state carried from sync to sync as the
//      loop does, on 40 different snapshots whose metrics move (so stretches start, fire and resolve).
//   3. The state's JSON: its size and the time to write and read it back (it is persisted per sync).
//   4. `rule backtest` of one rule over a week at a 10-minute sync.
import { pathToFileURL } from 'node:url';
import { GPU_CATALOGUE } from '#domain/gpus.ts';
import { backtest, compileRule, emptyRuleState, evaluate, type InstanceFacts, type RuleSnapshot, type RuleState } from '#domain/rules/index.ts';
import { createRandom } from '#sim/random.ts';

/** The simulator's deterministic stream, so the recorded data is the same every run. */
const random = (seed: number) => createRandom(seed).next;

const INSTANCES = 500;
const RULES = 50;
const SYNCS = 40;
const BACKTEST_INSTANCES = 100;
const MINUTE = 60_000;
const T0 = Date.parse('2026-03-02T00:00:00Z');

const TEMPLATES = [
  (n: number) => `IF gpu_util < ${5 + (n % 5)}% FOR ${30 + n * 5}m THEN stop`,
  (n: number) => `IF status == running AND cost_per_hour > cheapest(gpu) FOR 1h THEN migrate COOLDOWN ${n + 1}h`,
  (n: number) => `IF cost_today > $${20 + n} AND (provider == vast OR provider == runpod) THEN stop, notify "over budget"`,
  (n: number) => `IF gpu_temp > ${80 + (n % 10)} AND NOT (project == research) THEN notify`,
  (n: number) => `IF status != running AND uptime < 1h FOR ${5 + n}m THEN restart`,
  (n: number) => `IF gpu == H100 AND vram_used_pct < ${n}% AND price_change_pct(gpu, 24h) < -5% THEN notify`,
  (n: number) => `IF cheapest(H100) < $${(1.5 + n / 100).toFixed(2)} THEN deploy gpu=H100 template=jupyter COOLDOWN 6h`,
  (n: number) => `IF cost_total > $${500 + n * 10} OR name == "scratch-${n}" THEN destroy`,
];

function snapshots(count: number, instances: number, stepMs: number): RuleSnapshot[] {
  const next = random(7);
  const gpus = GPU_CATALOGUE.map((gpu) => gpu.name);
  const providers = ['vast', 'runpod', 'lambda', 'tensordock'];
  return Array.from({ length: count }, (_, sync) => {
    const cheapest = Object.fromEntries(gpus.map((gpu, i) => [gpu, 0.2 + (i % 12) * 0.25 + next() * 0.3]));
    const priceChangePct = Object.fromEntries(gpus.map((gpu) => [gpu, { '86400': next() * 20 - 10 }]));
    const fleet: InstanceFacts[] = Array.from({ length: instances }, (_, i) => {
      const running = next() > 0.1;
      // A fifth of the fleet idles, a different fifth every 12 syncs, so idle stretches last long enough to fire.
      const idle = (i + Math.floor(sync / 12)) % 5 === 0;
      return {
        id: `i${i + 1}`,
        name: `box-${i}`,
        project: i % 3 === 0 ? 'research' : 'ml',
        provider: providers[i % 4]!,
        gpu: gpus[i % gpus.length]!,
        status: running ? 'running' : 'stopped',
        costPerHour: running ? 0.3 + (i % 12) * 0.25 : 0.05,
        stoppedCostPerHour: 0.05,
        costToday: (sync * 3 + i) % 60,
        costTotal: i * 3 + sync,
        uptimeSeconds: running ? (i % 48) * 1800 : 0,
        gpuUtil: next() < 0.02 ? null : idle ? next() * 4 : 30 + next() * 70,
        vramUsedPct: next() * 100,
        gpuTemp: 50 + next() * 40,
      };
    });
    return { at: new Date(T0 + sync * stepMs).toISOString(), instances: fleet, market: { cheapest, priceChangePct } };
  });
}

const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

/** The 50 rule texts every rules benchmark uses. */
export const RULE_TEXTS = Array.from({ length: RULES }, (_, i) => TEMPLATES[i % TEMPLATES.length]!(Math.floor(i / TEMPLATES.length)));

export function rulesFigures(): string[] {
  const texts = RULE_TEXTS;
  let started = performance.now();
  const rules = texts.map((text, i) => compileRule(`r${i + 1}`, text));
  const compileMs = performance.now() - started;

  const syncs = snapshots(SYNCS, INSTANCES, MINUTE);
  let state: RuleState = emptyRuleState();
  evaluate(syncs[0]!, rules, state, Date.parse(syncs[0]!.at));
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let decisions = 0;
  for (const snapshot of syncs) {
    started = performance.now();
    const cpu = process.cpuUsage();
    const evaluation = evaluate(snapshot, rules, state, Date.parse(snapshot.at));
    const used = process.cpuUsage(cpu);
    times.push(performance.now() - started);
    cpuTimes.push((used.user + used.system) / 1000);
    state = evaluation.nextState;
    decisions += evaluation.decisions.length;
  }
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);

  started = performance.now();
  const json = JSON.stringify(state);
  JSON.parse(json);
  const jsonMs = performance.now() - started;

  const week = snapshots(7 * 24 * 6, BACKTEST_INSTANCES, 10 * MINUTE);
  started = performance.now();
  const report = backtest(week, [rules[0]!]);
  const backtestMs = performance.now() - started;

  return [
    '## Rules: evaluation per sync',
    '',
    `${INSTANCES} instances × ${RULES} rules (eight kinds of rule: idle stop, migrate, cost stop, temperature and price notices, restart, market deploy, destroy), ${SYNCS} syncs a minute apart whose metrics move (a fifth of the fleet idle, a different fifth every 12 syncs), the state carried from one to the next.`,
    '',
    '| What | Time |',
    '|---|---:|',
    `| compile the ${RULES} rules (once, on load) | ${ms(compileMs)} |`,
    `| evaluate one sync, median (CPU time of this process) | **${ms(percentile(times, 0.5))}** (${ms(percentile(cpuTimes, 0.5))}) |`,
    `| evaluate one sync, p95 (CPU time) | ${ms(percentile(times, 0.95))} (${ms(percentile(cpuTimes, 0.95))}) |`,
    `| state JSON written and read back (${(json.length / 1024).toFixed(0)} KB) | ${ms(jsonMs)} |`,
    `| \`rule backtest\` of \`${rules[0]!.text}\`: a week at a 10-minute sync, ${BACKTEST_INSTANCES} instances (${week.length.toLocaleString('en')} snapshots, ${report.rules[0]!.firings.length.toLocaleString('en')} firings) | ${ms(backtestMs)} |`,
    '',
    `Goal: under 50 ms per sync. ${Math.round(decisions / SYNCS).toLocaleString('en')} decisions per sync on average (fired, skipped, resolved), with the default budget of 20 actions an hour. The CPU time is this process's own, which stays meaningful when other work shares the machine.`,
    '',
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.stdout.write(`${rulesFigures().join('\n')}\n`);
