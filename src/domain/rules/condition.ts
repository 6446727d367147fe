// A checked condition compiled to closures once, so evaluating 50 rules over 500 instances per sync
// walks no tree. Logic is three-valued: a missing value (no metric sample, no market price) makes
// its comparison unknown (null), and an unknown condition never fires.
import type { Condition, Operand } from './ast.ts';
import { DEFAULT_PRICE_WINDOW_SECONDS, gpuModels, numberAsWord } from './check.ts';
import { formatOperand } from './format.ts';
import { VARIABLE_FACTS, type InstanceFacts, type MarketFacts } from './snapshot.ts';
import { formatValue, type Kind } from './units.ts';
import { FUNCTIONS, VARIABLES } from './vocabulary.ts';

export type Value = number | string | null;
type Getter = (instance: InstanceFacts | null, market: MarketFacts) => Value;
/** true, false, or null when a value it needs is missing. */
export type Outcome = boolean | null;
type Test = (instance: InstanceFacts | null, market: MarketFacts) => Outcome;

export interface Observed {
  /** Canonical text of the operand: `gpu_util`, `cheapest(H100)`. */
  label: string;
  kind: Kind;
  get: Getter;
}

export interface CompiledCondition {
  test: Test;
  /** Every variable and function the condition reads, once each, for the values a decision saw. */
  observed: Observed[];
}

/** Of the models a GPU word means, the one with the lowest price now (its price and its change). */
function cheapestModel(models: string[], market: MarketFacts): string | undefined {
  let best: string | undefined;
  for (const model of models) {
    const price = market.cheapest[model];
    if (price !== undefined && (best === undefined || price < market.cheapest[best]!)) best = model;
  }
  return best;
}

function getter(operand: Operand): Getter {
  switch (operand.type) {
    case 'variable': {
      const fact = VARIABLE_FACTS[operand.name];
      return (instance) => (instance ? fact(instance) : null);
    }
    case 'number': {
      const value = operand.value;
      return () => value;
    }
    case 'word': {
      const value = operand.value;
      return () => value;
    }
    case 'call': {
      const window = String(operand.windowSeconds ?? DEFAULT_PRICE_WINDOW_SECONDS);
      const models = operand.gpu.type === 'word' ? gpuModels(operand.gpu.value) : undefined;
      const modelOf = models ? (_: InstanceFacts | null, market: MarketFacts) => cheapestModel(models, market) : (instance: InstanceFacts | null) => instance?.gpu;
      if (operand.name === 'cheapest') {
        // The instance's own GPU is priced for its GPU count; a named model for one GPU.
        return (instance, market) => {
          const model = modelOf(instance, market);
          const price = model === undefined ? undefined : market.cheapest[model];
          return price === undefined ? null : models ? price : price * (instance?.gpuCount ?? 1);
        };
      }
      return (instance, market) => {
        const model = modelOf(instance, market);
        return model === undefined ? null : (market.priceChangePct[model]?.[window] ?? null);
      };
    }
  }
}

function compareNumbers(op: string, a: number, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '>=':
      return a >= b;
    default:
      return a > b;
  }
}

/** Word comparisons ignore case; `gpu == H100` matches every model the word means. */
function wordTest(node: Condition & { type: 'compare' }): Test {
  const negate = node.op === '!=';
  const [variable, value] = node.left.type === 'variable' ? [node.left, node.right] : [node.right, node.left];
  const left = getter(variable);
  const literal = value.type === 'word' ? value.value : numberAsWord(value);
  if (literal === undefined) {
    const right = getter(value);
    return (instance, market) => {
      const a = left(instance, market);
      const b = right(instance, market);
      return a === null || b === null ? null : (String(a).toLowerCase() === String(b).toLowerCase()) !== negate;
    };
  }
  const accepted = new Set([literal.toLowerCase()]);
  if (variable.type === 'variable' && variable.name === 'gpu') for (const model of gpuModels(literal)) accepted.add(model.toLowerCase());
  return (instance, market) => {
    const a = left(instance, market);
    return a === null ? null : accepted.has(String(a).toLowerCase()) !== negate;
  };
}

function kindOf(operand: Operand): Kind {
  if (operand.type === 'variable') return VARIABLES[operand.name].kind;
  if (operand.type === 'call') return FUNCTIONS[operand.name].kind;
  return operand.type === 'word' ? 'word' : operand.kind;
}

function compile(node: Condition): Test {
  switch (node.type) {
    case 'compare': {
      if (kindOf(node.left) === 'word' || kindOf(node.right) === 'word') return wordTest(node);
      const left = getter(node.left);
      const right = getter(node.right);
      const op = node.op;
      return (instance, market) => {
        const a = left(instance, market);
        const b = right(instance, market);
        return typeof a === 'number' && typeof b === 'number' ? compareNumbers(op, a, b) : null;
      };
    }
    case 'not': {
      const term = compile(node.term);
      return (instance, market) => {
        const outcome = term(instance, market);
        return outcome === null ? null : !outcome;
      };
    }
    default: {
      const terms = node.terms.map(compile);
      const decisive = node.type === 'or';
      return (instance, market) => {
        let unknown = false;
        for (const term of terms) {
          const outcome = term(instance, market);
          if (outcome === decisive) return decisive;
          if (outcome === null) unknown = true;
        }
        return unknown ? null : !decisive;
      };
    }
  }
}

function collect(node: Condition, into: Map<string, Observed>): void {
  if (node.type === 'compare') {
    for (const operand of [node.left, node.right]) {
      if (operand.type !== 'variable' && operand.type !== 'call') continue;
      const label = formatOperand(operand);
      if (!into.has(label)) into.set(label, { label, kind: kindOf(operand), get: getter(operand) });
    }
  } else if (node.type === 'not') collect(node.term, into);
  else for (const term of node.terms) collect(term, into);
}

export function compileCondition(node: Condition): CompiledCondition {
  const observed = new Map<string, Observed>();
  collect(node, observed);
  return { test: compile(node), observed: [...observed.values()] };
}

/** The values a condition reads for one target, and the same as text: "gpu_util 3%, cost_per_hour $1.2". */
export function observeValues(condition: CompiledCondition, instance: InstanceFacts | null, market: MarketFacts): { values: Record<string, Value>; text: string } {
  const values: Record<string, Value> = {};
  const text: string[] = [];
  for (const observed of condition.observed) {
    const value = observed.get(instance, market);
    values[observed.label] = value;
    text.push(`${observed.label} ${value === null ? 'unknown' : formatValue(observed.kind, value)}`);
  }
  return { values, text: text.join(', ') };
}
