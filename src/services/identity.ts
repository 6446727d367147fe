// Who is asking, and with which rights: (platform, user id) → member of one or more orgs, each with a
// role. A shared channel bound to an org decides the org there (strangers are its viewers) and the
// default project; elsewhere the person's current org (`org use`) applies.
import { LOCAL_ACTOR, type Actor, type Channel } from '#core/command.ts';
import type { Access } from '#core/ports.ts';
import type { Role } from '#domain/roles.ts';
import type { Db } from '#store/db.ts';
import { DEFAULT_ORG_ID, type AuditEntry, type ChannelBinding, type Member } from '#store/schema.ts';

export interface Membership {
  orgId: string;
  role: Role;
}

type Person = Pick<Actor, 'platform' | 'userId'>;

export class IdentityService {
  constructor(private readonly db: Db, private readonly now: () => Date) {}

  /** Which org applies and with which role: a bound channel's org, else the person's current org. */
  resolve(actor: Actor, channel: Channel): Access | undefined {
    const data = this.db.data;
    const memberships = this.memberships(actor);
    const binding = this.bindingOf(channel);
    if (binding) return { orgId: binding.orgId, role: memberships.find((membership) => membership.orgId === binding.orgId)?.role ?? 'viewer', projectId: binding.projectId };
    const current = this.current(actor, memberships);
    const org = current && data.orgs.find((candidate) => candidate.id === current.orgId);
    return org ? { orgId: org.id, role: current.role, projectId: org.defaultProjectId } : undefined;
  }

  /** The org binding of a shared channel, if it has one. */
  bindingOf(channel: Channel): ChannelBinding | undefined {
    if (channel.kind !== 'shared') return undefined;
    return this.db.data.channels.find((candidate) => candidate.platform === channel.platform && candidate.channelId === channel.id);
  }

  /** Every org this person belongs to, oldest membership first. The terminal is admin of the default org. */
  memberships(person: Person): Membership[] {
    const data = this.db.data;
    const stored = data.members
      .filter((member) => member.platform === person.platform && member.userId === person.userId && data.orgs.some((org) => org.id === member.orgId))
      .map((member) => ({ orgId: member.orgId, role: member.role }));
    if (person.platform !== LOCAL_ACTOR.platform) return stored;
    return [{ orgId: DEFAULT_ORG_ID, role: 'admin' }, ...stored.filter((membership) => membership.orgId !== DEFAULT_ORG_ID)];
  }

  roleIn(person: Person, orgId: string): Role | undefined {
    return this.memberships(person).find((membership) => membership.orgId === orgId)?.role;
  }

  /** Where no bound channel decides: the org chosen with `org use` while they still belong to it, else their first. */
  private current(person: Person, memberships: Membership[]): Membership | undefined {
    const choice = this.db.data.orgChoices.find((entry) => entry.platform === person.platform && entry.userId === person.userId);
    return memberships.find((membership) => membership.orgId === choice?.orgId) ?? memberships[0];
  }

  async useOrg(person: Person, orgId: string): Promise<void> {
    await this.db.update((data) => {
      data.orgChoices = data.orgChoices.filter((entry) => !(entry.platform === person.platform && entry.userId === person.userId));
      data.orgChoices.push({ platform: person.platform, userId: person.userId, orgId });
    });
  }

  /** Members added by reference (member add telegram:12345) are shown by their own name once they use the bot. */
  async learnName(actor: Actor): Promise<void> {
    const reference = `${actor.platform}:${actor.userId}`;
    const unnamed = (member: Member) => member.platform === actor.platform && member.userId === actor.userId && member.displayName === reference;
    if (actor.displayName === reference || !this.db.data.members.some(unnamed)) return;
    await this.db.update((data) => {
      for (const member of data.members) if (unnamed(member)) member.displayName = actor.displayName;
    });
  }

  /** Operators run the install and may create orgs: the admins of the default org (terminal, COMPUTEHUB_ADMINS, the claimer). */
  isOperator(person: Person): boolean {
    return this.roleIn(person, DEFAULT_ORG_ID) === 'admin';
  }

  /** Makes the listed users admins of the default org (COMPUTEHUB_ADMINS). */
  async ensureAdmins(admins: readonly { platform: string; userId: string }[]): Promise<void> {
    const missing = admins.filter(
      (admin) => !this.db.data.members.some((member) => member.orgId === DEFAULT_ORG_ID && member.platform === admin.platform && member.userId === admin.userId && member.role === 'admin'),
    );
    if (missing.length === 0) return;
    await this.db.update((data) => {
      for (const admin of missing) {
        const existing = data.members.find((member) => member.orgId === DEFAULT_ORG_ID && member.platform === admin.platform && member.userId === admin.userId);
        if (existing) existing.role = 'admin';
        else data.members.push({ orgId: DEFAULT_ORG_ID, ...admin, displayName: `${admin.platform}:${admin.userId}`, role: 'admin', addedAt: this.now().toISOString() });
      }
    });
  }

  async audit(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<void> {
    await this.db.series.audit.append({ at: this.now().toISOString(), ...entry });
  }
}
