// The rule language and the pure evaluator (README.md in this folder): what commands, the
// evaluation loop and the store use.
export type { Condition, Operand, RuleAst } from './ast.ts';
export { backtest, type BacktestFiring, type BacktestReport, type BacktestRuleReport } from './backtest.ts';
export { DEFAULT_COOLDOWN_SECONDS, type RuleScope } from './check.ts';
export type { Outcome, Value } from './condition.ts';
export { RuleError } from './errors.ts';
export { DEFAULT_ACTIONS_PER_HOUR, DEFAULT_SPENDING_ACTIONS_PER_INSTANCE_PER_HOUR, evaluate, type Decision, type EvaluateSettings, type Evaluation } from './evaluate.ts';
export { inspectRule, type TargetView } from './inspect.ts';
export { parseRule } from './parse.ts';
export { adminOnlyActions, authorRefusal, compileRule, type Rule, type RuleAction } from './rule.ts';
export type { InstanceFacts, MarketFacts, RuleSnapshot } from './snapshot.ts';
export { emptyRuleState, HOUR_MS, ORG_TARGET, rearm, ruleStateSchema, type ActionRecord, type RuleState, type RuleSummary, type SkipReason, type TargetState } from './state.ts';
export { ACTIONS, FUNCTIONS, VARIABLES, type ActionName, type FunctionName, type VariableName } from './vocabulary.ts';
export { DURATION_SECONDS, describeDuration, formatDuration } from './units.ts';
