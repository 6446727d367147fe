// The type checker: a parsed rule is only accepted when every comparison can mean something —
// variables exist, units agree, words are compared with words, actions fit the rule's target.
import { nearest } from '../suggest.ts';
import { GPU_CATALOGUE, matchGpuQuery } from '../gpus.ts';
import { INSTANCE_STATUSES } from '../instance.ts';
import type { Action, Condition, Operand, RuleAst } from './ast.ts';
import { RuleError } from './errors.ts';
import { formatOperand } from './format.ts';
import { DURATION_SECONDS, KIND_EXAMPLES, KIND_NAMES, type Kind } from './units.ts';
import { isProviderName, PROVIDER_NAMES, providerNamesInWords } from '../providers.ts';
import { ACTIONS, FUNCTIONS, VARIABLES } from './vocabulary.ts';

/** `instance`: evaluated once per instance; `org`: the condition reads only the market, evaluated once. */
export type RuleScope = 'instance' | 'org';

export const DEFAULT_COOLDOWN_SECONDS = 30 * 60;
export const DEFAULT_PRICE_WINDOW_SECONDS = DURATION_SECONDS.d;
const MAX_DURATION = 30 * DURATION_SECONDS.d;
const MIN_COOLDOWN = DURATION_SECONDS.m;
const MIN_PRICE_WINDOW = DURATION_SECONDS.h;
const WORD_EXAMPLES: Partial<Record<string, string>> = { gpu: 'H100', provider: 'vast', status: 'running' };

// matchGpuQuery tokenises the whole catalogue per call (milliseconds); rules ask for few words, often.
const modelsByWord = new Map<string, string[]>();
const MODEL_CACHE_SIZE = 1000;

/** Catalogue names a GPU word means ("H100" → every H100); empty when none. */
export function gpuModels(word: string): string[] {
  const key = word.toLowerCase();
  let models = modelsByWord.get(key);
  if (!models) {
    if (modelsByWord.size >= MODEL_CACHE_SIZE) modelsByWord.clear();
    models = matchGpuQuery(word).map((gpu) => gpu.name);
    modelsByWord.set(key, models);
  }
  return models;
}

/** A plain whole number stands for a word next to a word variable: `gpu == 4090`. */
export function numberAsWord(operand: Operand): string | undefined {
  return operand.type === 'number' && operand.kind === 'number' && Number.isInteger(operand.value) && operand.value >= 0 ? String(operand.value) : undefined;
}

class Checker {
  usesInstance = false;

  constructor(private readonly text: string) {}

  fail(problem: string, column: number): never {
    throw new RuleError(problem, column, this.text);
  }

  condition(node: Condition): void {
    if (node.type === 'compare') return this.compare(node);
    if (node.type === 'not') return this.condition(node.term);
    for (const term of node.terms) this.condition(term);
  }

  private kind(operand: Operand): Kind {
    switch (operand.type) {
      case 'variable':
        this.usesInstance = true;
        return VARIABLES[operand.name].kind;
      case 'call':
        this.call(operand);
        return FUNCTIONS[operand.name].kind;
      case 'number':
        return operand.kind;
      case 'word':
        return 'word';
    }
  }

  private call(call: Operand & { type: 'call' }): void {
    if (call.gpu.type === 'variable') this.usesInstance = true;
    else if (call.gpu.type === 'word') this.gpuWord(call.gpu.value, call.gpu.column);
    const window = call.windowSeconds;
    if (window !== null && (window < MIN_PRICE_WINDOW || window > MAX_DURATION)) {
      this.fail(`the window of ${call.name}() must be between 1h and 30d.`, call.column);
    }
  }

  private gpuWord(value: string, column: number): void {
    if (gpuModels(value).length > 0) return;
    const guess = nearest(value, GPU_CATALOGUE.map((gpu) => gpu.name));
    this.fail(`no GPU model matches "${value}"${guess ? `; did you mean ${guess}?` : '; `gpus` lists the models.'}`, column);
  }

  private unknownVariable(word: Operand & { type: 'word' }): never {
    const guess = nearest(word.value, Object.keys(VARIABLES));
    const list = Object.keys(VARIABLES).join(', ');
    this.fail(`unknown variable ${word.value}${guess ? `; did you mean ${guess}?` : `. The variables are ${list}, cheapest(gpu) and price_change_pct(gpu, 24h).`}`, word.column);
  }

  private compare(node: Condition & { type: 'compare' }): void {
    const subject = (operand: Operand) => operand.type === 'variable' || operand.type === 'call';
    const leftKind = this.kind(node.left);
    const rightKind = this.kind(node.right);
    if (!subject(node.left) && !subject(node.right)) {
      const words = [node.left, node.right].filter((side): side is Operand & { type: 'word' } => side.type === 'word' && !side.quoted);
      const typo = words.find((side) => nearest(side.value, Object.keys(VARIABLES))) ?? words[0];
      if (typo) this.unknownVariable(typo);
      this.fail(`neither side of ${formatOperand(node.left)} ${node.op} ${formatOperand(node.right)} is a variable: compare a variable with a value, e.g. gpu_util < 5%.`, node.column);
    }
    const [variable, variableKind, value, valueKind] = subject(node.left) ? [node.left, leftKind, node.right, rightKind] : [node.right, rightKind, node.left, leftKind];
    if (variableKind === 'word') return this.wordComparison(node, variable, value, valueKind);
    const name = formatOperand(variable);
    const fits = valueKind === variableKind || (valueKind === 'number' && variableKind !== 'duration' && !subject(value));
    if (fits) return;
    if (value.type === 'word' && !value.quoted && nearest(value.value, Object.keys(VARIABLES))) this.unknownVariable(value);
    const valueText = value.type === 'word' ? `"${value.value}"` : formatOperand(value);
    this.fail(`${name} is ${KIND_NAMES[variableKind]} but ${valueText} is ${KIND_NAMES[valueKind]}: write e.g. ${name} ${node.op} ${KIND_EXAMPLES[variableKind].split(/,| or /)[0]!.trim()}.`, value.column);
  }

  private wordComparison(node: Condition & { type: 'compare' }, variable: Operand, value: Operand, valueKind: Kind): void {
    const name = formatOperand(variable);
    const example = `${name} == ${WORD_EXAMPLES[name] ?? 'my-box'}`;
    if (node.op !== '==' && node.op !== '!=') this.fail(`${name} is a word: compare it with == or !=, e.g. ${example}.`, node.opColumn);
    if (value.type === 'variable' && valueKind === 'word') return;
    const word = value.type === 'word' ? value.value : numberAsWord(value);
    if (word === undefined || variable.type !== 'variable') this.fail(`${name} is a word but ${formatOperand(value)} is ${KIND_NAMES[valueKind]}: write e.g. ${example}.`, value.column);
    const allowed: Partial<Record<string, readonly string[]>> = { provider: PROVIDER_NAMES, status: INSTANCE_STATUSES };
    const choices = allowed[variable.name];
    if (choices && !choices.includes(word.toLowerCase())) {
      const guess = nearest(word, choices);
      this.fail(`"${word}" is not a ${variable.name}${guess ? `; did you mean ${guess}?` : ''} The ${variable.name} is one of ${choices.join(', ')}.`, value.column);
    }
    if (variable.name === 'gpu') this.gpuWord(word, value.column);
  }

  actions(actions: Action[]): void {
    const seen = new Set<string>();
    let machineAction: string | undefined;
    for (const action of actions) {
      if (seen.has(action.type)) this.fail(`${action.type} is listed twice; list each action once.`, action.column);
      seen.add(action.type);
      if (ACTIONS[action.type].onMachine) {
        if (machineAction) this.fail(`a rule does one thing to the machine, but it already says ${machineAction}: keep one of stop, destroy, restart, migrate.`, action.column);
        if (!this.usesInstance) this.fail(`${action.type} acts on an instance, but the condition reads only the market: add an instance condition, e.g. gpu == H100 AND …`, action.column);
        machineAction = action.type;
      }
      if (action.type === 'migrate' && action.provider !== null && !isProviderName(action.provider.toLowerCase())) {
        this.fail(`"${action.provider}" is not a provider: write migrate provider=${providerNamesInWords()}.`, action.column);
      }
      if (action.type === 'deploy') this.deploy(action);
    }
  }

  private deploy(action: Action & { type: 'deploy' }): void {
    const keys = new Set<string>();
    for (const option of action.options) {
      if (keys.has(option.key)) this.fail(`${option.key}= is given twice in deploy; give it once.`, option.column);
      keys.add(option.key);
    }
    if (!keys.has('gpu')) this.fail('deploy in a rule names a GPU (offers expire): e.g. deploy gpu=4090 template=jupyter.', action.column);
  }

  durations(ast: RuleAst): void {
    if (ast.forSeconds !== null && (ast.forSeconds <= 0 || ast.forSeconds > MAX_DURATION)) this.fail('FOR must be more than 0s and at most 30d.', ast.forColumn);
    if (ast.cooldownSeconds !== null && (ast.cooldownSeconds < MIN_COOLDOWN || ast.cooldownSeconds > MAX_DURATION)) {
      this.fail('COOLDOWN must be between 1m and 30d.', ast.cooldownColumn);
    }
  }
}

/** Throws a RuleError naming the column of the first problem; returns what the rule targets. */
export function checkRule(ast: RuleAst, text: string): { scope: RuleScope } {
  const checker = new Checker(text);
  checker.condition(ast.condition);
  checker.actions(ast.actions);
  checker.durations(ast);
  return { scope: checker.usesInstance ? 'instance' : 'org' };
}
