// From parsed words to a command's validated options, and back to one canonical line: the usage
// line in help and errors, the line in audit entries and confirmations (secrets shown as ***).
import { quoteValue, type NamedArg, type ParsedArgs } from './args.ts';
import { echo } from './bounds.ts';
import type { CommandDefinition, Comparison, OptionSpec, OptionSpecs } from './command.ts';
import { UsageError } from './errors.ts';
import { nearest } from '#domain/suggest.ts';

type AnyDefinition = CommandDefinition<OptionSpecs>;

export function usageLine(definition: AnyDefinition): string {
  const parts = [definition.name];
  for (const [key, option] of Object.entries(definition.options)) {
    const shown = option.positional || option.rest ? `<${key}${option.rest ? '...' : ''}>` : option.compare ? `${key}>=${option.placeholder}` : `${key}=${option.placeholder}`;
    parts.push(option.required ? shown : `[${shown}]`);
  }
  if (definition.confirm) parts.push('[--yes]');
  return parts.join(' ');
}

/** Turns parsed words into validated option values, or a UsageError naming the argument. */
export function bindOptions(definition: AnyDefinition, parsed: ParsedArgs): Record<string, unknown> {
  const specs = Object.entries(definition.options);
  const byKey = new Map<string, [string, OptionSpec]>();
  for (const entry of specs) {
    byKey.set(entry[0].toLowerCase(), entry);
    for (const alias of entry[1].aliases) byKey.set(alias.toLowerCase(), entry);
  }
  const raw = new Map<string, NamedArg[]>();
  for (const arg of parsed.named) {
    const entry = byKey.get(arg.key);
    if (!entry) {
      const guess = nearest(arg.key, byKey.keys());
      const known = specs.length ? ` Options: ${specs.map(([key]) => key).join(', ')}.` : ` '${definition.name}' takes no options.`;
      throw new UsageError(`Unknown option '${echo(arg.key)}'.${guess ? ` Did you mean '${guess}'?` : known}`);
    }
    const [key, option] = entry;
    if (arg.op !== '=' && !option.compare) throw new UsageError(`'${key}' takes ${key}=${option.placeholder}, not '${arg.op}'.`);
    const list = raw.get(key) ?? [];
    if (list.length > 0 && !option.compare) throw new UsageError(`'${key}' is given twice. Give it once.`);
    list.push({ ...arg, key });
    raw.set(key, list);
  }
  const positionalSpecs = specs.filter(([, option]) => option.positional || option.rest);
  const words = [...parsed.positionals];
  for (const [key, option] of positionalSpecs) {
    if (words.length === 0 || raw.has(key)) continue;
    const value = option.rest ? words.splice(0).join(' ') : words.shift()!;
    raw.set(key, [{ key, op: '=', value }]);
  }
  if (words.length > 0) {
    throw new UsageError(`I don't know what '${echo(words[0]!)}' means here. Named values are written key=value.`);
  }
  const values: Record<string, unknown> = {};
  for (const [key, option] of specs) {
    const given = raw.get(key);
    if (!given) {
      if (option.required) throw new UsageError(`'${key}' is missing: ${option.description}.`);
      values[key] = undefined;
      continue;
    }
    const parse = (value: string) => {
      const result = option.schema.safeParse(value);
      if (!result.success) {
        const shown = option.secret ? '' : ` (got '${echo(value)}')`;
        throw new UsageError(`'${key}': ${result.error.issues[0]?.message ?? 'invalid value'}${shown}.`);
      }
      return result.data;
    };
    values[key] = option.compare ? given.map((arg): Comparison => ({ op: arg.op, value: parse(arg.value) as number })) : parse(given[0]!.value);
  }
  return values;
}

/** The invocation in canonical form, with secrets masked: used in audit entries and confirmations. */
export function describeInvocation(definition: AnyDefinition, values: Record<string, unknown>): string {
  const parts = [definition.name];
  for (const [key, option] of Object.entries(definition.options)) {
    const value = values[key];
    if (value === undefined) continue;
    if (option.secret) {
      parts.push(`${key}=***`);
      continue;
    }
    const list = option.compare ? (value as Comparison[]) : [{ op: '=', value }];
    for (const item of list) parts.push(`${key}${item.op}${quoteValue(String(item.value))}`);
  }
  return parts.join(' ');
}
