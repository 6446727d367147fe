// The words of the rule language: per-instance variables and market functions with the kind of value
// each gives (README.md says what each means; snapshot.ts carries one fact per variable), actions with
// what they may do, and keywords.
import type { Kind } from './units.ts';

export const VARIABLES = {
  cost_per_hour: { kind: 'money' },
  cost_today: { kind: 'money' },
  cost_total: { kind: 'money' },
  uptime: { kind: 'duration' },
  gpu_util: { kind: 'percent' },
  vram_used_pct: { kind: 'percent' },
  gpu_temp: { kind: 'number' },
  gpu: { kind: 'word' },
  provider: { kind: 'word' },
  status: { kind: 'word' },
  project: { kind: 'word' },
  name: { kind: 'word' },
} as const satisfies Record<string, { kind: Kind }>;

export type VariableName = keyof typeof VARIABLES;

export const FUNCTIONS = {
  cheapest: { kind: 'money' },
  price_change_pct: { kind: 'percent' },
} as const satisfies Record<string, { kind: Kind }>;

export type FunctionName = keyof typeof FUNCTIONS;

export const ACTIONS = {
  stop: { onMachine: true, needsAdmin: false, spends: false },
  destroy: { onMachine: true, needsAdmin: true, spends: false },
  restart: { onMachine: true, needsAdmin: false, spends: true },
  migrate: { onMachine: true, needsAdmin: true, spends: true },
  notify: { onMachine: false, needsAdmin: false, spends: false },
  deploy: { onMachine: false, needsAdmin: true, spends: true },
} as const satisfies Record<string, { onMachine: boolean; needsAdmin: boolean; spends: boolean }>;

export type ActionName = keyof typeof ACTIONS;

export const KEYWORDS = ['if', 'for', 'then', 'and', 'or', 'not', 'cooldown'] as const;

export function isVariable(word: string): word is VariableName {
  return Object.hasOwn(VARIABLES, word);
}

export function isFunction(word: string): word is FunctionName {
  return Object.hasOwn(FUNCTIONS, word);
}

export function isAction(word: string): word is ActionName {
  return Object.hasOwn(ACTIONS, word);
}

export function isKeyword(word: string): boolean {
  return (KEYWORDS as readonly string[]).includes(word.toLowerCase());
}
