// Discord slash commands generated from the command definitions, and the way back: a slash
// command's typed options turned into the one command line the registry parses. Discord has no
// `vram>=24` syntax, so comparison options are strings ("vram: >=24 <=80") and every command with
// options also takes a free `args` string for anything else (key=value text, --yes).
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOptionChoice,
  type APIApplicationCommandSubcommandOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { CommandDefinition, OptionSpec, OptionSpecs } from '#core/command.ts';
import type { CommandRegistry } from '#core/registry.ts';

/** Discord's limits for application commands (https://discord.com/developers/docs/interactions/application-commands). */
export const COMMAND_LIMITS = {
  name: 32,
  description: 100,
  options: 25,
  choices: 25,
  choiceText: 100,
  /** Sum of every name, description and choice of one command. */
  totalText: 4000,
} as const;

/** The free-text option every command with options gets. */
export const ARGS_OPTION = 'args';

type AnyDefinition = CommandDefinition<OptionSpecs>;

/** One runnable command as Discord sees it, with Discord's option names mapped back to ours. */
export interface SlashTarget {
  definition: AnyDefinition;
  /** Discord option name → option key of the definition. */
  keys: Map<string, string>;
}

/** A command as Discord delivers it, independent of discord.js classes. */
export interface SlashInvocation {
  name: string;
  subcommand?: string | null;
  options: readonly { name: string; value?: string | number | boolean }[];
}

/** Lowercase, only letters, digits, - and _, at most 32 characters (Discord rejects anything else). */
export function discordName(name: string): string {
  const cleaned = name.toLowerCase().replace(/[^-_\p{L}\p{N}]/gu, '_').slice(0, COMMAND_LIMITS.name);
  return cleaned || '_';
}

function clip(text: string, limit: number): string {
  const trimmed = text.trim() || '-';
  return trimmed.length <= limit ? trimmed : `${trimmed.slice(0, limit - 1)}…`;
}

/** Option names Discord shows for a definition, in declaration order, mapped to our keys. */
function optionKeys(definition: AnyDefinition): Map<string, string> {
  const keys = new Map<string, string>();
  for (const key of Object.keys(definition.options)) {
    const name = discordName(key);
    if (!keys.has(name) && name !== ARGS_OPTION) keys.set(name, key);
  }
  return keys;
}

function wantsArgs(definition: AnyDefinition): boolean {
  return Object.keys(definition.options).length > 0 || Boolean(definition.confirm);
}

function describeOption(spec: OptionSpec): string {
  if (spec.compare) return `${spec.description} (e.g. >=24, <0.8, or >=24 <=80)`;
  return spec.description;
}

function optionFor(name: string, spec: OptionSpec): APIApplicationCommandBasicOption {
  const description = clip(describeOption(spec), COMMAND_LIMITS.description);
  const required = spec.required;
  if (spec.compare) return { type: ApplicationCommandOptionType.String, name, description, required };
  if (spec.kind === 'boolean') return { type: ApplicationCommandOptionType.Boolean, name, description, required };
  if (spec.kind === 'integer') return { type: ApplicationCommandOptionType.Integer, name, description, required };
  if (spec.kind === 'number') return { type: ApplicationCommandOptionType.Number, name, description, required };
  const choices = spec.choices ?? [];
  if (choices.length > 0 && choices.length <= COMMAND_LIMITS.choices) {
    const list: APIApplicationCommandOptionChoice<string>[] = choices.map((choice) => ({
      name: clip(choice, COMMAND_LIMITS.choiceText),
      value: choice.slice(0, COMMAND_LIMITS.choiceText),
    }));
    return { type: ApplicationCommandOptionType.String, name, description, required, choices: list };
  }
  // Too many choices for a fixed list, or a source of suggestions: offered while typing instead.
  const autocomplete = choices.length > COMMAND_LIMITS.choices || spec.complete !== undefined;
  return { type: ApplicationCommandOptionType.String, name, description, required, ...(autocomplete ? { autocomplete: true } : {}) };
}

/** Discord demands required options before optional ones; beyond 25 options, the rest go through `args`. */
function optionsFor(definition: AnyDefinition): APIApplicationCommandBasicOption[] {
  const options = [...optionKeys(definition)].map(([name, key]) => optionFor(name, definition.options[key]!));
  const ordered = [...options.filter((option) => option.required), ...options.filter((option) => !option.required)];
  const room = COMMAND_LIMITS.options - (wantsArgs(definition) ? 1 : 0);
  const kept = ordered.slice(0, room);
  if (wantsArgs(definition)) {
    const extra = definition.confirm ? 'more options as key=value, or --yes to skip the confirmation' : 'more options as key=value text';
    kept.push({ type: ApplicationCommandOptionType.String, name: ARGS_OPTION, description: extra, required: false });
  }
  return kept;
}

function textSize(command: { name: string; description: string; options?: readonly unknown[] }): number {
  let size = command.name.length + command.description.length;
  for (const option of (command.options ?? []) as { name: string; description: string; options?: unknown[]; choices?: { name: string; value: unknown }[] }[]) {
    size += textSize(option);
    for (const choice of option.choices ?? []) size += choice.name.length + String(choice.value).length;
  }
  return size;
}

/** Shortens option descriptions until the whole command fits Discord's 4000-character budget. */
function fitBudget(command: RESTPostAPIChatInputApplicationCommandsJSONBody): RESTPostAPIChatInputApplicationCommandsJSONBody {
  for (const limit of [60, 30, 10]) {
    if (textSize(command) <= COMMAND_LIMITS.totalText) return command;
    const shorten = (options: readonly { description: string; options?: readonly unknown[] }[] | undefined): void => {
      for (const option of options ?? []) {
        option.description = clip(option.description, limit);
        shorten(option.options as typeof options);
      }
    };
    shorten(command.options);
  }
  return command;
}

export interface BuildOptions {
  /** Global commands may say where they work; guild commands may not. */
  global: boolean;
}

/** The body of the bulk-overwrite PUT: one slash command per command or group. */
export function buildSlashCommands(registry: CommandRegistry, { global }: BuildOptions): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const commands: RESTPostAPIChatInputApplicationCommandsJSONBody[] = [];
  const groups = new Map(registry.groupList().map((group) => [group.name, group]));
  const done = new Set<string>();
  for (const definition of registry.definitions()) {
    const head = definition.name.split(' ')[0]!;
    if (done.has(head)) continue;
    done.add(head);
    const group = groups.get(head);
    const members = group ? registry.subcommands(head) : [definition];
    const base = group
      ? {
          name: discordName(head),
          description: clip(group.summary, COMMAND_LIMITS.description),
          options: members.slice(0, COMMAND_LIMITS.options).map(
            (sub): APIApplicationCommandSubcommandOption => ({
              type: ApplicationCommandOptionType.Subcommand,
              name: discordName(sub.name.split(' ')[1]!),
              description: clip(sub.summary, COMMAND_LIMITS.description),
              options: optionsFor(sub),
            }),
          ),
        }
      : { name: discordName(head), description: clip(definition.summary, COMMAND_LIMITS.description), options: optionsFor(definition) };
    // A command whose every form carries a secret is offered only in the bot's DMs (global commands only).
    const directOnly = members.every((member) => member.directOnly);
    const where = global
      ? {
          integration_types: [ApplicationIntegrationType.GuildInstall],
          contexts: directOnly ? [InteractionContextType.BotDM] : [InteractionContextType.Guild, InteractionContextType.BotDM],
        }
      : {};
    commands.push(fitBudget({ type: ApplicationCommandType.ChatInput, ...base, ...where }));
  }
  return commands;
}

/** Finds which definition a slash command stands for. */
export function slashTarget(registry: CommandRegistry, name: string, subcommand?: string | null): SlashTarget | undefined {
  const definition = registry
    .definitions()
    .find((candidate) => {
      const [head, sub] = candidate.name.split(' ');
      return discordName(head!) === name && (sub === undefined ? !subcommand : discordName(sub) === subcommand);
    });
  return definition ? { definition, keys: optionKeys(definition) } : undefined;
}

function quote(value: string): string {
  return /^[^\s"'=<>!]+$/.test(value) ? value : `"${value.replace(/["\\]/g, '\\$&')}"`;
}

const COMPARISON = /^(>=|<=|!=|=|>|<|≥|≤|≠)?\s*(.+)$/;

/** ">=24 <=80" typed into the vram option → vram>=24 vram<=80 (a plain "24" means =24). */
function comparisons(key: string, typed: string): string[] {
  // A repeated key ("vram>=24") is dropped: the option already names it.
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const parts = typed.replace(new RegExp(`(^|[\\s,])${escaped}(?=\\s*[<>=!≥≤≠])`, 'gi'), '$1').split(/[\s,]+/).filter(Boolean);
  const merged: string[] = [];
  for (const part of parts) {
    // "<= 80" typed with a space: the operator alone joins the number after it.
    if (merged.length && /^(>=|<=|!=|=|>|<|≥|≤|≠)$/.test(merged.at(-1)!)) merged[merged.length - 1] += part;
    else merged.push(part);
  }
  return merged.map((part) => {
    const [, op, value] = COMPARISON.exec(part)!;
    return `${key}${op ?? '='}${quote(value!)}`;
  });
}

/** The command line for the registry, e.g. `licence activate key=...` or `prices vram>=24 sort=value`. */
export function commandLine(target: SlashTarget, invocation: SlashInvocation): string {
  const parts = [target.definition.name];
  let extra = '';
  for (const option of invocation.options) {
    if (option.value === undefined || option.value === '') continue;
    const key = target.keys.get(option.name);
    if (!key) {
      if (option.name === ARGS_OPTION) extra = String(option.value);
      continue;
    }
    const spec = target.definition.options[key]!;
    if (spec.compare) parts.push(...comparisons(key, String(option.value)));
    else if (typeof option.value === 'boolean') parts.push(`${key}=${option.value ? 'yes' : 'no'}`);
    else parts.push(`${key}=${quote(String(option.value))}`);
  }
  if (extra.trim()) parts.push(extra.trim());
  return parts.join(' ');
}

/** What to suggest while someone types into an option with many choices (no source needed). */
export function matchingChoices(spec: OptionSpec, typed: string): string[] {
  const prefix = typed.trim().toLowerCase();
  const choices = spec.choices ?? [];
  return [...choices.filter((choice) => choice.toLowerCase().startsWith(prefix)), ...choices.filter((choice) => !choice.toLowerCase().startsWith(prefix) && choice.toLowerCase().includes(prefix))];
}
