// The one argument grammar every platform shares:
//   words            positional values            deploy pytorch
//   key=value        a named option                gpu=4090
//   key>=value ...   a comparison (>= <= > < !=)   vram>=24 price<0.8
//   "a b" / 'a b'    quoting, also after key=      name="my box"
//   --flag           a switch (--yes, --json)      --flag=value works too
// Phones type smart quotes and "≥", so those are read as their plain forms.
import { UsageError } from './errors.ts';

export type Operator = '=' | '>=' | '<=' | '>' | '<' | '!=';

export interface NamedArg {
  key: string;
  op: Operator;
  value: string;
}

export interface ParsedArgs {
  positionals: string[];
  named: NamedArg[];
  flags: Map<string, string | true>;
}

interface Token {
  text: string;
  /** Index in `text` where the first quoted part began, or -1 when nothing was quoted. */
  quotedFrom: number;
}

const SMART_CHARACTERS: [RegExp, string][] = [
  [/[\u201C\u201D\u201E\u00AB\u00BB]/g, '"'],
  [/[\u2018\u2019\u201A]/g, "'"],
  [/\u2265/g, '>='],
  [/\u2264/g, '<='],
  [/\u2260/g, '!='],
  [/[\u2013\u2014]/g, '--'],
  [/\u00A0/g, ' '],
];

function normaliseInput(input: string): string {
  let text = input;
  for (const [pattern, plain] of SMART_CHARACTERS) text = text.replace(pattern, plain);
  return text;
}

export function tokenize(input: string): Token[] {
  const text = normaliseInput(input);
  const tokens: Token[] = [];
  let current = '';
  let quotedFrom = -1;
  let inToken = false;
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '"' || char === "'") {
      const start = i;
      if (quotedFrom < 0) quotedFrom = current.length;
      inToken = true;
      i++;
      let closed = false;
      while (i < text.length) {
        const inner = text[i]!;
        if (inner === char) {
          closed = true;
          i++;
          break;
        }
        if (inner === '\\' && char === '"' && i + 1 < text.length && (text[i + 1] === '"' || text[i + 1] === '\\')) {
          current += text[i + 1];
          i += 2;
          continue;
        }
        current += inner;
        i++;
      }
      if (!closed) {
        throw new UsageError(`The quote ${char} at position ${start + 1} is never closed. Add a closing ${char} after the value.`);
      }
      continue;
    }
    if (/\s/.test(char)) {
      if (inToken) tokens.push({ text: current, quotedFrom });
      current = '';
      quotedFrom = -1;
      inToken = false;
      i++;
      continue;
    }
    current += char;
    inToken = true;
    i++;
  }
  if (inToken) tokens.push({ text: current, quotedFrom });
  return tokens;
}

const NAMED = /^([A-Za-z][\w.-]*)(>=|<=|!=|=|>|<)/;
const FLAG = /^--([A-Za-z][\w-]*)(?:=(.*))?$/s;

export function parseArgs(input: string): ParsedArgs {
  const parsed: ParsedArgs = { positionals: [], named: [], flags: new Map() };
  for (const token of tokenize(input)) {
    const unquotedPrefix = token.quotedFrom < 0 ? token.text : token.text.slice(0, token.quotedFrom);
    const flag = token.quotedFrom !== 0 ? FLAG.exec(token.text) : null;
    if (flag && (token.quotedFrom < 0 || token.text.indexOf('=') < token.quotedFrom)) {
      const name = flag[1]!.toLowerCase();
      if (parsed.flags.has(name)) throw new UsageError(`--${name} is given twice. Give it once.`);
      parsed.flags.set(name, flag[2] ?? true);
      continue;
    }
    const named = NAMED.exec(unquotedPrefix);
    if (named) {
      const value = token.text.slice(named[0].length);
      const key = named[1]!.toLowerCase();
      if (value === '' && token.quotedFrom < 0) {
        throw new UsageError(`${key}${named[2]} needs a value after '${named[2]}', e.g. ${key}${named[2]}24 or ${key}${named[2]}"two words".`);
      }
      parsed.named.push({ key, op: named[2] as Operator, value });
      continue;
    }
    parsed.positionals.push(token.text);
  }
  return parsed;
}

/** Writes a value so this grammar reads it back as one value (quoted when it has spaces or operators). */
export function quoteValue(value: string): string {
  return /^[^\s"'=<>!]+$/.test(value) ? value : `"${value.replace(/["\\]/g, '\\$&')}"`;
}
