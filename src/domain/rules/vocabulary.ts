// The words of the rule language: per-instance variables, market functions, actions and keywords,
// with what each measures. The snapshot (evaluate.ts) carries one field per variable.
import type { Kind } from './units.ts';

export const VARIABLES = {
  cost_per_hour: { kind: 'money', about: 'what the instance bills per hour now, in $/h (the disk rate while stopped)' },
  cost_today: { kind: 'money', about: 'spend since 00:00 UTC, in $' },
  cost_total: { kind: 'money', about: 'spend since the instance was created, in $' },
  uptime: { kind: 'duration', about: 'time since the instance last started running (0s when not running)' },
  gpu_util: { kind: 'percent', about: 'GPU utilisation in the last metric sample' },
  vram_used_pct: { kind: 'percent', about: 'GPU memory used in the last metric sample' },
  gpu_temp: { kind: 'number', about: 'GPU temperature in °C in the last metric sample' },
  gpu: { kind: 'word', about: 'GPU model, e.g. H100 (matches every H100 variant) or "RTX 4090"' },
  provider: { kind: 'word', about: 'vast, runpod, lambda or tensordock' },
  status: { kind: 'word', about: 'running, stopped, exited, failed, …' },
  project: { kind: 'word', about: "the project's name" },
  name: { kind: 'word', about: "the instance's name" },
} as const satisfies Record<string, { kind: Kind; about: string }>;

export type VariableName = keyof typeof VARIABLES;

export const FUNCTIONS = {
  cheapest: { kind: 'money', about: "cheapest(gpu): the lowest market $/h for this instance's GPUs (its count); cheapest(H100): for one such GPU" },
  price_change_pct: { kind: 'percent', about: 'price_change_pct(gpu, 24h): change of that cheapest price over the window, in %' },
} as const satisfies Record<string, { kind: Kind; about: string }>;

export type FunctionName = keyof typeof FUNCTIONS;

export const ACTIONS = {
  stop: { onMachine: true, needsAdmin: false, spends: false, about: 'stop the instance (disk kept, disk still billed)' },
  destroy: { onMachine: true, needsAdmin: true, spends: false, about: 'destroy the instance and its disk' },
  restart: { onMachine: true, needsAdmin: false, spends: true, about: 'restart the instance' },
  migrate: { onMachine: true, needsAdmin: true, spends: true, about: 'migrate [provider=]: same template on the cheapest equivalent offer, then destroy the old one' },
  notify: { onMachine: false, needsAdmin: false, spends: false, about: 'notify ["message"]: post an event to the channel the rule was made in' },
  deploy: { onMachine: false, needsAdmin: true, spends: true, about: 'deploy <options>: rent a new machine, options as for the deploy command' },
} as const satisfies Record<string, { onMachine: boolean; needsAdmin: boolean; spends: boolean; about: string }>;

export type ActionName = keyof typeof ACTIONS;

export const KEYWORDS = ['if', 'for', 'then', 'and', 'or', 'not', 'cooldown'] as const;

export const PROVIDERS = ['vast', 'runpod', 'lambda', 'tensordock'] as const;

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
