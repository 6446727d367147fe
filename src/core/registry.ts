// The command registry: the one road every invocation takes, whatever platform it came from.
// bounds (rate limit, line length, secrets in shared chats) → parse (one grammar) → find the command
// → who is asking → validate → role, licence, direct-only → confirmation → run → audit. Handlers only
// ever see validated options. A Confirm button carries `confirm <id>`: it runs what that preview
// pinned, once, before it expires.
import { parseArgs, type ParsedArgs } from './args.ts';
import { DEFAULT_RATE_LIMIT, echo, MAX_LINE_CHARACTERS, RateLimiter, type RateLimit } from './bounds.ts';
import type { Actor, Channel, CommandContext, CommandDefinition, CommandGroup, OptionSpecs } from './command.ts';
import { DeniedError, UsageError, UserError } from './errors.ts';
import { failureOf, otherOrgRefusal, pinnedOrgRefusal, refusalOf } from './outcomes.ts';
import { bindOptions, describeInvocation, usageLine } from './options.ts';
import { reply, type ProgressSink, type Reply } from './reply.ts';
import { SecretLines } from './secret-lines.ts';
import { nearest } from '../domain/suggest.ts';
import type { Services } from '../app.ts';
import type { PendingConfirmation } from '../store/confirmation-schema.ts';

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
  /** The message may carry a secret into a shared channel: the platform should delete it where it can. */
  deleteMessage?: boolean;
}

/** Switches understood on every command. `--json` is for the CLI; chat platforms show JSON as code. `--org`: see pinnedOrgRefusal. */
const GLOBAL_FLAGS = ['yes', 'json', 'org'] as const;

/** The line a Confirm button carries: `confirm <id>`. Not a command of its own: the registry runs the pinned one. */
const CONFIRM_WORD = 'confirm';

/** A --switch at the end of a line, after a command's raw text. */
const TRAILING_SWITCH = /\s(--[A-Za-z][\w-]*(?:=\S*)?)\s*$/;

type AnyDefinition = CommandDefinition<OptionSpecs>;

export class CommandRegistry {
  private readonly byName = new Map<string, AnyDefinition>();
  private readonly groups = new Map<string, CommandGroup>();
  private readonly groupAliases = new Map<string, string>();
  private readonly limiter: RateLimiter;
  private readonly secretLines: SecretLines;

  constructor(
    definitions: readonly AnyDefinition[],
    groups: readonly CommandGroup[],
    private readonly services: Services,
    rateLimit: Partial<RateLimit> = {},
  ) {
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
    this.secretLines = new SecretLines(definitions, groups);
    this.limiter = new RateLimiter({ ...DEFAULT_RATE_LIMIT, ...rateLimit }, () => services.now().getTime());
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
    return usageLine(definition);
  }

  async execute(invocation: Invocation, progress: ProgressSink = async () => undefined): Promise<Execution> {
    const started = Date.now();
    // Decided from the raw line, before anything else: whoever sent it, whatever becomes of it.
    const carriesSecret = invocation.channel.kind === 'shared' && this.secretLines.carriesSecret(invocation.line);
    let definition: AnyDefinition | undefined;
    let execution: Execution;
    try {
      execution = await this.bounded(invocation, async () => {
        const split = this.splitRaw(invocation.line);
        const parsed = parseArgs(split.line);
        if (split.rawText) parsed.positionals.push(split.rawText);
        if (this.canonicalHead(parsed.positionals[0] ?? '') === CONFIRM_WORD) return this.carryOut(parsed, invocation, progress, (found) => (definition = found));
        const found = this.resolve(parsed);
        definition = found.definition;
        return this.run(found.definition, found.rest, invocation, progress);
      });
    } catch (error) {
      execution = failureOf(error, definition, this.services.log);
    }
    this.services.log.info({ command: execution.command ?? definition?.name, outcome: execution.outcome, ms: Date.now() - started, platform: invocation.channel.platform }, 'command');
    if (!carriesSecret) return execution;
    const { reply: answer } = execution;
    return { ...execution, reply: answer.text ? { ...answer, text: this.secretLines.mask(answer.text, invocation.line) } : answer, deleteMessage: true };
  }

  /** The per-person rate limit and the line cap, checked before the line is even parsed. */
  private async bounded(invocation: Invocation, work: () => Promise<Execution>): Promise<Execution> {
    const { actor, line } = invocation;
    if (actor.platform !== 'console' && !this.limiter.take(`${actor.platform}:${actor.userId}`)) {
      return { outcome: 'denied', reply: reply.error('You are sending commands faster than I can take them. Wait a few seconds and try again.') };
    }
    if (line.length > MAX_LINE_CHARACTERS) {
      return {
        outcome: 'usage',
        reply: reply.error(`That line is ${line.length.toLocaleString('en-US')} characters long; a command may be at most ${MAX_LINE_CHARACTERS.toLocaleString('en-US')}. Nothing was run. Shorten it (e.g. fewer ids per batch).`),
      };
    }
    return work();
  }

  /** For a command with a `raw` option: its words and trailing switches to parse, and the raw text apart. */
  private splitRaw(line: string): { line: string; rawText?: string } {
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

  /** Runs `confirm <id>`: the command its preview pinned, with the pinned options, at most once. */
  private async carryOut(parsed: ParsedArgs, invocation: Invocation, progress: ProgressSink, found: (definition: AnyDefinition) => void): Promise<Execution> {
    const { confirmations, identity } = this.services;
    const access = identity.resolve(invocation.actor, invocation.channel);
    const id = parsed.positionals[1] ?? '';
    const pending = confirmations.find(id, access?.orgId);
    const elsewhere = pending ? undefined : confirmations.orgOf(id);
    if (elsewhere) return this.deny(elsewhere.command, otherOrgRefusal(this.services, invocation.actor, elsewhere.orgId, access?.orgId));
    const definition = pending && this.byName.get(pending.command);
    const problem = confirmations.unusable(definition ? pending : undefined);
    if (problem) {
      // A second press must not replace the result the first one showed: it is told to the presser alone.
      return { command: pending?.command, outcome: problem.problem === 'confirmed' ? 'denied' : 'failed', reply: reply.error(problem.message) };
    }
    found(definition!);
    return this.run(definition!, { positionals: [], named: [], flags: new Map() }, invocation, progress, pending);
  }

  /** Runs a command; `pending` is the confirmation being carried out, whose pinned options replace the typed ones. */
  private async run(definition: AnyDefinition, parsed: ParsedArgs, invocation: Invocation, progress: ProgressSink, pending?: PendingConfirmation): Promise<Execution> {
    const { services } = this;
    const name = definition.name;
    for (const flag of parsed.flags.keys()) {
      if (!(GLOBAL_FLAGS as readonly string[]).includes(flag)) {
        throw new UsageError(`Unknown switch --${echo(flag)}. Switches every command takes: --yes (skip the confirmation), --json (machine-readable output), --org=<id> (only where that org applies).\nUsage: ${this.usage(definition)}`);
      }
    }
    const access = services.identity.resolve(invocation.actor, invocation.channel);
    if (!access && !definition.public) {
      return this.deny(name, 'You are not a member of any ComputeHub org here. Ask an admin to add you (member add), or to bind this channel (org bind).');
    }
    const elsewhere = pinnedOrgRefusal(services, invocation.actor, parsed.flags.get('org'), access?.orgId);
    if (elsewhere) return this.deny(name, elsewhere);
    if (access) await services.identity.learnName(invocation.actor);
    if (definition.directOnly && invocation.channel.kind !== 'direct') {
      // Checked before the options are read: the message may carry a secret, and none of it is kept.
      if (definition.mutating && access) {
        await services.identity.audit({ orgId: access.orgId, actor: invocation.actor, command: name, args: name, result: 'refused', message: 'not in a direct message' });
      }
      return this.deny(name, `'${name}' carries a secret, so it only works in a direct message with the bot. Send it to me privately; nothing was saved.`);
    }
    const orgId = access?.orgId ?? '';
    const role = access?.role ?? 'viewer';
    // Refusals come before option errors: "you may not" helps more than "you typed it wrong".
    const refusal = access ? refusalOf(definition, role, () => services.licence.status()) : undefined;
    let options: Record<string, unknown>;
    try {
      options = pending ? { ...pending.options } : bindOptions(definition, parsed);
    } catch (error) {
      if (!refusal) throw error;
      options = {};
    }
    const confirmedNote = pending && `confirmation ${pending.id}, previewed by ${pending.owner.displayName}`;
    const audit = (result: 'ok' | 'refused' | 'error', message?: string) =>
      definition.mutating && access
        ? services.identity.audit({ orgId, actor: invocation.actor, command: name, args: describeInvocation(definition, options), result, message: [confirmedNote, message].filter(Boolean).join('; ') || undefined })
        : Promise.resolve();
    if (refusal) {
      await audit('refused', refusal.audit);
      return this.deny(name, refusal.message);
    }
    if (pending && !(await services.confirmations.take(pending, invocation.actor))) {
      return this.deny(name, services.confirmations.unusable(pending)?.message ?? 'This confirmation was already used.');
    }
    const context: CommandContext = {
      options,
      actor: invocation.actor,
      channel: invocation.channel,
      orgId,
      role,
      projectId: access?.projectId,
      confirmed: pending !== undefined || parsed.flags.has('yes'),
      confirmationId: pending?.id,
      pins: { ...pending?.pins },
      progress,
      services,
    };
    if (definition.confirm && !context.confirmed) {
      const previewLine = describeInvocation(definition, options);
      context.confirmationId = services.confirmations.newId();
      const preview = await definition.confirm(context);
      if (preview) return this.ask(definition, context, preview, previewLine);
      context.confirmationId = undefined;
    }
    try {
      const result = await definition.run(context);
      if (result.kind === 'confirm') {
        // What was pinned no longer holds (the price rose): a fresh preview, a fresh confirmation.
        context.confirmationId = services.confirmations.newId();
        return this.ask(definition, context, result, pending?.previewLine ?? describeInvocation(definition, options));
      }
      await audit(result.kind === 'error' ? 'error' : 'ok', result.kind === 'error' ? result.text : undefined);
      return { command: name, outcome: result.kind === 'error' ? 'failed' : 'ok', reply: result };
    } catch (error) {
      await audit(error instanceof DeniedError ? 'refused' : 'error', error instanceof UserError ? error.message : 'internal error');
      throw error;
    }
  }

  /** Stores what the preview pinned and answers with it and its Confirm / Cancel buttons. */
  private async ask(definition: AnyDefinition, context: CommandContext, preview: Reply, previewLine: string): Promise<Execution> {
    const { confirmations } = this.services;
    const pending = await confirmations.create({
      id: context.confirmationId!,
      orgId: context.orgId,
      owner: context.actor,
      command: definition.name,
      previewLine,
      line: describeInvocation(definition, context.options),
      options: context.options,
      pins: context.pins,
    });
    const minutes = Math.round(confirmations.lifetimeMs / 60_000);
    const note = `Confirm within ${minutes} minutes: it does exactly what is shown, once.`;
    return {
      command: definition.name,
      outcome: 'confirm',
      reply: {
        ...preview,
        kind: 'confirm',
        footer: preview.footer ? `${preview.footer} · ${note}` : note,
        buttons: [
          { label: 'Confirm', command: `${CONFIRM_WORD} ${pending.id}`, style: 'danger' },
          { label: 'Cancel', command: `cancel ${pending.id}`, style: 'secondary' },
        ],
      },
    };
  }

  private deny(command: string, message: string): Execution {
    return { command, outcome: 'denied', reply: reply.error(message) };
  }
}
