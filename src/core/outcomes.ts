// What the registry answers when a command may not run (role, licence, another org's button) or failed: one message each,
// saying what happened and what to do.
import { randomUUID } from 'node:crypto';
import type { Actor, CommandDefinition, OptionSpecs } from './command.ts';
import { DeniedError, UsageError, UserError } from './errors.ts';
import { usageLine } from './options.ts';
import { reply } from './reply.ts';
import type { Execution } from './invocation.ts';
import type { RegistryServices } from './ports.ts';
import { PRO_FEATURES } from '#domain/pro.ts';
import { hasRole, type Role } from '#domain/roles.ts';
import type { Logger } from '#src/log.ts';
import { scrubSecrets } from '#src/log.ts';

type AnyDefinition = CommandDefinition<OptionSpecs>;

/** Why this role (or this edition) may not run the command, if it may not. */
export function refusalOf(definition: AnyDefinition, role: Role, licence: RegistryServices['licence']['status']): { message: string; audit: string } | undefined {
  const name = definition.name;
  if ((definition.mutating && role === 'viewer') || !hasRole(role, definition.role)) {
    const needed = definition.mutating && definition.role === 'viewer' ? 'dev' : definition.role;
    return {
      audit: `role ${role}`,
      message: `'${name}' needs the ${needed} role; you are ${role === 'admin' ? 'an' : 'a'} ${role}. Ask an admin of this org for access (member role).`,
    };
  }
  if (definition.tier === 'pro') {
    const status = licence();
    if (!status.pro) {
      return {
        audit: 'no Pro licence',
        message: `'${name}' is a Pro feature. ${status.reason}\nPro adds: ${PRO_FEATURES.join('; ')}.\nActivate a licence with: licence activate <key>`,
      };
    }
  }
  return undefined;
}

/** The answer to an error thrown while running a command; an unexpected one is logged with an id. */
export function failureOf(error: unknown, definition: AnyDefinition | undefined, log: Logger): Execution {
  const command = definition?.name;
  if (error instanceof UsageError) {
    const usage = definition ? `\nUsage: ${usageLine(definition)}` : '';
    return { command, outcome: 'usage', reply: reply.error(`${error.message}${usage}`) };
  }
  if (error instanceof DeniedError) return { command, outcome: 'denied', reply: reply.error(error.message) };
  if (error instanceof UserError) {
    return { command, outcome: 'failed', reply: reply.error(scrubSecrets(error.hint ? `${error.message}\n${error.hint}` : error.message)) };
  }
  const errorId = randomUUID().slice(0, 8);
  log.error({ err: error, errorId, command }, 'command crashed');
  return {
    command,
    outcome: 'failed',
    reply: reply.error(`Something went wrong inside ComputeHub while running '${command ?? 'that command'}' (error ${errorId}). It has been logged; try again, and report it if it persists.`),
  };
}

/** The refusal of a Confirm pressed where another org applies; org names are told only to their members. */
export function otherOrgRefusal(services: Pick<RegistryServices, 'identity' | 'db'>, actor: Actor, pinned: string, current: string | undefined): string {
  const { identity, db } = services;
  const name = (orgId: string | undefined) => (orgId && identity.roleIn(actor, orgId) ? db.data.orgs.find((org) => org.id === orgId)?.name : undefined);
  const shown = name(pinned);
  const here = name(current);
  return `This button was shown for ${shown ? `org ${shown}` : 'another org'}${here ? `; here org ${here} applies` : ''}, so nothing was done. Run the command again where you mean it (in direct messages, org use <name> switches your org).`;
}

/**
 * `--org=<id>` runs a command only where that org applies. An alert's buttons carry it, so they act
 * on the instance the alert named, never on another org's instance of the same id.
 */
export function pinnedOrgRefusal(services: Pick<RegistryServices, 'identity' | 'db'>, actor: Actor, pinned: string | true | undefined, current: string | undefined): string | undefined {
  if (pinned === undefined) return undefined;
  if (pinned === true) throw new UsageError("--org needs the org's id, e.g. --org=default.");
  return pinned === current ? undefined : otherOrgRefusal(services, actor, pinned, current);
}
