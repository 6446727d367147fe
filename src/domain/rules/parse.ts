// The parser: tokens → RuleAst. Grammar (README.md has it in EBNF):
//   IF condition [FOR duration] THEN action {, action} [COOLDOWN duration]
// with NOT binding tighter than AND, AND tighter than OR, and parentheses around conditions.
import { nearest } from '../suggest.ts';
import type { Action, Condition, Operand, RuleAst } from './ast.ts';
import { providerNamesInWords } from '../providers.ts';
import { RuleError } from './errors.ts';
import { tokenize, type Token } from './tokens.ts';
import { ACTIONS, FUNCTIONS, isAction, isFunction, isKeyword, isVariable } from './vocabulary.ts';

const MAX_DEPTH = 32;
const EXAMPLE = 'IF gpu_util < 5% FOR 30m THEN stop';

function describe(token: Token): string {
  if (token.type === 'end') return 'the end of the rule';
  return `'${token.text}'`;
}

class Parser {
  private position = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  fail(problem: string, column: number): never {
    throw new RuleError(problem, column, this.text);
  }

  private peek(): Token {
    return this.tokens[this.position]!;
  }

  private take(): Token {
    const token = this.tokens[this.position]!;
    if (token.type !== 'end') this.position++;
    return token;
  }

  private isKeyword(word: string, token = this.peek()): boolean {
    return token.type === 'word' && token.text.toLowerCase() === word;
  }

  private expectKeyword(word: string, hint: string): Token {
    const token = this.take();
    if (!this.isKeyword(word, token)) this.fail(`expected ${word.toUpperCase()} but found ${describe(token)}. ${hint}`, token.column);
    return token;
  }

  rule(): RuleAst {
    this.expectKeyword('if', `A rule starts with IF, e.g. ${EXAMPLE}`);
    const condition = this.condition();
    let forSeconds: number | null = null;
    let forColumn = 0;
    if (this.isKeyword('for')) {
      forColumn = this.take().column;
      forSeconds = this.duration('FOR');
    }
    this.expectKeyword('then', `After the condition${forSeconds === null ? ' (and an optional FOR 30m)' : ''} comes THEN and the actions, e.g. ${EXAMPLE}`);
    const actions = [this.action()];
    while (this.peek().type === ',') {
      this.take();
      actions.push(this.action());
    }
    let cooldownSeconds: number | null = null;
    let cooldownColumn = 0;
    if (this.isKeyword('cooldown')) {
      cooldownColumn = this.take().column;
      cooldownSeconds = this.duration('COOLDOWN');
    }
    const rest = this.peek();
    if (rest.type !== 'end') {
      this.fail(`unexpected ${describe(rest)}: separate actions with commas; the rule may end with COOLDOWN 1h.`, rest.column);
    }
    return { condition, forSeconds, forColumn, actions, cooldownSeconds, cooldownColumn };
  }

  private duration(keyword: string): number {
    const token = this.take();
    if (token.type !== 'number' || token.kind !== 'duration') {
      this.fail(`${keyword} takes a duration such as 30s, 10m, 2h or 1d, not ${describe(token)}.`, token.column);
    }
    return token.value;
  }

  private condition(): Condition {
    return this.junction('or', () => this.junction('and', () => this.unary()));
  }

  private junction(word: 'and' | 'or', term: () => Condition): Condition {
    const first = term();
    if (!this.isKeyword(word)) return first;
    const terms = [first];
    while (this.isKeyword(word)) {
      this.take();
      terms.push(term());
    }
    return { type: word, terms, column: first.column };
  }

  private nested<T>(column: number, read: () => T): T {
    if (++this.depth > MAX_DEPTH) this.fail(`the condition nests deeper than ${MAX_DEPTH} levels; simplify it.`, column);
    try {
      return read();
    } finally {
      this.depth--;
    }
  }

  private unary(): Condition {
    const token = this.peek();
    if (this.isKeyword('not')) {
      this.take();
      return this.nested(token.column, () => ({ type: 'not', term: this.unary(), column: token.column }));
    }
    if (token.type === '(') {
      this.take();
      const inner = this.nested(token.column, () => this.condition());
      const close = this.take();
      if (close.type !== ')') this.fail(`expected ')' to close the '(' at column ${token.column}, found ${describe(close)}.`, close.column);
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Condition {
    const left = this.operand();
    const op = this.take();
    if (op.type !== 'op') {
      const and = op.type === 'word' && (op.text.toLowerCase() === 'and' || op.text.toLowerCase() === 'or');
      const hint = and ? 'each side of AND / OR is a comparison, e.g. gpu_util < 5% AND uptime > 1h' : 'compare with < <= == != >= >, e.g. gpu_util < 5%';
      this.fail(`expected a comparison after ${this.text.slice(left.column - 1, op.column - 1).trim() || 'the value'} but found ${describe(op)}: ${hint}.`, op.column);
    }
    const right = this.operand();
    return { type: 'compare', op: op.op, left, right, column: left.column, opColumn: op.column };
  }

  private operand(): Operand {
    const token = this.take();
    switch (token.type) {
      case 'number':
        return { type: 'number', kind: token.kind, value: token.value, column: token.column };
      case 'string':
        return { type: 'word', value: token.value, quoted: true, column: token.column };
      case '-': {
        const number = this.take();
        if (number.type !== 'number') this.fail(`a minus sign needs a number right after it, e.g. -10%.`, number.column);
        return { type: 'number', kind: number.kind, value: 0 - number.value, column: token.column };
      }
      case 'word':
        return this.named(token);
      default:
        this.fail(`expected a value (a variable such as gpu_util, a number such as 5%, or a word) but found ${describe(token)}.`, token.column);
    }
  }

  private named(token: Token & { type: 'word' }): Operand {
    const word = token.text.toLowerCase();
    if (isKeyword(word)) this.fail(`expected a value but found the keyword ${word.toUpperCase()}; quote it ("${token.text}") if you mean the word.`, token.column);
    if (this.peek().type !== '(') {
      return isVariable(word) ? { type: 'variable', name: word, column: token.column } : { type: 'word', value: token.text, quoted: false, column: token.column };
    }
    if (!isFunction(word)) {
      const guess = nearest(word, Object.keys(FUNCTIONS));
      this.fail(`there is no function ${token.text}()${guess ? `; did you mean ${guess}()?` : `; the functions are ${Object.keys(FUNCTIONS).join('() and ')}().`}`, token.column);
    }
    this.take();
    const gpu = this.gpuArgument(word);
    let windowSeconds: number | null = null;
    if (word === 'price_change_pct' && this.peek().type === ',') {
      this.take();
      windowSeconds = this.duration(`the window of ${word}()`);
    }
    const close = this.take();
    if (close.type !== ')') {
      const shape = word === 'cheapest' ? 'cheapest(gpu) or cheapest(H100)' : 'price_change_pct(gpu, 24h)';
      this.fail(`expected ')' but found ${describe(close)}: write ${shape}.`, close.column);
    }
    return { type: 'call', name: word, gpu, windowSeconds, column: token.column };
  }

  private gpuArgument(name: string): Operand {
    const token = this.take();
    if (token.type === 'word' && token.text.toLowerCase() === 'gpu') return { type: 'variable', name: 'gpu', column: token.column };
    if (token.type === 'word' && !isKeyword(token.text)) return { type: 'word', value: token.text, quoted: false, column: token.column };
    if (token.type === 'string') return { type: 'word', value: token.value, quoted: true, column: token.column };
    if (token.type === 'number' && token.kind === 'number') return { type: 'word', value: token.text, quoted: false, column: token.column };
    this.fail(`${name}() takes a GPU: the instance's own (gpu) or a model such as H100 or "RTX 4090"; found ${describe(token)}.`, token.column);
  }

  private action(): Action {
    const token = this.take();
    const word = token.type === 'word' ? token.text.toLowerCase() : '';
    if (!isAction(word)) {
      const guess = token.type === 'word' ? nearest(word, Object.keys(ACTIONS)) : undefined;
      const list = Object.keys(ACTIONS).join(', ');
      this.fail(`expected an action but found ${describe(token)}${guess ? `; did you mean ${guess}?` : `; the actions are ${list}.`}`, token.column);
    }
    const column = token.column;
    switch (word) {
      case 'notify': {
        const message = this.peek();
        if (message.type !== 'string') return { type: 'notify', message: null, column };
        this.take();
        return { type: 'notify', message: message.value, column };
      }
      case 'migrate':
        return { type: 'migrate', provider: this.migrateProvider(), column };
      case 'deploy': {
        const options: { key: string; value: string; column: number }[] = [];
        while (this.peek().type === 'option') {
          const option = this.take() as Token & { type: 'option' };
          options.push({ key: option.key, value: option.value, column: option.column });
        }
        return { type: 'deploy', options, column };
      }
      default:
        return { type: word as 'stop' | 'destroy' | 'restart', column };
    }
  }

  private migrateProvider(): string | null {
    if (!this.isKeyword('provider')) return null;
    this.take();
    const equals = this.take();
    if (equals.type !== 'op' || equals.op !== '==') this.fail(`write migrate provider=runpod (an '=' after provider).`, equals.column);
    const value = this.take();
    if (value.type === 'word' || value.type === 'string') return (value.type === 'word' ? value.text : value.value).toLowerCase();
    this.fail(`migrate provider= needs a provider: ${providerNamesInWords()}.`, value.column);
  }
}

export function parseRule(text: string): RuleAst {
  return new Parser(text, tokenize(text)).rule();
}
