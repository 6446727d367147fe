// The pure evaluator: one snapshot, the org's rules and their state in; decisions and the next
// state out. The live loop, `rule test` and `rule backtest` all call this; it never acts itself.
//
// Per rule and target a stretch starts when the condition is first seen true. The rule fires once
// per stretch, when the stretch has lasted FOR, unless the target's cooldown since the last firing
// has not passed, the instance has had too many automatic spending actions this hour (rules and watches) (the loop
// guard), or the org's hourly budget of actions is spent — then it is skipped, reported once per
// stretch and reason, and fires later in the same stretch once nothing blocks it. When a fired
// stretch ends (the condition is false or unknown, the instance is gone, the rule is paused) the
// decision is `resolved`.
import { observeValues, type Value } from './condition.ts';
import type { Rule, RuleAction } from './rule.ts';
import type { InstanceFacts, RuleSnapshot } from './snapshot.ts';
import { HOUR_MS, isBudgeted, isSpending, ORG_TARGET, type ActionRecord, type RuleState, type SkipReason, type TargetState } from './state.ts';
import { describeDuration } from './units.ts';

export interface EvaluateSettings {
  /** Budgeted automatic actions (all but notify) per org per hour; default 20. */
  actionsPerHour?: number;
  /** Spending actions (restart, migrate, deploy) rules may take on one instance per hour; default 3. */
  spendingActionsPerInstancePerHour?: number;
}

export const DEFAULT_ACTIONS_PER_HOUR = 20;
export const DEFAULT_SPENDING_ACTIONS_PER_INSTANCE_PER_HOUR = 3;

export interface Decision {
  kind: 'fired' | 'skipped' | 'resolved';
  /** ISO 8601, the evaluation's clock. */
  at: string;
  ruleId: string;
  /** The instance's short id; null for a rule that reads only the market. */
  instanceId: string | null;
  /** fired: the actions to take now; skipped: the actions not taken; resolved: none. */
  actions: RuleAction[];
  skip?: SkipReason;
  /** Each variable and function the condition reads → its value for this target (null: missing). */
  values: Record<string, Value>;
  /** One sentence a user can read. */
  reason: string;
}

export interface Evaluation {
  decisions: Decision[];
  nextState: RuleState;
}

/** How many of a rule's actions spend (loop guard) and count against the budget; asked per target, so kept. */
const actionCounts = new WeakMap<Rule, { spending: number; budgeted: number }>();
function countsOf(rule: Rule): { spending: number; budgeted: number } {
  let counts = actionCounts.get(rule);
  if (!counts) {
    counts = { spending: rule.actions.filter((action) => isSpending(action.type)).length, budgeted: rule.actions.filter((action) => isBudgeted(action.type)).length };
    actionCounts.set(rule, counts);
  }
  return counts;
}

const clock = (ms: number) => `${new Date(ms).toISOString().slice(11, 16)} UTC`;

class Evaluator {
  readonly decisions: Decision[] = [];
  readonly actions: ActionRecord[];
  private readonly now: string;
  private readonly budget: number;
  private readonly spendingLimit: number;
  /** Instance id → spending actions rules took on it in the last hour. */
  private readonly spendingByInstance = new Map<string, ActionRecord[]>();

  constructor(
    private readonly snapshot: RuleSnapshot,
    private readonly nowMs: number,
    previousActions: ActionRecord[],
    settings: EvaluateSettings,
  ) {
    this.now = new Date(nowMs).toISOString();
    this.actions = previousActions.filter((record) => Date.parse(record.at) > nowMs - HOUR_MS);
    this.budget = settings.actionsPerHour ?? DEFAULT_ACTIONS_PER_HOUR;
    this.spendingLimit = settings.spendingActionsPerInstancePerHour ?? DEFAULT_SPENDING_ACTIONS_PER_INSTANCE_PER_HOUR;
    for (const record of this.actions) this.count(record);
  }

  private count(record: ActionRecord): void {
    if (record.instanceId === null || !isSpending(record.action)) return;
    const list = this.spendingByInstance.get(record.instanceId);
    if (list) list.push(record);
    else this.spendingByInstance.set(record.instanceId, [record]);
  }

  private decide(kind: Decision['kind'], rule: Rule, instance: InstanceFacts | null, reason: string, skip?: SkipReason): void {
    const { values, text: seen } = observeValues(rule.condition, instance, this.snapshot.market);
    this.decisions.push({
      kind,
      at: this.now,
      ruleId: rule.id,
      instanceId: instance?.id ?? null,
      actions: kind === 'resolved' ? [] : rule.actions,
      ...(skip ? { skip } : {}),
      values,
      reason: seen ? `${reason} (${seen})` : reason,
    });
  }

  resolve(rule: Rule, instanceId: string, reason: string): void {
    this.decisions.push({ kind: 'resolved', at: this.now, ruleId: rule.id, instanceId: instanceId === ORG_TARGET ? null : instanceId, actions: [], values: {}, reason });
  }

  /** Instances a rule's own deploy or migrate created are not its targets (see README.md). */
  isOffspring(rule: Rule, instance: InstanceFacts): boolean {
    if (instance.createdByRule !== rule.id) return false;
    if (rule.actions.some((action) => action.type === 'deploy') || !instance.createdAt) return true;
    return this.nowMs < Date.parse(instance.createdAt) + rule.cooldownSeconds * 1000;
  }

  /** The state of one rule on one target after this snapshot; undefined when there is nothing to remember. */
  target(rule: Rule, target: string, instance: InstanceFacts | null, before: TargetState | undefined): TargetState | undefined {
    const outcome = rule.condition.test(instance, this.snapshot.market);
    if (outcome !== true) {
      if (before?.firing) this.decide('resolved', rule, instance, outcome === null ? 'no longer known to hold: a value it needs is missing' : 'no longer holds');
      return before && this.quiet(rule, before);
    }
    if (before?.firing) return before;
    // Unchanged targets keep their object: most targets change nothing from one sync to the next.
    const state: TargetState = before?.trueSince ? before : { target, trueSince: this.now, firing: false, lastFiredAt: before?.lastFiredAt ?? null, fireCount: before?.fireCount ?? 0, skipped: null };
    const heldMs = state === before ? this.nowMs - Date.parse(state.trueSince!) : 0;
    if (heldMs < rule.forSeconds * 1000) return state;
    const blocked = this.blocked(rule, target, state);
    if (blocked) {
      if (state.skipped === blocked.reason) return state;
      this.decide('skipped', rule, instance, blocked.message, blocked.reason);
      return { ...state, skipped: blocked.reason };
    }
    const held = rule.forSeconds > 0 ? `held for ${describeDuration(heldMs / 1000)} (FOR ${describeDuration(rule.forSeconds)})` : 'holds';
    this.decide('fired', rule, instance, `the condition ${held}`);
    for (const action of rule.actions) {
      if (!isBudgeted(action.type)) continue;
      const record: ActionRecord = { at: this.now, ruleId: rule.id, instanceId: instance?.id ?? null, action: action.type };
      this.actions.push(record);
      this.count(record);
    }
    return { ...state, firing: true, lastFiredAt: this.now, fireCount: state.fireCount + 1, skipped: null };
  }

  /** What a target not holding keeps: only a cooldown still running (the rule's totals stay in `rules`). */
  quiet(rule: Rule, before: TargetState): TargetState | undefined {
    const cooling = before.lastFiredAt !== null && this.nowMs < Date.parse(before.lastFiredAt) + rule.cooldownSeconds * 1000;
    if (!cooling) return undefined;
    return before.trueSince === null && !before.firing && before.skipped === null ? before : { ...before, trueSince: null, firing: false, skipped: null };
  }

  private blocked(rule: Rule, target: string, state: TargetState): { reason: SkipReason; message: string } | undefined {
    if (state.lastFiredAt !== null) {
      const firedMs = Date.parse(state.lastFiredAt);
      const endsMs = firedMs + rule.cooldownSeconds * 1000;
      if (this.nowMs < endsMs) {
        const where = target === ORG_TARGET ? '' : ` on ${target}`;
        return { reason: 'cooldown', message: `fired${where} ${describeDuration((this.nowMs - firedMs) / 1000)} ago; its ${describeDuration(rule.cooldownSeconds)} cooldown ends at ${clock(endsMs)}` };
      }
    }
    const { spending, budgeted } = countsOf(rule);
    if (spending > 0 && target !== ORG_TARGET) {
      const recent = this.spendingByInstance.get(target) ?? [];
      if (recent.length + spending > this.spendingLimit) {
        const list = recent.map((record) => `${record.action} by ${record.ruleId} at ${clock(Date.parse(record.at))}`).join(', ');
        return { reason: 'loop', message: `${target} already had ${recent.length} automatic restarts, migrations or deploys in the last hour (${list}); not another, so automation cannot loop` };
      }
    }
    if (budgeted > 0 && this.actions.length + budgeted > this.budget) {
      const frees = Date.parse(this.actions[0]?.at ?? this.now) + HOUR_MS;
      return { reason: 'budget', message: `the org's budget of ${this.budget} automatic actions per hour is spent (${this.actions.length} in the last hour); the next frees at ${clock(frees)}` };
    }
    return undefined;
  }
}

function evaluateRule(evaluator: Evaluator, rule: Rule, snapshot: RuleSnapshot, previous: TargetState[]): TargetState[] {
  const next: TargetState[] = [];
  if (!rule.enabled) {
    for (const state of previous) {
      if (state.firing) evaluator.resolve(rule, state.target, 'the rule is paused');
      const kept = evaluator.quiet(rule, state);
      if (kept) next.push(kept);
    }
    return next;
  }
  const unvisited = new Map(previous.map((state) => [state.target, state]));
  const targets = rule.scope === 'org' ? [null] : snapshot.instances;
  for (const instance of targets) {
    const key = instance?.id ?? ORG_TARGET;
    const before = unvisited.get(key);
    if (before) unvisited.delete(key);
    const after = instance && evaluator.isOffspring(rule, instance) ? before : evaluator.target(rule, key, instance, before);
    if (after) next.push(after);
  }
  for (const state of unvisited.values()) {
    if (state.firing) evaluator.resolve(rule, state.target, `${state.target} is no longer in the fleet`);
  }
  return next;
}

/** Evaluates every rule against one snapshot at `nowMs`. Pure: the given state is not changed. */
export function evaluate(snapshot: RuleSnapshot, rules: readonly Rule[], state: RuleState, nowMs: number, settings: EvaluateSettings = {}): Evaluation {
  const evaluator = new Evaluator(snapshot, nowMs, state.actions, settings);
  const nextState: RuleState = { targets: {}, rules: {}, actions: evaluator.actions };
  for (const rule of rules) {
    const first = evaluator.decisions.length;
    nextState.targets[rule.id] = evaluateRule(evaluator, rule, snapshot, state.targets[rule.id] ?? []);
    const summary = state.rules[rule.id] ?? { lastFiredAt: null, fireCount: 0 };
    let fired = 0;
    for (let i = first; i < evaluator.decisions.length; i++) if (evaluator.decisions[i]!.kind === 'fired') fired++;
    nextState.rules[rule.id] = fired > 0 ? { lastFiredAt: new Date(nowMs).toISOString(), fireCount: summary.fireCount + fired } : summary;
  }
  return { decisions: evaluator.decisions, nextState };
}
