// The commands and groups the registry knows, checked once when it is built, and the ways into them:
// a line as typed (`prices histroy` is a typo, `prices 4090` the default subcommand) and a name.
import type { ParsedArgs } from './args.ts';
import { echo } from './bounds.ts';
import type { CommandDefinition, CommandGroup, OptionSpecs } from './command.ts';
import { UsageError } from './errors.ts';
import { nearest } from '#domain/suggest.ts';

export type AnyDefinition = CommandDefinition<OptionSpecs>;

/** A --switch at the end of a line, after a command's raw text. */
const TRAILING_SWITCH = /\s(--[A-Za-z][\w-]*(?:=\S*)?)\s*$/;

export class CommandTable {
  private readonly byName = new Map<string, AnyDefinition>();
  private readonly groups = new Map<string, CommandGroup>();
  private readonly groupAliases = new Map<string, string>();

  constructor(definitions: readonly AnyDefinition[], groups: readonly CommandGroup[]) {
    for (const group of groups) {
      this.groups.set(group.name, group);
      for (const alias of group.aliases ?? []) this.groupAliases.set(alias, group.name);
    }
    for (const definition of definitions) {
      if (this.byName.has(definition.name)) throw new Error(`Command ${definition.name} is defined twice`);
      const [head, sub] = definition.name.split(' ');
      if (sub && !this.groups.has(head!)) throw new Error(`Command ${definition.name} has no group ${head}`);
      const secret = Object.values(definition.options).some((option) => option.secret);
      // Pending confirmations are stored; a secret would be written in clear.
      if (definition.confirm && secret) throw new Error(`Command ${definition.name} takes a secret, so it cannot ask for confirmation`);
      this.byName.set(definition.name, definition);
    }
  }

  definitions(): AnyDefinition[] {
    return [...this.byName.values()];
  }

  groupList(): CommandGroup[] {
    return [...this.groups.values()];
  }

  named(name: string): AnyDefinition | undefined {
    return this.byName.get(name);
  }

  /** Finds a command or group by what a user typed (`help licence`, `help prices`). */
  lookup(words: string[]): { definition?: AnyDefinition; group?: CommandGroup } {
    const head = this.canonicalHead(words[0] ?? '');
    const group = this.groups.get(head);
    if (group) {
      const sub = words[1] ? this.byName.get(`${head} ${words[1].toLowerCase()}`) : undefined;
      return sub ? { definition: sub, group } : { group };
    }
    const definition = this.byName.get(head);
    return definition ? { definition } : {};
  }

  subcommands(group: string): AnyDefinition[] {
    return this.definitions().filter((definition) => definition.name.startsWith(`${group} `));
  }

  /** A typed first word as a command or group name: no leading /, no @bot suffix, aliases resolved. */
  canonicalHead(word: string): string {
    const head = word.replace(/^\//, '').replace(/@\S*$/, '').toLowerCase();
    return this.groupAliases.get(head) ?? head;
  }

  /** For a command with a `raw` option: its words and trailing switches to parse, and the raw text apart. */
  splitRaw(line: string): { line: string; rawText?: string } {
    const words = /^\s*(\S+)(?:\s+(\S+))?/.exec(line);
    if (!words) return { line };
    const head = this.canonicalHead(words[1]!);
    const names = words[2] ? [`${head} ${words[2].toLowerCase()}`, head] : [head];
    const name = names.find((candidate) => Object.values(this.byName.get(candidate)?.options ?? {}).some((option) => option.raw));
    if (!name) return { line };
    const kept = name.includes(' ') ? words[0] : words[0].replace(/\s+\S+$/, '');
    let text = line.slice(kept.length);
    const switches: string[] = [];
    for (let found = TRAILING_SWITCH.exec(text); found; found = TRAILING_SWITCH.exec(text)) {
      switches.unshift(found[1]!);
      text = text.slice(0, found.index);
    }
    return { line: [kept.trim(), ...switches].join(' '), ...(text.trim() && { rawText: text.trim() }) };
  }

  /** The command a parsed line names, and the rest of the line; a typo gets a "did you mean". */
  resolve(parsed: ParsedArgs): { definition: AnyDefinition; rest: ParsedArgs } {
    const [first, ...others] = parsed.positionals;
    if (!first) throw new UsageError('Type a command, for example: help, or prices gpu=4090.');
    const head = this.canonicalHead(first);
    const group = this.groups.get(head);
    if (group) {
      const subs = this.subcommands(head).map((definition) => definition.name.split(' ')[1]!);
      const typed = others[0]?.toLowerCase();
      if (typed && subs.includes(typed)) return { definition: this.byName.get(`${head} ${typed}`)!, rest: { ...parsed, positionals: others.slice(1) } };
      const guess = typed ? nearest(typed, subs) : undefined;
      // `prices 4090` means the default subcommand with a value; `prices histroy` is a typo.
      if (group.defaultSubcommand && !guess) {
        return { definition: this.byName.get(`${head} ${group.defaultSubcommand}`)!, rest: { ...parsed, positionals: others } };
      }
      const problem = typed ? `'${head}' has no subcommand '${echo(typed)}'.` : `'${head}' needs a subcommand.`;
      throw new UsageError(`${problem}${guess ? ` Did you mean '${head} ${guess}'?` : ''} Choose one of: ${subs.map((sub) => `${head} ${sub}`).join(', ')}.`);
    }
    const definition = this.byName.get(head);
    if (!definition) {
      const names = [...this.groups.keys(), ...this.groupAliases.keys(), ...[...this.byName.keys()].filter((name) => !name.includes(' '))];
      const guess = nearest(head, names);
      throw new UsageError(`Unknown command '${echo(head)}'.${guess ? ` Did you mean '${this.groupAliases.get(guess) ?? guess}'?` : ''} Type 'help' to see every command.`);
    }
    return { definition, rest: { ...parsed, positionals: others } };
  }
}
