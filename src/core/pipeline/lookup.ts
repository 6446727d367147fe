// Step 4: the line parsed with the one grammar (src/core/args.ts) and the command it names, or, for
// `confirm <id>` (what a Confirm button carries), the pending confirmation and the command it pinned.
import { parseArgs, type ParsedArgs } from '../args.ts';
import { echo } from '../bounds.ts';
import { UsageError } from '../errors.ts';
import { usageLine } from '../options.ts';
import { otherOrgRefusal } from '../outcomes.ts';
import { reply } from '../reply.ts';
import type { Execution } from '../invocation.ts';
import { CONFIRM_WORD } from './confirmation.ts';
import { deny, type Step, type Turn } from './turn.ts';

/** Switches understood on every command. `--json` is for the CLI; chat platforms show JSON as code. `--org`: see pinnedOrgRefusal. */
const GLOBAL_FLAGS: readonly string[] = ['yes', 'json', 'org'];

export const lookUp: Step = async (turn, next) => {
  const { commands, invocation } = turn;
  const split = commands.splitRaw(invocation.line);
  const parsed = parseArgs(split.line);
  if (split.rawText) parsed.positionals.push(split.rawText);
  if (commands.canonicalHead(parsed.positionals[0] ?? '') === CONFIRM_WORD) return lookUpConfirmation(turn, parsed, next);
  const { definition, rest } = commands.resolve(parsed);
  turn.definition = definition;
  turn.parsed = rest;
  for (const flag of rest.flags.keys()) {
    if (!GLOBAL_FLAGS.includes(flag)) {
      throw new UsageError(`Unknown switch --${echo(flag)}. Switches every command takes: --yes (skip the confirmation), --json (machine-readable output), --org=<id> (only where that org applies).\nUsage: ${usageLine(definition)}`);
    }
  }
  return next();
};

/** `confirm <id>`: the command its preview pinned, with the pinned options, at most once. */
async function lookUpConfirmation(turn: Turn, parsed: ParsedArgs, next: () => Promise<Execution>): Promise<Execution> {
  const { services, invocation } = turn;
  const { confirmations, identity } = services;
  const access = identity.resolve(invocation.actor, invocation.channel);
  const id = parsed.positionals[1] ?? '';
  const pending = confirmations.find(id, access?.orgId);
  const elsewhere = pending ? undefined : confirmations.orgOf(id);
  if (elsewhere) return deny(elsewhere.command, otherOrgRefusal(services, invocation.actor, elsewhere.orgId, access?.orgId));
  const definition = pending && turn.commands.named(pending.command);
  const problem = confirmations.unusable(definition ? pending : undefined);
  if (problem) {
    // A second press must not replace the result the first one showed: it is told to the presser alone.
    return { command: pending?.command, outcome: problem.problem === 'confirmed' ? 'denied' : 'failed', reply: reply.error(problem.message) };
  }
  turn.definition = definition!;
  turn.parsed = { positionals: [], named: [], flags: new Map() };
  turn.pending = pending;
  return next();
}
