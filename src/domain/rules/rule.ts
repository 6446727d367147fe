// A rule ready to evaluate: rule text → tokens → AST → checked → compiled condition, with its
// canonical text. Rules are stored as text and compiled again on load; only their state is JSON.
import { hasRole, type Role } from '../roles.ts';
import type { Action, Condition } from './ast.ts';
import { checkRule, DEFAULT_COOLDOWN_SECONDS, DEFAULT_PRICE_WINDOW_SECONDS, type RuleScope } from './check.ts';
import { compileCondition, type CompiledCondition } from './condition.ts';
import { formatRule } from './format.ts';
import { parseRule } from './parse.ts';
import { ACTIONS, type ActionName } from './vocabulary.ts';

/** An action as decisions and events carry it (no parse positions). */
export type RuleAction =
  | { type: 'stop' | 'destroy' | 'restart' }
  | { type: 'notify'; message: string | null }
  | { type: 'migrate'; provider: string | null }
  | { type: 'deploy'; options: { key: string; value: string }[] };

export interface Rule {
  /** The store's id (r1, r2, …). */
  id: string;
  /** Canonical text: what `rule list` shows and what is stored. */
  text: string;
  enabled: boolean;
  scope: RuleScope;
  /** 0 when the rule has no FOR. */
  forSeconds: number;
  cooldownSeconds: number;
  actions: RuleAction[];
  /** It calls cheapest or price_change_pct: the snapshot needs MarketFacts. */
  readsMarket: boolean;
  /** Windows its price_change_pct calls read: the snapshot needs MarketFacts.priceChangePct for each. */
  priceWindowsSeconds: number[];
  condition: CompiledCondition;
}

function plainAction(action: Action): RuleAction {
  switch (action.type) {
    case 'notify':
      return { type: 'notify', message: action.message };
    case 'migrate':
      return { type: 'migrate', provider: action.provider };
    case 'deploy':
      return { type: 'deploy', options: action.options.map(({ key, value }) => ({ key, value })) };
    default:
      return { type: action.type };
  }
}

/** Whether the condition calls a market function, and the windows of its price_change_pct calls. */
function marketCalls(node: Condition, found = { readsMarket: false, windows: new Set<number>() }): typeof found {
  if (node.type === 'compare') {
    for (const side of [node.left, node.right]) {
      if (side.type !== 'call') continue;
      found.readsMarket = true;
      if (side.name === 'price_change_pct') found.windows.add(side.windowSeconds ?? DEFAULT_PRICE_WINDOW_SECONDS);
    }
  } else if (node.type === 'not') marketCalls(node.term, found);
  else for (const term of node.terms) marketCalls(term, found);
  return found;
}

/** Parses, checks and compiles; throws a RuleError (with a column) when the text is not a valid rule. */
export function compileRule(id: string, text: string, enabled = true): Rule {
  const ast = parseRule(text);
  const { scope } = checkRule(ast, text);
  const market = marketCalls(ast.condition);
  return {
    id,
    text: formatRule(ast),
    enabled,
    scope,
    forSeconds: ast.forSeconds ?? 0,
    cooldownSeconds: ast.cooldownSeconds ?? DEFAULT_COOLDOWN_SECONDS,
    actions: ast.actions.map(plainAction),
    readsMarket: market.readsMarket,
    priceWindowsSeconds: [...market.windows],
    condition: compileCondition(ast.condition),
  };
}

/** The actions of a rule that only an admin may automate (destroy, migrate, deploy). */
export function adminOnlyActions(rule: Pick<Rule, 'actions'>): ActionName[] {
  return rule.actions.filter((action) => ACTIONS[action.type].needsAdmin).map((action) => action.type);
}

/** Why this author may not add the rule, or undefined when they may. */
export function authorRefusal(rule: Pick<Rule, 'actions'>, role: Role): string | undefined {
  const needsAdmin = adminOnlyActions(rule);
  if (needsAdmin.length === 0 || hasRole(role, 'admin')) return undefined;
  return `Only an admin can add a rule that may ${needsAdmin.join(', ')} machines on its own; ask an admin, or use stop, restart or notify.`;
}
