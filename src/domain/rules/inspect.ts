// `rule test`: what a rule sees now, target by target, without deciding anything — whether the
// condition holds, the values it read, and when it would fire if it keeps holding.
import { observeValues, type Outcome, type Value } from './condition.ts';
import type { Rule } from './rule.ts';
import type { RuleSnapshot } from './snapshot.ts';
import { ORG_TARGET, type RuleState } from './state.ts';

export interface TargetView {
  instanceId: string | null;
  /** true, false, or null when a value it needs is missing. */
  holds: Outcome;
  values: Record<string, Value>;
  /** The values as text, as decisions show them. */
  seen: string;
  /** ISO: since when it has held (from the rule's state, else now); null when it does not hold. */
  holdsSince: string | null;
  /** ISO: when FOR is satisfied if it keeps holding (it may still be skipped then); null when it does not hold. */
  firesAt: string | null;
}

export function inspectRule(snapshot: RuleSnapshot, rule: Rule, state: RuleState, nowMs: number): TargetView[] {
  const now = new Date(nowMs).toISOString();
  const targets = rule.scope === 'org' ? [null] : snapshot.instances;
  const known = new Map((state.targets[rule.id] ?? []).map((entry) => [entry.target, entry]));
  return targets.map((instance) => {
    const holds = rule.condition.test(instance, snapshot.market);
    const { values, text } = observeValues(rule.condition, instance, snapshot.market);
    const since = holds === true ? (known.get(instance?.id ?? ORG_TARGET)?.trueSince ?? now) : null;
    const firesAt = since === null ? null : new Date(Date.parse(since) + rule.forSeconds * 1000).toISOString();
    return { instanceId: instance?.id ?? null, holds, values, seen: text, holdsSince: since, firesAt };
  });
}
