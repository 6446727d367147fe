// What the evaluator remembers between syncs, one per org. Plain JSON (ISO times), so the store can
// persist it and a restarted bot carries on: "condition true since", firings, cooldowns, the budget.
import { z } from 'zod';
import { ACTIONS, type ActionName } from './vocabulary.ts';

export type SkipReason = 'cooldown' | 'budget' | 'loop';

/** One rule on one target. */
export interface TargetState {
  /** An instance id, or ORG_TARGET for a rule that reads only the market. */
  target: string;
  /** Start of the current stretch of the condition being true; null while it is not. */
  trueSince: string | null;
  /** This stretch has fired; a `resolved` follows when it ends. */
  firing: boolean;
  lastFiredAt: string | null;
  /** Firings since this entry was made; an entry is dropped once the condition does not hold and the cooldown has passed. */
  fireCount: number;
  /** The skip already reported in this stretch, so each reason is reported once per stretch. */
  skipped: SkipReason | null;
}

/** An action a rule took on its own: the budget and the loop guard count these over the last hour. */
export interface ActionRecord {
  at: string;
  ruleId: string;
  instanceId: string | null;
  action: ActionName;
}

export interface RuleSummary {
  lastFiredAt: string | null;
  fireCount: number;
}

export interface RuleState {
  /** Rule id → its targets with something to remember: holding, firing or cooling down (a list: fast to rebuild every sync). */
  targets: Record<string, TargetState[]>;
  /** Rule id → totals for `rule list` (kept when the instances it fired on are gone). */
  rules: Record<string, RuleSummary>;
  /** Budgeted actions of the last hour, oldest first. */
  actions: ActionRecord[];
}

export const ORG_TARGET = '*';
export const HOUR_MS = 3_600_000;

export function emptyRuleState(): RuleState {
  return { targets: {}, rules: {}, actions: [] };
}

/** Actions that count against the org's hourly budget: everything but notify. */
export function isBudgeted(action: ActionName): boolean {
  return action !== 'notify';
}

/** Actions that start or create spending (restart, migrate, deploy): the loop guard caps them per instance. */
export function isSpending(action: ActionName): boolean {
  return ACTIONS[action].spends;
}

/**
 * After an action failed: the stretch counts as not fired, so the rule fires again (a retry) once
 * its cooldown has passed, if the condition still holds. Returns a new state.
 */
export function rearm(state: RuleState, ruleId: string, target: string): RuleState {
  const targets = state.targets[ruleId] ?? [];
  if (!targets.some((entry) => entry.target === target && entry.firing)) return state;
  const rearmed = targets.map((entry) => (entry.target === target ? { ...entry, firing: false, skipped: null } : entry));
  return { ...state, targets: { ...state.targets, [ruleId]: rearmed } };
}

const isoTime = z.string().datetime({ offset: true });

/** Validates a stored RuleState (the store loads it with this, so a damaged file is refused, not guessed at). */
export const ruleStateSchema = z.object({
  targets: z.record(
    z.string(),
    z.array(
      z.object({
        target: z.string(),
        trueSince: isoTime.nullable(),
        firing: z.boolean(),
        lastFiredAt: isoTime.nullable(),
        fireCount: z.number().int().nonnegative(),
        skipped: z.enum(['cooldown', 'budget', 'loop']).nullable(),
      }),
    ),
  ),
  rules: z.record(z.string(), z.object({ lastFiredAt: isoTime.nullable(), fireCount: z.number().int().nonnegative() })),
  actions: z.array(z.object({ at: isoTime, ruleId: z.string(), instanceId: z.string().nullable(), action: z.enum(Object.keys(ACTIONS) as [ActionName, ...ActionName[]]) })),
}) satisfies z.ZodType<RuleState>;
