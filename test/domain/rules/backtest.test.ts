import { describe, expect, it } from 'vitest';
import { backtest, compileRule, type InstanceFacts, type MarketFacts, type RuleSnapshot } from '#domain/rules/index.ts';
import { instance, market, MINUTE, snapshot, T0 } from './fixtures.ts';
import { createRandom } from '#sim/random.ts';

/** The simulator's deterministic stream, so the recorded data is the same every run. */
const random = (seed: number) => createRandom(seed).next;

const STEP = 10 * MINUTE;
const WEEK = 7 * 24 * 60 * MINUTE;
const DAY = 24 * 60 * MINUTE;

interface Machine {
  id: string;
  gpu: string;
  provider: string;
  price: number;
  disk: number;
  /** [from, to) in ms since T0 during which it exists. */
  life: [number, number];
  /** Whether a person had it stopped at this offset. */
  stopped: (offset: number) => boolean;
}

const MACHINES: Machine[] = [
  { id: 'i1', gpu: 'H100 SXM', provider: 'vast', price: 2.5, disk: 0.1, life: [0, WEEK], stopped: () => false },
  { id: 'i2', gpu: 'RTX 4090', provider: 'runpod', price: 0.4, disk: 0.02, life: [0, WEEK], stopped: (t) => t >= 2.5 * DAY && t < 3.6 * DAY },
  { id: 'i3', gpu: 'H100 PCIe', provider: 'lambda', price: 2.0, disk: 0, life: [0, 5 * DAY], stopped: () => false },
  { id: 'i4', gpu: 'A100 80GB SXM', provider: 'vast', price: 1.6, disk: 0.05, life: [2 * DAY, WEEK], stopped: (t) => t % DAY > 22 * 60 * MINUTE },
  { id: 'i5', gpu: 'RTX 4090', provider: 'vast', price: 0.5, disk: 0.02, life: [DAY, 6 * DAY], stopped: () => false },
];

/** A week of snapshots every 10 minutes: working hours busy, nights idle, gaps in metrics, a moving market. */
function recordWeek(): RuleSnapshot[] {
  const next = random(12);
  const costTotal = new Map<string, number>();
  const costToday = new Map<string, number>();
  const upSince = new Map<string, number>();
  const snapshots: RuleSnapshot[] = [];
  for (let offset = 0; offset <= WEEK; offset += STEP) {
    const at = T0 + offset;
    const hour = (offset % DAY) / (60 * MINUTE);
    const wave = Math.sin((offset / DAY) * 2 * Math.PI);
    const market: MarketFacts = {
      cheapest: { 'H100 SXM': 2.3 + 0.3 * wave, 'H100 PCIe': 2.0 + 0.15 * wave + 0.05 * next(), 'RTX 4090': 0.35 + 0.1 * next(), 'A100 80GB SXM': 1.2 + 0.2 * wave },
      priceChangePct: {},
    };
    if (next() < 0.03) delete market.cheapest['RTX 4090'];
    const instances: InstanceFacts[] = [];
    for (const machine of MACHINES) {
      if (offset < machine.life[0] || offset >= machine.life[1]) continue;
      if (offset % DAY === 0) costToday.set(machine.id, 0);
      const running = !machine.stopped(offset);
      if (!running) upSince.delete(machine.id);
      else if (!upSince.has(machine.id)) upSince.set(machine.id, offset);
      const costPerHour = running ? machine.price : machine.disk;
      const busy = running && hour >= 8 && hour < 17 + (machine.id === 'i1' ? 3 : 0);
      const metricsMissing = !running || next() < 0.05;
      instances.push({
        id: machine.id,
        name: `box-${machine.id}`,
        project: 'ml',
        provider: machine.provider,
        gpu: machine.gpu,
        status: running ? 'running' : 'stopped',
        costPerHour,
        stoppedCostPerHour: machine.disk,
        costToday: costToday.get(machine.id) ?? 0,
        costTotal: costTotal.get(machine.id) ?? 0,
        uptimeSeconds: running ? (offset - upSince.get(machine.id)!) / 1000 : 0,
        gpuUtil: metricsMissing ? null : busy ? 60 + 40 * next() : 8 * next(),
        vramUsedPct: metricsMissing ? null : 50,
        gpuTemp: metricsMissing ? null : busy ? 70 + 15 * next() : 40,
      });
      const spent = (costPerHour * STEP) / (60 * MINUTE);
      costToday.set(machine.id, (costToday.get(machine.id) ?? 0) + spent);
      costTotal.set(machine.id, (costTotal.get(machine.id) ?? 0) + spent);
    }
    snapshots.push({ at: new Date(at).toISOString(), instances, market });
  }
  return snapshots;
}

interface Spec {
  id: string;
  text: string;
  /** The condition again, in plain TypeScript; undefined means a value was missing. */
  holds: (facts: InstanceFacts | undefined, market: MarketFacts) => boolean | undefined;
  forMs: number;
  cooldownMs: number;
  perInstance: boolean;
}

const SPECS: Spec[] = [
  { id: 'r1', text: 'IF gpu_util < 5% FOR 30m THEN stop', holds: (f) => (f!.gpuUtil === null ? undefined : f!.gpuUtil < 5), forMs: 30 * MINUTE, cooldownMs: 30 * MINUTE, perInstance: true },
  {
    id: 'r2',
    text: 'IF status == running AND cost_per_hour > cheapest(gpu) FOR 1h THEN migrate COOLDOWN 6h',
    holds: (f, m) => {
      if (f!.status !== 'running') return false;
      const cheapest = m.cheapest[f!.gpu];
      return cheapest === undefined ? undefined : f!.costPerHour > cheapest;
    },
    forMs: 60 * MINUTE,
    cooldownMs: 6 * 60 * MINUTE,
    perInstance: true,
  },
  {
    id: 'r3',
    text: 'IF cheapest(H100) < $1.9 THEN deploy gpu=H100 template=jupyter COOLDOWN 12h',
    holds: (_, m) => {
      const prices = ['H100 PCIe', 'H100 SXM', 'H100 NVL'].flatMap((gpu) => m.cheapest[gpu] ?? []);
      return prices.length ? Math.min(...prices) < 1.9 : undefined;
    },
    forMs: 0,
    cooldownMs: 12 * 60 * MINUTE,
    perInstance: false,
  },
  { id: 'r4', text: 'IF gpu_temp > 80 THEN notify COOLDOWN 2h', holds: (f) => (f!.gpuTemp === null ? undefined : f!.gpuTemp > 80), forMs: 0, cooldownMs: 120 * MINUTE, perInstance: true },
  { id: 'r5', text: 'IF cost_today > $30 AND provider == vast THEN destroy', holds: (f) => f!.costToday > 30 && f!.provider === 'vast', forMs: 0, cooldownMs: 30 * MINUTE, perInstance: true },
  { id: 'r6', text: 'IF status != running FOR 20m THEN restart', holds: (f) => f!.status !== 'running', forMs: 20 * MINUTE, cooldownMs: 30 * MINUTE, perInstance: true },
];

/** The replay again, target by target through time (not snapshot by snapshot), with money added up per interval. */
function independentReplay(snapshots: RuleSnapshot[], spec: Spec) {
  const times = snapshots.map((snapshot) => Date.parse(snapshot.at));
  const find = (index: number, id: string) => snapshots[index]!.instances.find((facts) => facts.id === id);
  const hours = (index: number) => (index + 1 < times.length ? (times[index + 1]! - times[index]!) / (60 * MINUTE) : 0);
  const targets = spec.perInstance ? MACHINES.map((machine) => machine.id) : [null];
  const firings: { at: string; instanceId: string | null }[] = [];
  let savedUsd = 0;
  let costUsd = 0;
  for (const target of targets) {
    let since: number | null = null;
    let firing = false;
    let lastFired: number | null = null;
    const covered = new Array<boolean>(snapshots.length).fill(false);
    snapshots.forEach((snapshot, index) => {
      const facts = target === null ? undefined : find(index, target);
      if (target !== null && !facts) {
        since = null;
        firing = false;
        lastFired = null;
        return;
      }
      if (spec.holds(facts, snapshot.market) !== true) {
        since = null;
        firing = false;
        return;
      }
      since ??= times[index]!;
      if (firing || times[index]! - since < spec.forMs || (lastFired !== null && times[index]! - lastFired < spec.cooldownMs)) return;
      firing = true;
      lastFired = times[index]!;
      firings.push({ at: snapshot.at, instanceId: target });
      if (target === null) {
        costUsd += (['H100 PCIe', 'H100 SXM'].map((gpu) => snapshot.market.cheapest[gpu]!).reduce((a, b) => Math.min(a, b)) * (times.at(-1)! - times[index]!)) / (60 * MINUTE);
        return;
      }
      for (let later = index; later < snapshots.length; later++) {
        const then = find(later, target);
        if (!then || (spec.id !== 'r5' && then.status !== 'running')) break;
        covered[later] = true;
      }
    });
    if (target === null) continue;
    covered.forEach((isCovered, index) => {
      if (!isCovered) return;
      const facts = find(index, target)!;
      if (spec.id === 'r1') savedUsd += (facts.costPerHour - (facts.stoppedCostPerHour ?? 0)) * hours(index);
      if (spec.id === 'r5') savedUsd += facts.costPerHour * hours(index);
      const cheapest = snapshots[index]!.market.cheapest[facts.gpu];
      if (spec.id === 'r2' && cheapest !== undefined) savedUsd += (facts.costPerHour - cheapest) * hours(index);
    });
  }
  firings.sort((a, b) => a.at.localeCompare(b.at) || String(a.instanceId).localeCompare(String(b.instanceId)));
  return { firings, savedUsd, costUsd };
}

describe('rule backtest', () => {
  it('over a recorded week equals an independent replay: the same firings, the same money', () => {
    const snapshots = recordWeek();
    const rules = SPECS.map((spec) => compileRule(spec.id, spec.text));
    const report = backtest(snapshots, rules, { actionsPerHour: 1000, spendingActionsPerInstancePerHour: 1000 });
    expect(report).toMatchObject({ snapshots: 1009, from: snapshots[0]!.at, to: snapshots.at(-1)!.at });
    for (const spec of SPECS) {
      const expected = independentReplay(snapshots, spec);
      const actual = report.rules.find((rule) => rule.ruleId === spec.id)!;
      const sorted = [...actual.firings].sort((a, b) => a.at.localeCompare(b.at) || String(a.instanceId).localeCompare(String(b.instanceId)));
      expect(sorted, spec.text).toEqual(expected.firings);
      expect(actual.firings.length, spec.text).toBeGreaterThan(0);
      expect(actual.savedUsd, spec.text).toBeCloseTo(expected.savedUsd, 4);
      expect(actual.costUsd, spec.text).toBeCloseTo(expected.costUsd, 4);
      expect(actual.skipped.budget + actual.skipped.loop).toBe(0);
    }
    const money = Object.fromEntries(report.rules.map((rule) => [rule.ruleId, [rule.savedUsd, rule.costUsd]]));
    expect(money.r1![0]).toBeGreaterThan(0);
    expect(money.r3![1]).toBeGreaterThan(0);
    expect(money.r5![0]).toBeGreaterThan(0);
  });

  it('estimates money the documented way: a stop saves until the machine really stopped, a deploy costs to the end', () => {
    const hour = 60 * MINUTE;
    const idleRunning = instance({ gpuUtil: 1, costPerHour: 2, stoppedCostPerHour: 0.1 });
    const recorded = [
      snapshot(T0, [idleRunning]),
      snapshot(T0 + hour, [idleRunning]),
      snapshot(T0 + 2 * hour, [idleRunning]),
      snapshot(T0 + 3 * hour, [{ ...idleRunning, status: 'stopped', costPerHour: 0.1, gpuUtil: null }]),
      snapshot(T0 + 4 * hour, [], market({ cheapest: {} })),
    ];
    const report = backtest(recorded, [compileRule('stop', 'IF gpu_util < 5% THEN stop'), compileRule('buy', 'IF cheapest(H100) < $2 THEN deploy gpu=H100 count=2'), compileRule('gone', 'IF cost_total > $1 THEN destroy')]);
    const byId = Object.fromEntries(report.rules.map((rule) => [rule.ruleId, rule]));
    expect(byId.stop).toMatchObject({ firings: [{ at: new Date(T0).toISOString(), instanceId: 'i1' }], savedUsd: 5.7, costUsd: 0, resolved: 1 });
    expect(byId.buy).toMatchObject({ firings: [{ at: new Date(T0).toISOString(), instanceId: null }], savedUsd: 0, costUsd: 15.2, resolved: 1 });
    expect(byId.gone).toMatchObject({ savedUsd: 6.1 });
  });

  it('orders the snapshots itself and counts what the budget and cooldowns skipped', () => {
    const snapshots = recordWeek();
    const rules = SPECS.map((spec) => compileRule(spec.id, spec.text));
    const inOrder = backtest(snapshots, rules, { actionsPerHour: 2 });
    expect(backtest([...snapshots].reverse(), rules, { actionsPerHour: 2 })).toEqual(inOrder);
    const skipped = inOrder.rules.reduce((sum, rule) => sum + rule.skipped.budget, 0);
    expect(skipped).toBeGreaterThan(0);
    expect(inOrder.rules.find((rule) => rule.ruleId === 'r4')!.skipped.cooldown).toBeGreaterThan(0);
  });
});
