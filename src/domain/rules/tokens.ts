// The tokenizer of the rule language. Columns are 1-based and count UTF-16 units of the rule text
// after `rule add`. What phones type is read as its plain form in place (≥ ≤ ≠, smart quotes), so
// columns still point at what the user sees.
import { RuleError } from './errors.ts';
import { DURATION_SECONDS, isDurationUnit, MAX_DECIMALS, MAX_LITERAL, roundDecimals, type Kind } from './units.ts';

export type CompareOp = '<' | '<=' | '==' | '!=' | '>=' | '>';

export type Token =
  | { type: 'word'; column: number; text: string }
  | { type: 'string'; column: number; text: string; value: string }
  | { type: 'number'; column: number; text: string; value: number; kind: Exclude<Kind, 'word'> }
  | { type: 'op'; column: number; text: string; op: CompareOp }
  | { type: '(' | ')' | ',' | '-' | 'end'; column: number; text: string }
  /** One `key=value` of a `deploy` action, read raw (values such as images hold / and :). */
  | { type: 'option'; column: number; text: string; key: string; value: string };

export const MAX_RULE_LENGTH = 2000;

const OPERATORS: [string, CompareOp][] = [
  ['<=', '<='],
  ['>=', '>='],
  ['==', '=='],
  ['!=', '!='],
  ['\u2264', '<='],
  ['\u2265', '>='],
  ['\u2260', '!='],
  ['<', '<'],
  ['>', '>'],
  ['=', '=='],
];
const DOUBLE_QUOTES = '"\u201C\u201D\u201E';
const SINGLE_QUOTES = "'\u2018\u2019\u201A";
const WORD_START = /[A-Za-z_]/;
const WORD_PART = /[A-Za-z0-9_.\-/:]/;
const DIGIT = /[0-9]/;

class Lexer {
  private i = 0;
  readonly tokens: Token[] = [];

  constructor(private readonly text: string) {}

  fail(problem: string, index: number): never {
    throw new RuleError(problem, index + 1, this.text);
  }

  run(): Token[] {
    if (this.text.length > MAX_RULE_LENGTH) this.fail(`the rule is longer than ${MAX_RULE_LENGTH} characters; split it into several rules.`, MAX_RULE_LENGTH);
    while (this.skipSpace() < this.text.length) this.next();
    this.tokens.push({ type: 'end', column: this.text.length + 1, text: '' });
    return this.tokens;
  }

  private skipSpace(): number {
    while (this.i < this.text.length && /\s/.test(this.text[this.i]!)) this.i++;
    return this.i;
  }

  private push(token: Token, length: number): void {
    this.tokens.push(token);
    this.i += length;
  }

  private next(): void {
    const start = this.i;
    const char = this.text[start]!;
    const column = start + 1;
    if (char === '(' || char === ')' || char === ',' || char === '-') return this.push({ type: char, column, text: char }, 1);
    const operator = OPERATORS.find(([spelling]) => this.text.startsWith(spelling, start));
    if (operator) return this.push({ type: 'op', column, text: operator[0], op: operator[1] }, operator[0].length);
    if (DOUBLE_QUOTES.includes(char) || SINGLE_QUOTES.includes(char)) return this.quoted();
    if (char === '$') return this.number(true);
    if (DIGIT.test(char)) return this.number(false);
    if (WORD_START.test(char)) return this.word();
    if (char === '!') this.fail("'!' on its own is not an operator: write NOT before a condition, or != to compare.", start);
    if (char === '&' || char === '|') this.fail(`write AND or OR instead of '${char}'.`, start);
    this.fail(`unexpected '${char}'. A rule looks like: IF gpu_util < 5% FOR 30m THEN stop`, start);
  }

  private word(): void {
    const start = this.i;
    let end = start + 1;
    while (end < this.text.length && WORD_PART.test(this.text[end]!)) end++;
    const text = this.text.slice(start, end);
    const previous = this.tokens.at(-1);
    const startsAction = previous && (previous.type === ',' || (previous.type === 'word' && previous.text.toLowerCase() === 'then'));
    this.push({ type: 'word', column: start + 1, text }, end - start);
    if (startsAction && text.toLowerCase() === 'deploy') this.deployOptions();
  }

  private quoted(): void {
    const start = this.i;
    const closers = DOUBLE_QUOTES.includes(this.text[start]!) ? DOUBLE_QUOTES : SINGLE_QUOTES;
    const { value, end } = this.readQuoted(start, closers);
    this.push({ type: 'string', column: start + 1, text: this.text.slice(start, end), value }, end - start);
  }

  /** Reads a quoted value from its opening quote; `\"` and `\\` are escapes inside double quotes. */
  private readQuoted(start: number, closers: string): { value: string; end: number } {
    let value = '';
    let i = start + 1;
    while (i < this.text.length) {
      const char = this.text[i]!;
      if (closers.includes(char)) return { value, end: i + 1 };
      if (char === '\\' && closers === DOUBLE_QUOTES && (this.text[i + 1] === '"' || this.text[i + 1] === '\\')) {
        value += this.text[i + 1];
        i += 2;
        continue;
      }
      value += char;
      i++;
    }
    this.fail(`the quote ${this.text[start]} is never closed: add a closing quote after the value.`, start);
  }

  /** `$1.5`, `80%`, `30m`, `2.5`: digits, an optional fraction, then at most one unit. */
  private number(money: boolean): void {
    const start = this.i;
    let i = money ? start + 1 : start;
    if (!DIGIT.test(this.text[i] ?? '')) this.fail("'$' needs an amount right after it, e.g. $1.5.", start);
    while (DIGIT.test(this.text[i] ?? '')) i++;
    if (this.text[i] === '.') {
      const fractionStart = ++i;
      while (DIGIT.test(this.text[i] ?? '')) i++;
      if (i === fractionStart) this.fail('a decimal point needs digits after it, e.g. 1.5.', fractionStart - 1);
      if (i - fractionStart > MAX_DECIMALS) this.fail(`at most ${MAX_DECIMALS} decimal places, please.`, fractionStart);
    }
    const amount = Number(this.text.slice(money ? start + 1 : start, i));
    if (amount > MAX_LITERAL) this.fail(`${this.text.slice(start, i)} is too large; numbers go up to ${MAX_LITERAL}.`, start);
    const unitStart = i;
    while (/[A-Za-z%]/.test(this.text[i] ?? '') && (i === unitStart || this.text[i - 1] !== '%')) i++;
    const unit = this.text.slice(unitStart, i);
    if (unit && DIGIT.test(this.text[i] ?? '')) this.fail(`one unit per number: write ${this.text.slice(start, i)} or convert, e.g. 90m rather than 1h30m.`, i);
    if (WORD_PART.test(this.text[i] ?? '') || this.text[i] === '%') this.fail(`unexpected '${this.text[i]}' after ${this.text.slice(start, i)}; put a space between values.`, i);
    const kind = this.kindOf(unit, money, unitStart);
    const value = kind === 'duration' ? roundDecimals(amount * DURATION_SECONDS[unit.toLowerCase() as keyof typeof DURATION_SECONDS]) : amount;
    this.push({ type: 'number', column: start + 1, text: this.text.slice(start, i), value, kind }, i - start);
  }

  private kindOf(unit: string, money: boolean, unitStart: number): Exclude<Kind, 'word'> {
    if (unit === '') return money ? 'money' : 'number';
    if (money) this.fail(`a dollar amount takes no unit: write $${this.text.slice(this.i + 1, unitStart)}.`, unitStart);
    if (unit === '%') return 'percent';
    if (isDurationUnit(unit.toLowerCase())) return 'duration';
    this.fail(`unknown unit '${unit}': durations take s, m, h or d (30s, 10m, 2h, 1d), percentages %, dollars a leading $.`, unitStart);
  }

  /** After `deploy`: key=value pieces up to the next comma, COOLDOWN or the end. */
  private deployOptions(): void {
    while (this.skipSpace() < this.text.length) {
      const start = this.i;
      if (this.text[start] === ',') return;
      const key = /^[A-Za-z][\w-]*/.exec(this.text.slice(start))?.[0];
      if (key?.toLowerCase() === 'cooldown' && this.text[start + key.length] !== '=') return;
      if (!key || this.text[start + key.length] !== '=') {
        this.fail('deploy options are key=value, e.g. deploy gpu=4090 template=jupyter; separate actions with commas.', start);
      }
      const valueStart = start + key.length + 1;
      const char = this.text[valueStart] ?? '';
      let value: string;
      let end: number;
      if (DOUBLE_QUOTES.includes(char) || SINGLE_QUOTES.includes(char)) {
        ({ value, end } = this.readQuoted(valueStart, DOUBLE_QUOTES.includes(char) ? DOUBLE_QUOTES : SINGLE_QUOTES));
      } else {
        end = valueStart;
        while (end < this.text.length && !/[\s,]/.test(this.text[end]!)) end++;
        value = this.text.slice(valueStart, end);
      }
      if (value === '' && !(DOUBLE_QUOTES + SINGLE_QUOTES).includes(char)) this.fail(`${key}= needs a value, e.g. ${key}=4090.`, valueStart);
      this.push({ type: 'option', column: start + 1, text: this.text.slice(start, end), key: key.toLowerCase(), value }, end - start);
    }
  }
}

export function tokenize(text: string): Token[] {
  return new Lexer(text).run();
}
