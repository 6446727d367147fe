// The road an invocation takes through the registry, as an ordered list of small steps composed like
// grammY middleware (https://grammy.dev/advanced/middleware): each step reads and fills in the Turn,
// then answers itself or calls `next()` for the rest of the road and may look at what comes back.
// The order is src/core/registry.ts's and docs/ARCHITECTURE.md's "one road".
import type { ParsedArgs } from '../args.ts';
import type { CommandTable, AnyDefinition } from '../command-table.ts';
import type { CommandContext, CommandServices } from '../command.ts';
import type { Execution, Invocation } from '../invocation.ts';
import { describeInvocation } from '../options.ts';
import type { Access, AuditRecord, RegistryServices } from '../ports.ts';
import { reply, type ProgressSink } from '../reply.ts';
import type { PendingConfirmation } from '#domain/confirmations.ts';

/** One invocation on its way: what it came with, and what each step has found out so far. */
export interface Turn {
  readonly invocation: Invocation;
  readonly progress: ProgressSink;
  readonly services: RegistryServices & CommandServices;
  readonly commands: CommandTable;
  /** The command, once looked up (a failure's answer shows its usage line). */
  definition?: AnyDefinition;
  /** The words after the command's name (none when a confirmation is carried out). */
  parsed?: ParsedArgs;
  /** The confirmation being carried out (`confirm <id>`): its pinned options replace typed ones. */
  pending?: PendingConfirmation;
  /** The org that applies and the asker's role there; undefined for a stranger running a public command. */
  access?: Access;
  options?: Record<string, unknown>;
  /** What the handler receives, once the options are bound. */
  context?: CommandContext;
}

/** A turn past the lookup: its command is known. */
export type FoundTurn = Turn & { definition: AnyDefinition; parsed: ParsedArgs };

/** A turn past the option binding: the handler's context is ready. */
export type BoundTurn = FoundTurn & { options: Record<string, unknown>; context: CommandContext };

export type Step = (turn: Turn, next: () => Promise<Execution>) => Promise<Execution>;

/** The steps as one function, first step first; the last one answers without calling `next`. */
export function compose(steps: readonly Step[]): (turn: Turn) => Promise<Execution> {
  const from = (index: number, turn: Turn): Promise<Execution> => {
    const step = steps[index];
    if (!step) return Promise.reject(new Error('The last step of the command road called next()'));
    return step(turn, () => from(index + 1, turn));
  };
  return (turn) => from(0, turn);
}

/** The command, for steps that run after the lookup. */
export function found(turn: Turn): FoundTurn {
  if (!turn.definition || !turn.parsed) throw new Error('A step that needs the command runs before the lookup');
  return turn as FoundTurn;
}

/** The command and its context, for steps that run after the option binding. */
export function bound(turn: Turn): BoundTurn {
  if (!turn.options || !turn.context) throw new Error('A step that needs the options runs before they are bound');
  return found(turn) as BoundTurn;
}

export function deny(command: string, message: string): Execution {
  return { command, outcome: 'denied', reply: reply.error(message) };
}

/** Writes the audit line of a mutating command run by a member; a confirmed run names its confirmation. */
export function auditTurn(turn: FoundTurn, result: AuditRecord['result'], message?: string): Promise<void> {
  const { definition, access, pending, invocation } = turn;
  if (!definition.mutating || !access) return Promise.resolve();
  const confirmedNote = pending && `confirmation ${pending.id}, previewed by ${pending.owner.displayName}`;
  return turn.services.identity.audit({
    orgId: access.orgId,
    actor: invocation.actor,
    command: definition.name,
    args: describeInvocation(definition, turn.options ?? {}),
    result,
    message: [confirmedNote, message].filter(Boolean).join('; ') || undefined,
  });
}
