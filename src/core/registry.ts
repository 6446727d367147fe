// The command registry: the one road every invocation takes, whatever platform it came from.
// parse (one grammar) → find the command → who is asking → validate → role, licence, direct-only
// → confirmation → run → audit. Handlers only ever see validated options.
import { randomUUID } from 'node:crypto';
import { parseArgs, quoteValue, type NamedArg, type ParsedArgs } from './args.ts';
import type { Actor, Channel, CommandContext, CommandDefinition, CommandGroup, Comparison, OptionSpec, OptionSpecs } from './command.ts';
import { DeniedError, UsageError, UserError } from './errors.ts';
import { reply, type ProgressSink, type Reply } from './reply.ts';
import { nearest } from './suggest.ts';
import { hasRole, type Role } from '../domain/roles.ts';
import type { Services } from '../app.ts';
import { PRO_FEATURES } from '../services/licence.ts';
import { scrubSecrets } from '../log.ts';

export interface Invocation {
  /** The command line as typed, e.g. `prices gpu=4090 vram>=24` (a leading / is fine). */
  line: string;
  actor: Actor;
  channel: Channel;
}

export type Outcome = 'ok' | 'usage' | 'denied' | 'failed' | 'confirm';

export interface Execution {
  reply: Reply;
  outcome: Outcome;
  /** The command's full name, once known. */
  command?: string;
  /** The message carried a secret into a shared channel: the platform should delete it where it can. */
  deleteMessage?: boolean;
}

/**
 * Switches understood on every command. `--json` is for the CLI; chat platforms show JSON as code.
 * `--org=<id>` pins a Confirm button to the org it was shown in (ids like i1 are per org): pressed
 * where another org applies, it does nothing.
 */
const GLOBAL_FLAGS = ['yes', 'json', 'org'] as const;

const RATE_LIMIT = { burst: 20, perSecond: 1 };

type AnyDefinition = CommandDefinition<OptionSpecs>;

export class CommandRegistry {
  private readonly byName = new Map<string, AnyDefinition>();
  private readonly groups = new Map<string, CommandGroup>();
  private readonly groupAliases = new Map<string, string>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    definitions: readonly AnyDefinition[],
    groups: readonly CommandGroup[],
    private readonly services: Services,
  ) {
    for (const group of groups) {
      this.groups.set(group.name, group);
      for (const alias of group.aliases ?? []) this.groupAliases.set(alias, group.name);
    }
    for (const definition of definitions) {
      if (this.byName.has(definition.name)) throw new Error(`Command ${definition.name} is defined twice`);
      const [head, sub] = definition.name.split(' ');
      if (sub && !this.groups.has(head!)) throw new Error(`Command ${definition.name} has no group ${head}`);
      this.byName.set(definition.name, definition);
    }
  }

  /** Every command, in definition order. */
  definitions(): AnyDefinition[] {
    return [...this.byName.values()];
  }

  groupList(): CommandGroup[] {
    return [...this.groups.values()];
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

  usage(definition: AnyDefinition): string {
    const parts = [definition.name];
    for (const [key, option] of Object.entries(definition.options)) {
      const shown = option.positional || option.rest ? `<${key}${option.rest ? '...' : ''}>` : option.compare ? `${key}>=${option.placeholder}` : `${key}=${option.placeholder}`;
      parts.push(option.required ? shown : `[${shown}]`);
    }
    if (definition.confirm) parts.push('[--yes]');
    return parts.join(' ');
  }

  async execute(invocation: Invocation, progress: ProgressSink = async () => undefined): Promise<Execution> {
    const started = Date.now();
    let definition: AnyDefinition | undefined;
    try {
      const parsed = parseArgs(invocation.line);
      const found = this.resolve(parsed);
      definition = found.definition;
      const execution = await this.run(found.definition, found.rest, invocation, progress);
      this.services.log.info({ command: definition.name, outcome: execution.outcome, ms: Date.now() - started, platform: invocation.channel.platform }, 'command');
      return execution;
    } catch (error) {
      const execution = this.failure(error, definition);
      this.services.log.info({ command: definition?.name, outcome: execution.outcome, ms: Date.now() - started, platform: invocation.channel.platform }, 'command');
      return execution;
    }
  }

  private canonicalHead(word: string): string {
    const head = word.replace(/^\//, '').replace(/@\S*$/, '').toLowerCase();
    return this.groupAliases.get(head) ?? head;
  }

  private resolve(parsed: ParsedArgs): { definition: AnyDefinition; rest: ParsedArgs } {
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
      const problem = typed ? `'${head}' has no subcommand '${typed}'.` : `'${head}' needs a subcommand.`;
      throw new UsageError(`${problem}${guess ? ` Did you mean '${head} ${guess}'?` : ''} Choose one of: ${subs.map((sub) => `${head} ${sub}`).join(', ')}.`);
    }
    const definition = this.byName.get(head);
    if (!definition) {
      const names = [...this.groups.keys(), ...this.groupAliases.keys(), ...[...this.byName.keys()].filter((name) => !name.includes(' '))];
      const guess = nearest(head, names);
      throw new UsageError(`Unknown command '${head}'.${guess ? ` Did you mean '${this.groupAliases.get(guess) ?? guess}'?` : ''} Type 'help' to see every command.`);
    }
    return { definition, rest: { ...parsed, positionals: others } };
  }

  private async run(definition: AnyDefinition, parsed: ParsedArgs, invocation: Invocation, progress: ProgressSink): Promise<Execution> {
    const { services } = this;
    const name = definition.name;
    for (const flag of parsed.flags.keys()) {
      if (!(GLOBAL_FLAGS as readonly string[]).includes(flag)) {
        throw new UsageError(`Unknown switch --${flag}. Switches every command takes: --yes (skip the confirmation), --json (machine-readable output).\nUsage: ${this.usage(definition)}`);
      }
    }
    const access = services.identity.resolve(invocation.actor, invocation.channel);
    const pinned = parsed.flags.get('org');
    if (pinned !== undefined && pinned !== access?.orgId) return this.deny(name, this.otherOrgButton(invocation, String(pinned), access?.orgId));
    if (!access && !definition.public) {
      return this.deny(name, 'You are not a member of any ComputeHub org here. Ask an admin to add you (member add), or to bind this channel (org bind).');
    }
    if (definition.directOnly && invocation.channel.kind !== 'direct') {
      // Checked before the options are read: the message may carry a secret, and none of it is kept.
      if (definition.mutating && access) {
        await services.identity.audit({ orgId: access.orgId, actor: invocation.actor, command: name, args: name, result: 'refused', message: 'not in a direct message' });
      }
      return {
        ...this.deny(name, `'${name}' carries a secret, so it only works in a direct message with the bot. Send it to me privately; nothing was saved.`),
        deleteMessage: true,
      };
    }
    const orgId = access?.orgId ?? '';
    const role = access?.role ?? 'viewer';
    // Refusals come before option errors: "you may not" helps more than "you typed it wrong".
    const refusal = access ? this.refusal(definition, role) : undefined;
    let options: Record<string, unknown>;
    try {
      options = this.bind(definition, parsed);
    } catch (error) {
      if (!refusal) throw error;
      options = {};
    }
    const audit = (result: 'ok' | 'refused' | 'error', message?: string) =>
      definition.mutating && access ? services.identity.audit({ orgId, actor: invocation.actor, command: name, args: this.describe(definition, options), result, message }) : Promise.resolve();
    if (refusal) {
      await audit('refused', refusal.audit);
      return this.deny(name, refusal.message);
    }
    if (invocation.actor.platform !== 'console' && !this.takeToken(`${invocation.actor.platform}:${invocation.actor.userId}`)) {
      return this.deny(name, 'You are sending commands faster than I can take them. Wait a few seconds and try again.');
    }
    const context: CommandContext = {
      options,
      actor: invocation.actor,
      channel: invocation.channel,
      orgId,
      role,
      projectId: access?.projectId,
      confirmed: parsed.flags.has('yes'),
      progress,
      services,
    };
    if (definition.confirm && !context.confirmed) {
      const preview = await definition.confirm(context);
      if (preview) {
        const line = `${this.describe(definition, options)} --org=${orgId} --yes`;
        return {
          command: name,
          outcome: 'confirm',
          reply: {
            ...preview,
            kind: 'confirm',
            buttons: [
              { label: 'Confirm', command: line, style: 'danger' },
              { label: 'Cancel', command: 'cancel', style: 'secondary' },
            ],
          },
        };
      }
    }
    try {
      const result = await definition.run(context);
      await audit(result.kind === 'error' ? 'error' : 'ok', result.kind === 'error' ? result.text : undefined);
      return { command: name, outcome: result.kind === 'error' ? 'failed' : 'ok', reply: result };
    } catch (error) {
      await audit(error instanceof DeniedError ? 'refused' : 'error', error instanceof UserError ? error.message : 'internal error');
      throw error;
    }
  }

  /** The refusal of a Confirm pressed where another org applies; org names are told only to their members. */
  private otherOrgButton(invocation: Invocation, pinned: string, current: string | undefined): string {
    const { identity, db } = this.services;
    const name = (orgId: string | undefined) => (orgId && identity.roleIn(invocation.actor, orgId) ? db.data.orgs.find((org) => org.id === orgId)?.name : undefined);
    const shown = name(pinned);
    const here = name(current);
    return `This button was shown for ${shown ? `org ${shown}` : 'another org'}${here ? `; here org ${here} applies` : ''}, so nothing was done. Run the command again where you mean it (in direct messages, org use <name> switches your org).`;
  }

  /** Why this role (or this edition) may not run the command, if it may not. */
  private refusal(definition: AnyDefinition, role: Role): { message: string; audit: string } | undefined {
    const name = definition.name;
    if ((definition.mutating && role === 'viewer') || !hasRole(role, definition.role)) {
      const needed = definition.mutating && definition.role === 'viewer' ? 'dev' : definition.role;
      return {
        audit: `role ${role}`,
        message: `'${name}' needs the ${needed} role; you are ${role === 'admin' ? 'an' : 'a'} ${role}. Ask an admin of this org for access (member role).`,
      };
    }
    if (definition.tier === 'pro') {
      const status = this.services.licence.status();
      if (!status.pro) {
        return {
          audit: 'no Pro licence',
          message: `'${name}' is a Pro feature. ${status.reason}\nPro adds: ${PRO_FEATURES.join('; ')}.\nActivate a licence with: licence activate <key>`,
        };
      }
    }
    return undefined;
  }

  private deny(command: string, message: string): Execution {
    return { command, outcome: 'denied', reply: reply.error(message) };
  }

  private failure(error: unknown, definition: AnyDefinition | undefined): Execution {
    const command = definition?.name;
    if (error instanceof UsageError) {
      const usage = definition ? `\nUsage: ${this.usage(definition)}` : '';
      return { command, outcome: 'usage', reply: reply.error(`${error.message}${usage}`) };
    }
    if (error instanceof DeniedError) return { command, outcome: 'denied', reply: reply.error(error.message) };
    if (error instanceof UserError) {
      return { command, outcome: 'failed', reply: reply.error(scrubSecrets(error.hint ? `${error.message}\n${error.hint}` : error.message)) };
    }
    const errorId = randomUUID().slice(0, 8);
    this.services.log.error({ err: error, errorId, command }, 'command crashed');
    return {
      command,
      outcome: 'failed',
      reply: reply.error(`Something went wrong inside ComputeHub while running '${command ?? 'that command'}' (error ${errorId}). It has been logged; try again, and report it if it persists.`),
    };
  }

  /** Turns parsed words into validated option values, or a UsageError naming the argument. */
  private bind(definition: AnyDefinition, parsed: ParsedArgs): Record<string, unknown> {
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
        throw new UsageError(`Unknown option '${arg.key}'.${guess ? ` Did you mean '${guess}'?` : known}`);
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
      throw new UsageError(`I don't know what '${words[0]}' means here. Named values are written key=value.`);
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
          const shown = option.secret ? '' : ` (got '${value.length > 40 ? `${value.slice(0, 40)}…` : value}')`;
          throw new UsageError(`'${key}': ${result.error.issues[0]?.message ?? 'invalid value'}${shown}.`);
        }
        return result.data;
      };
      values[key] = option.compare
        ? given.map((arg): Comparison => ({ op: arg.op, value: parse(arg.value) as number }))
        : parse(given[0]!.value);
    }
    return values;
  }

  /** The invocation in canonical form, with secrets masked: used in audit entries and Confirm buttons. */
  private describe(definition: AnyDefinition, values: Record<string, unknown>): string {
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

  private takeToken(key: string): boolean {
    const now = Date.now();
    const bucket = this.buckets.get(key) ?? { tokens: RATE_LIMIT.burst, at: now };
    bucket.tokens = Math.min(RATE_LIMIT.burst, bucket.tokens + ((now - bucket.at) / 1000) * RATE_LIMIT.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
