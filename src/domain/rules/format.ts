// The canonical text of a rule (what `rule list` shows and the store keeps): keywords upper case,
// names lower case, units in their largest exact form, words quoted only when they must be. It
// parses back to the same rule.
import type { Action, Condition, Operand, RuleAst } from './ast.ts';
import { formatDuration, formatValue } from './units.ts';
import { isFunction, isKeyword, isVariable } from './vocabulary.ts';

const BARE_WORD = /^[A-Za-z_][A-Za-z0-9_.\-/:]*$/;
const SMART_DOUBLE = /[\u201C\u201D\u201E]/;
const QUOTE_START = /^["'\u201C\u201D\u201E\u2018\u2019\u201A]/;

/** Quotes a value so the tokenizer reads it back unchanged. */
export function quoteWord(value: string): string {
  // A value with a smart double quote came from single quotes, so it holds no single quote.
  if (SMART_DOUBLE.test(value)) return `'${value}'`;
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

function word(value: string): string {
  const lower = value.toLowerCase();
  return BARE_WORD.test(value) && !isKeyword(lower) && !isVariable(lower) && !isFunction(lower) ? value : quoteWord(value);
}

export function formatOperand(operand: Operand): string {
  switch (operand.type) {
    case 'variable':
      return operand.name;
    case 'number':
      return operand.value < 0 ? `-${formatValue(operand.kind, -operand.value)}` : formatValue(operand.kind, operand.value);
    case 'word':
      return word(operand.value);
    case 'call': {
      const gpu = operand.gpu.type === 'variable' ? 'gpu' : formatOperand(operand.gpu);
      return operand.windowSeconds === null ? `${operand.name}(${gpu})` : `${operand.name}(${gpu}, ${formatDuration(operand.windowSeconds)})`;
    }
  }
}

const BINDING = { or: 1, and: 2, not: 3, compare: 4 } as const;

/** Parenthesises a child exactly where the parser needs it to rebuild the same tree. */
function child(node: Condition, parent: 'and' | 'or' | 'not'): string {
  const text = formatCondition(node);
  const needsParens = parent === 'not' ? BINDING[node.type] < BINDING.not : BINDING[node.type] <= BINDING[parent];
  return needsParens ? `(${text})` : text;
}

export function formatCondition(node: Condition): string {
  switch (node.type) {
    case 'compare':
      return `${formatOperand(node.left)} ${node.op} ${formatOperand(node.right)}`;
    case 'not':
      return `NOT ${child(node.term, 'not')}`;
    default:
      return node.terms.map((term) => child(term, node.type)).join(` ${node.type.toUpperCase()} `);
  }
}

function optionValue(value: string): string {
  return value !== '' && !/[\s,]/.test(value) && !QUOTE_START.test(value) ? value : quoteWord(value);
}

export function formatAction(action: Action): string {
  switch (action.type) {
    case 'notify':
      return action.message === null ? 'notify' : `notify ${quoteWord(action.message)}`;
    case 'migrate':
      return action.provider === null ? 'migrate' : `migrate provider=${word(action.provider)}`;
    case 'deploy':
      return ['deploy', ...action.options.map((option) => `${option.key}=${optionValue(option.value)}`)].join(' ');
    default:
      return action.type;
  }
}

export function formatRule(ast: RuleAst): string {
  const parts = [`IF ${formatCondition(ast.condition)}`];
  if (ast.forSeconds !== null) parts.push(`FOR ${formatDuration(ast.forSeconds)}`);
  parts.push(`THEN ${ast.actions.map(formatAction).join(', ')}`);
  if (ast.cooldownSeconds !== null) parts.push(`COOLDOWN ${formatDuration(ast.cooldownSeconds)}`);
  return parts.join(' ');
}
