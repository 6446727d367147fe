// `rule backtest`: recorded snapshots replayed in time order through the same evaluate, from an
// empty state, with the same budget and cooldowns. Nothing is acted on, so the record goes on as it
// really did; what a firing would have changed is estimated from the record after it:
//
// - Each snapshot's facts hold from its time until the next snapshot's; the window ends at the last.
// - stop: from the firing until the record shows the instance not running (stopped by someone, or
//   gone) — the moment it "would have been stopped otherwise" — it saves, per interval it was
//   running, (cost_per_hour − its stopped disk rate) × the interval.
// - destroy: from the firing until the instance leaves the record, it saves cost_per_hour × interval
//   (whatever it billed, running or stopped).
// - migrate: while it kept running, it saves (cost_per_hour − cheapest(gpu) at that time, for its
//   GPU count) × interval; negative when the market was dearer. Intervals without a price count nothing.
// - deploy: costs cheapest(gpu=…) × count=… (default 1) at the firing × the time from the firing to the
//   end of the window (nothing in the rule stops the new machine); `unpriced` counts deploys with no price.
// - restart and notify move no money.
// A rule that fires again on an instance whose earlier firing still has effect adds no money twice.
import { gpuModels } from './check.ts';
import { evaluate, type EvaluateSettings } from './evaluate.ts';
import type { Rule, RuleAction } from './rule.ts';
import type { InstanceFacts, RuleSnapshot } from './snapshot.ts';
import { emptyRuleState, HOUR_MS, type SkipReason } from './state.ts';

export interface BacktestFiring {
  at: string;
  instanceId: string | null;
}

export interface BacktestRuleReport {
  ruleId: string;
  firings: BacktestFiring[];
  skipped: Record<SkipReason, number>;
  resolved: number;
  /** $ its stop, destroy or migrate would have saved (negative: cost). */
  savedUsd: number;
  /** $ its deploys would have cost. */
  costUsd: number;
  /** Deploys whose cost is unknown: no market price for the GPU at the firing. */
  unpriced: number;
}

export interface BacktestReport {
  from: string | null;
  to: string | null;
  snapshots: number;
  rules: BacktestRuleReport[];
}

const roundMicros = (usd: number) => Math.round(usd * 1e6) / 1e6;

interface Timeline {
  times: number[];
  instances: Map<string, InstanceFacts>[];
  snapshots: RuleSnapshot[];
}

/** Hours from snapshot `index` to the next one (0 for the last). */
function hoursAfter(timeline: Timeline, index: number): number {
  const next = timeline.times[index + 1];
  return next === undefined ? 0 : (next - timeline.times[index]!) / HOUR_MS;
}

/** Money a machine action saves from snapshot `from` on, and the index where its effect ends. */
function machineSavings(timeline: Timeline, action: RuleAction['type'], instanceId: string, from: number): { usd: number; until: number } {
  let usd = 0;
  let index = from;
  for (; index < timeline.times.length; index++) {
    const facts = timeline.instances[index]!.get(instanceId);
    if (!facts || (action !== 'destroy' && facts.status !== 'running')) break;
    const hours = hoursAfter(timeline, index);
    if (action === 'destroy') usd += facts.costPerHour * hours;
    else if (action === 'stop') usd += (facts.costPerHour - (facts.stoppedCostPerHour ?? 0)) * hours;
    else {
      const cheapest = timeline.snapshots[index]!.market.cheapest[facts.gpu];
      if (cheapest !== undefined) usd += (facts.costPerHour - cheapest * (facts.gpuCount ?? 1)) * hours;
    }
  }
  return { usd, until: index };
}

/** $/h of a deploy's gpu= (its cheapest model) × count= at one snapshot, if the market had a price. */
function deployPrice(snapshot: RuleSnapshot, action: RuleAction & { type: 'deploy' }): number | undefined {
  const option = (key: string) => action.options.find((candidate) => candidate.key === key)?.value;
  const prices = gpuModels(option('gpu') ?? '').flatMap((model) => snapshot.market.cheapest[model] ?? []);
  const count = Number(option('count') ?? 1);
  return prices.length ? Math.min(...prices) * (Number.isFinite(count) && count > 0 ? count : 1) : undefined;
}

export function backtest(recorded: readonly RuleSnapshot[], rules: readonly Rule[], settings: EvaluateSettings = {}): BacktestReport {
  const snapshots = [...recorded].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const timeline: Timeline = {
    times: snapshots.map((snapshot) => Date.parse(snapshot.at)),
    instances: snapshots.map((snapshot) => new Map(snapshot.instances.map((instance) => [instance.id, instance]))),
    snapshots,
  };
  const reports = new Map(rules.map((rule) => [rule.id, { ruleId: rule.id, firings: [], skipped: { cooldown: 0, budget: 0, loop: 0 }, resolved: 0, savedUsd: 0, costUsd: 0, unpriced: 0 } as BacktestRuleReport]));
  const rulesById = new Map(rules.map((rule) => [rule.id, rule]));
  /** rule id + instance id → index of the snapshot where its last firing's effect ends. */
  const coveredUntil = new Map<string, number>();
  const endMs = timeline.times.at(-1) ?? 0;
  let state = emptyRuleState();
  snapshots.forEach((snapshot, index) => {
    const evaluation = evaluate(snapshot, rules, state, timeline.times[index]!, settings);
    state = evaluation.nextState;
    for (const decision of evaluation.decisions) {
      const report = reports.get(decision.ruleId)!;
      if (decision.kind === 'resolved') report.resolved++;
      if (decision.kind === 'skipped') report.skipped[decision.skip!]++;
      if (decision.kind !== 'fired') continue;
      report.firings.push({ at: decision.at, instanceId: decision.instanceId });
      for (const action of rulesById.get(decision.ruleId)!.actions) {
        if (action.type === 'deploy') {
          const price = deployPrice(snapshot, action);
          if (price === undefined) report.unpriced++;
          else report.costUsd += (price * (endMs - timeline.times[index]!)) / HOUR_MS;
        } else if ((action.type === 'stop' || action.type === 'destroy' || action.type === 'migrate') && decision.instanceId !== null) {
          const key = `${decision.ruleId}\u0000${decision.instanceId}`;
          const from = Math.max(index, coveredUntil.get(key) ?? 0);
          const effect = machineSavings(timeline, action.type, decision.instanceId, from);
          report.savedUsd += effect.usd;
          coveredUntil.set(key, Math.max(effect.until, from));
        }
      }
    }
  });
  const list = [...reports.values()].map((report) => ({ ...report, savedUsd: roundMicros(report.savedUsd), costUsd: roundMicros(report.costUsd) }));
  return { from: snapshots[0]?.at ?? null, to: snapshots.at(-1)?.at ?? null, snapshots: snapshots.length, rules: list };
}
