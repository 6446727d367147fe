// What the command registry needs from the services, declared here so src/core never imports them
// (docs/ARCHITECTURE.md, "Rooms and their doors"): IdentityService, ConfirmationService and
// LicenceService fit these shapes as they are, and src/app.ts hands them in.
import type { Actor, Channel } from './command.ts';
import type { Pins, PendingConfirmation } from '#domain/confirmations.ts';
import type { Role } from '#domain/roles.ts';
import type { Logger } from '#src/log.ts';

/** Which org applies to a request, and the asker's role and default project there. */
export interface Access {
  orgId: string;
  role: Role;
  projectId: string;
}

/** One line of the audit log, as the registry writes it. */
export interface AuditRecord {
  orgId: string;
  actor: Actor;
  command: string;
  args: string;
  result: 'ok' | 'refused' | 'error';
  message?: string | undefined;
}

export interface NewConfirmation {
  id: string;
  orgId: string;
  owner: Actor;
  command: string;
  previewLine: string;
  line: string;
  options: Record<string, unknown>;
  pins: Pins;
}

/** Why a confirmation cannot be carried out. */
export type Unusable = { problem: 'unknown' | 'confirmed' | 'cancelled' | 'expired'; message: string };

export interface RegistryServices {
  log: Logger;
  now: () => Date;
  identity: {
    resolve(actor: Actor, channel: Channel): Access | undefined;
    learnName(actor: Actor): Promise<void>;
    roleIn(person: Pick<Actor, 'platform' | 'userId'>, orgId: string): Role | undefined;
    audit(entry: AuditRecord): Promise<void>;
  };
  confirmations: {
    readonly lifetimeMs: number;
    newId(): string;
    create(pending: NewConfirmation): Promise<PendingConfirmation>;
    find(id: string, orgId: string | undefined): PendingConfirmation | undefined;
    orgOf(id: string): { orgId: string; command: string } | undefined;
    unusable(record: PendingConfirmation | undefined): Unusable | undefined;
    take(record: PendingConfirmation, by: Actor): Promise<boolean>;
  };
  licence: { status(): { pro: true } | { pro: false; reason: string } };
  /** Org names, for the refusal of a button pressed where another org applies. */
  db: { data: { orgs: readonly { id: string; name: string }[] } };
}
