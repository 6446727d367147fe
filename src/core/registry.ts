// The command registry: the one road every invocation takes, whatever platform it came from. The road
// is an ordered list of small steps in src/core/pipeline/, composed like grammY middleware; handlers
// only ever see validated options. A Confirm button carries `confirm <id>`: it runs what that preview
// pinned, once, before it expires.
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimit } from './bounds.ts';
import { CommandTable, type AnyDefinition } from './command-table.ts';
import type { CommandGroup, CommandServices } from './command.ts';
import type { Execution, Invocation } from './invocation.ts';
import { usageLine } from './options.ts';
import type { RegistryServices } from './ports.ts';
import type { ProgressSink } from './reply.ts';
import { SecretLines } from './secret-lines.ts';
import { audit } from './pipeline/audit.ts';
import { confirmation } from './pipeline/confirmation.ts';
import { directOnly } from './pipeline/direct-only.ts';
import { answerFailures } from './pipeline/failures.ts';
import { identify } from './pipeline/identity.ts';
import { lookUp } from './pipeline/lookup.ts';
import { optionBinding } from './pipeline/options.ts';
import { rateLimit } from './pipeline/rate-limit.ts';
import { roleAndLicence } from './pipeline/role-licence.ts';
import { runCommand } from './pipeline/run.ts';
import { hideSecretLines } from './pipeline/secret-lines.ts';
import { compose, type Turn } from './pipeline/turn.ts';

export type { Execution, Invocation, Outcome } from './invocation.ts';

export class CommandRegistry {
  private readonly table: CommandTable;
  private readonly road: (turn: Turn) => Promise<Execution>;

  constructor(
    definitions: readonly AnyDefinition[],
    groups: readonly CommandGroup[],
    private readonly services: RegistryServices & CommandServices,
    limit: Partial<RateLimit> = {},
  ) {
    this.table = new CommandTable(definitions, groups);
    const limiter = new RateLimiter({ ...DEFAULT_RATE_LIMIT, ...limit }, () => services.now().getTime());
    this.road = compose([
      hideSecretLines(new SecretLines(definitions, groups)),
      answerFailures,
      rateLimit(limiter),
      lookUp,
      identify,
      directOnly,
      roleAndLicence,
      optionBinding,
      confirmation,
      audit,
      runCommand,
    ]);
  }

  /** Every command, in definition order. */
  definitions(): AnyDefinition[] {
    return this.table.definitions();
  }

  groupList(): CommandGroup[] {
    return this.table.groupList();
  }

  /** Finds a command or group by what a user typed (`help licence`, `help prices`). */
  lookup(words: string[]): { definition?: AnyDefinition; group?: CommandGroup } {
    return this.table.lookup(words);
  }

  subcommands(group: string): AnyDefinition[] {
    return this.table.subcommands(group);
  }

  usage(definition: AnyDefinition): string {
    return usageLine(definition);
  }

  execute(invocation: Invocation, progress: ProgressSink = async () => undefined): Promise<Execution> {
    return this.road({ invocation, progress, services: this.services, commands: this.table });
  }
}
