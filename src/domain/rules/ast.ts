// The shape a rule text parses into. Every node keeps its column so the checker can point at it.
import type { CompareOp } from './tokens.ts';
import type { FunctionName, VariableName } from './vocabulary.ts';
import type { Kind } from './units.ts';

export type Operand =
  | { type: 'variable'; name: VariableName; column: number }
  /** `gpu` is the instance's GPU variable or a GPU the user named (`cheapest(H100)`). */
  | { type: 'call'; name: FunctionName; gpu: Operand; windowSeconds: number | null; column: number }
  | { type: 'number'; kind: Exclude<Kind, 'word'>; value: number; column: number }
  /** A bare word (`H100`, `vast`) or a quoted string; `quoted` only matters for messages. */
  | { type: 'word'; value: string; quoted: boolean; column: number };

export type Condition =
  | { type: 'compare'; op: CompareOp; left: Operand; right: Operand; column: number; opColumn: number }
  | { type: 'and' | 'or'; terms: Condition[]; column: number }
  | { type: 'not'; term: Condition; column: number };

export type Action =
  | { type: 'stop' | 'destroy' | 'restart'; column: number }
  | { type: 'notify'; message: string | null; column: number }
  | { type: 'migrate'; provider: string | null; column: number }
  | { type: 'deploy'; options: { key: string; value: string; column: number }[]; column: number };

export interface RuleAst {
  condition: Condition;
  /** FOR: how long the condition must hold before the rule fires. */
  forSeconds: number | null;
  forColumn: number;
  actions: Action[];
  /** COOLDOWN: least time between two firings on one target; null means the default. */
  cooldownSeconds: number | null;
  cooldownColumn: number;
}
