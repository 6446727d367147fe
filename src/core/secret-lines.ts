// Which typed lines may carry a secret: those that name, or nearly name, a command that takes one
// (`provider add`, `licence activate`, `claim`). Decided from the raw line before any parsing, so a
// line that does not parse, comes from a stranger or is refused is treated the same way: in a shared
// chat the platform deletes it.
import type { CommandDefinition, CommandGroup, OptionSpecs } from './command.ts';
import { ECHO_CHARACTERS } from './bounds.ts';
import { editDistance, MAX_SUGGESTED_WORD } from '#domain/suggest.ts';

/** Only the first words matter; a pasted blob is not read further. */
const HEAD_CHARACTERS = 200;

/** Words shorter than this are never masked in a reply (they are command words, not secrets). */
const MASKED_FROM = 8;

interface SecretCommand {
  /** The command word (or group name) and its aliases. */
  heads: string[];
  /** The subcommand, for `group sub` commands. */
  sub?: string;
  /** The group's other subcommands: naming one of them means the line is not this command. */
  siblings: string[];
}

/** Typed `near` the name: the same, a prefix of it, or within typo distance. */
function near(typed: string, name: string): boolean {
  if (typed === name || (typed.length >= 2 && name.startsWith(typed))) return true;
  if (typed.length > MAX_SUGGESTED_WORD || Math.abs(typed.length - name.length) > 2) return false;
  // Tighter than "did you mean": a neighbouring command (sx-secret beside sx-setkey) is not a typo of it.
  return editDistance(typed, name) <= Math.max(1, Math.floor(name.length / 4));
}

function firstWords(line: string): string[] {
  const words = line.slice(0, HEAD_CHARACTERS).trim().toLowerCase().split(/\s+/);
  words[0] = (words[0] ?? '').replace(/^\//, '').replace(/@\S*$/, '');
  return words;
}

export class SecretLines {
  private readonly commands: SecretCommand[] = [];
  /** Every command word: never taken for a secret when a reply is masked. */
  private readonly commandWords = new Set<string>();

  constructor(definitions: readonly CommandDefinition<OptionSpecs>[], groups: readonly CommandGroup[]) {
    for (const group of groups) for (const word of [group.name, ...(group.aliases ?? [])]) this.commandWords.add(word);
    for (const definition of definitions) {
      for (const word of definition.name.split(' ')) this.commandWords.add(word);
      const takesSecret = definition.directOnly || Object.values(definition.options).some((option) => option.secret);
      if (!takesSecret) continue;
      const [head, sub] = definition.name.split(' ') as [string, string | undefined];
      const group = groups.find((candidate) => candidate.name === head);
      const siblings = definitions.filter((other) => other.name.startsWith(`${head} `) && other !== definition).map((other) => other.name.split(' ')[1]!);
      this.commands.push({ heads: [head, ...(group?.aliases ?? [])], ...(sub && { sub }), siblings });
    }
  }

  /** Whether the line names, or nearly names, a command that takes a secret. */
  carriesSecret(line: string): boolean {
    const [first = '', second] = firstWords(line);
    return this.commands.some((command) => {
      if (!command.heads.some((head) => near(first, head))) return false;
      if (!command.sub) return true;
      if (second === undefined) return false;
      if (near(second, command.sub)) return true;
      // `provider list` is another command; `provider vast KEY` (the subcommand forgotten) is not.
      return !command.siblings.some((sibling) => near(second, sibling));
    });
  }

  /** Replaces every long word of the line (a possible secret) wherever the text repeats it. */
  mask(text: string, line: string): string {
    let masked = text;
    for (const word of line.split(/\s+/)) {
      if (word.length < MASKED_FROM || this.commandWords.has(word.replace(/^\//, '').toLowerCase())) continue;
      // Echoes are cut to a prefix, so the prefix is what may appear; key=value is masked by its value.
      const pieces = [word, word.slice(0, ECHO_CHARACTERS), ...word.split('=').filter((part) => part.length >= MASKED_FROM)];
      for (const piece of new Set(pieces)) masked = masked.split(piece).join('***');
    }
    return masked;
  }
}
