// The org's budget of automatic actions per hour, shared by rules, watches and idle checks: each
// action they take is one entry in the org's rule state (`actions`), which the rule evaluator counts
// too, so a flapping machine cannot make the bot act without bound.
import { DEFAULT_ACTIONS_PER_HOUR, emptyRuleState, HOUR_MS, type ActionRecord } from '#domain/rules/index.ts';
import type { AutomationContext } from './context.ts';

const recent = (context: AutomationContext, orgId: string, nowMs: number) =>
  (context.db.data.automation.ruleStates[orgId]?.actions ?? []).filter((record) => Date.parse(record.at) > nowMs - HOUR_MS);

/** Why an automatic action may not be taken now (the budget is spent), or undefined when it may. */
export function budgetRefusal(context: AutomationContext, orgId: string, nowMs: number): string | undefined {
  const actions = recent(context, orgId, nowMs);
  if (actions.length < DEFAULT_ACTIONS_PER_HOUR) return undefined;
  const frees = new Date(Date.parse(actions[0]!.at) + HOUR_MS).toISOString().slice(11, 16);
  return `the org's budget of ${DEFAULT_ACTIONS_PER_HOUR} automatic actions per hour is spent (${actions.length} in the last hour); the next frees at ${frees} UTC`;
}

/** Counts one automatic action against the budget. */
export function chargeBudget(context: AutomationContext, orgId: string, action: Omit<ActionRecord, 'at'>): Promise<void> {
  const nowMs = context.now().getTime();
  return context.db.update((data) => {
    const state = (data.automation.ruleStates[orgId] ??= emptyRuleState());
    state.actions = [...state.actions.filter((record) => Date.parse(record.at) > nowMs - HOUR_MS), { at: new Date(nowMs).toISOString(), ...action }];
  });
}
