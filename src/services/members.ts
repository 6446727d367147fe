// Members of an org and their roles (admin, dev, viewer). An org always keeps at least one admin.
import { UserError } from '#core/errors.ts';
import { isPlatformName } from '#domain/platform-names.ts';
import type { Role } from '#domain/roles.ts';
import type { Db } from '#store/db.ts';
import type { Member } from '#store/schema.ts';

/** "telegram:12345" → its parts; the message says how to write it. */
export function parseMemberRef(reference: string): { platform: string; userId: string } {
  const match = /^(\w+):(\S+)$/.exec(reference.trim());
  if (!match || !isPlatformName(match[1]!.toLowerCase())) {
    throw new UserError(`'${reference}' is not a member reference. Write platform:userId, e.g. telegram:12345 or discord:998877 (whoami shows yours).`);
  }
  return { platform: match[1]!.toLowerCase(), userId: match[2]! };
}

export function orgMembers(db: Db, orgId: string): Member[] {
  return db.data.members.filter((member) => member.orgId === orgId);
}

function findMember(db: Db, orgId: string, reference: string): Member {
  const { platform, userId } = parseMemberRef(reference);
  const found = orgMembers(db, orgId).find((member) => member.platform === platform && member.userId === userId);
  if (!found) throw new UserError(`${reference} is not a member of this org. Add them with: member add ${reference} role=dev`);
  return found;
}

function assertAnotherAdmin(db: Db, orgId: string, member: Member, what: string): void {
  const admins = orgMembers(db, orgId).filter((candidate) => candidate.role === 'admin');
  if (member.role === 'admin' && admins.length <= 1) throw new UserError(`${member.displayName} is the org's only admin, so they cannot be ${what}. Make someone else admin first.`);
}

export async function addMember(db: Db, orgId: string, reference: string, role: Role, displayName: string | undefined, now: Date): Promise<Member> {
  const { platform, userId } = parseMemberRef(reference);
  if (orgMembers(db, orgId).some((member) => member.platform === platform && member.userId === userId)) {
    throw new UserError(`${reference} is already a member. Change their role with: member role ${reference} ${role}`);
  }
  return db.update((data) => {
    const member: Member = { orgId, platform, userId, displayName: displayName ?? reference, role, addedAt: now.toISOString() };
    data.members.push(member);
    return member;
  });
}

export async function setRole(db: Db, orgId: string, reference: string, role: Role): Promise<Member> {
  const member = findMember(db, orgId, reference);
  if (role !== 'admin') assertAnotherAdmin(db, orgId, member, `made ${role}`);
  await db.update(() => {
    member.role = role;
  });
  return member;
}

export async function removeMember(db: Db, orgId: string, reference: string): Promise<Member> {
  const member = findMember(db, orgId, reference);
  assertAnotherAdmin(db, orgId, member, 'removed');
  await db.update((data) => {
    data.members = data.members.filter((candidate) => candidate !== member);
    data.projectChoices = data.projectChoices.filter((entry) => !(entry.orgId === orgId && entry.platform === member.platform && entry.userId === member.userId));
    data.orgChoices = data.orgChoices.filter((entry) => !(entry.orgId === orgId && entry.platform === member.platform && entry.userId === member.userId));
  });
  return member;
}
