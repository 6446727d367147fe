// Who is asking, and with which rights: (platform, user id) → member of an org with a role; a
// shared channel bound to an org gives strangers viewer rights there and sets the default project.
import type { Actor, Channel } from '../core/command.ts';
import type { Role } from '../domain/roles.ts';
import type { Db } from '../store/db.ts';
import { DEFAULT_ORG_ID, type AuditEntry } from '../store/schema.ts';

export interface Access {
  orgId: string;
  role: Role;
  projectId: string;
}

/** The terminal user and the CLI: always admin of the default org. */
export const LOCAL_ACTOR: Actor = { platform: 'console', userId: 'local', displayName: 'local admin' };
export const LOCAL_CHANNEL: Channel = { platform: 'console', id: 'local', kind: 'direct' };

const AUDIT_LIMIT = 10_000;

export class IdentityService {
  constructor(private readonly db: Db, private readonly now: () => Date) {}

  resolve(actor: Actor, channel: Channel): Access | undefined {
    const data = this.db.data;
    if (actor.platform === 'console') {
      const org = data.orgs.find((candidate) => candidate.id === DEFAULT_ORG_ID)!;
      return { orgId: org.id, role: 'admin', projectId: org.defaultProjectId };
    }
    const binding = channel.kind === 'shared' ? data.channels.find((candidate) => candidate.platform === channel.platform && candidate.channelId === channel.id) : undefined;
    const memberships = data.members.filter((member) => member.platform === actor.platform && member.userId === actor.userId);
    if (binding) {
      const member = memberships.find((candidate) => candidate.orgId === binding.orgId);
      return { orgId: binding.orgId, role: member?.role ?? 'viewer', projectId: binding.projectId };
    }
    const member = memberships[0];
    if (!member) return undefined;
    const org = data.orgs.find((candidate) => candidate.id === member.orgId);
    return org ? { orgId: org.id, role: member.role, projectId: org.defaultProjectId } : undefined;
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
    await this.db.update((data) => {
      const id = (data.audit.at(-1)?.id ?? 0) + 1;
      data.audit.push({ id, at: this.now().toISOString(), ...entry });
      if (data.audit.length > AUDIT_LIMIT) data.audit.splice(0, data.audit.length - AUDIT_LIMIT);
    });
  }
}
