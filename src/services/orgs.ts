// Orgs: each has its own members, projects, instances, provider keys, costs and audit log. Operators
// (admins of the default org) create them; a person may belong to several and picks one with `org use`.
import { UserError } from '#core/errors.ts';
import type { Actor } from '#core/command.ts';
import type { Db } from '#store/db.ts';
import type { Database, Member, Org } from '#store/schema.ts';
import type { IdentityService } from './identity.ts';

const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;

function normaliseOrgName(name: string): string {
  const normalised = name.trim().toLowerCase();
  if (!NAME.test(normalised)) throw new UserError(`'${name}' is not an org name: use up to 40 lower-case letters, digits and dashes, e.g. acme-research.`);
  return normalised;
}

function named(org: Org, wanted: string): boolean {
  return org.name.toLowerCase() === wanted || org.id === wanted;
}

export function orgName(data: Database, orgId: string): string {
  return data.orgs.find((org) => org.id === orgId)?.name ?? orgId;
}

/** The orgs this person belongs to, with their role, oldest membership first. */
export function myOrgs(data: Database, identity: IdentityService, person: Pick<Actor, 'platform' | 'userId'>) {
  return identity.memberships(person).map((membership) => ({ org: data.orgs.find((org) => org.id === membership.orgId)!, role: membership.role }));
}

/**
 * One of this person's orgs, by name. Orgs they do not belong to get the same answer as orgs that do
 * not exist, so names of other teams are never confirmed.
 */
export function findMyOrg(data: Database, identity: IdentityService, person: Pick<Actor, 'platform' | 'userId'>, name: string) {
  const wanted = name.trim().toLowerCase();
  const mine = myOrgs(data, identity, person);
  const found = mine.find((entry) => named(entry.org, wanted));
  if (!found) throw new UserError(`You are not a member of an org named '${name}'. Your orgs: ${mine.map((entry) => entry.org.name).join(', ') || 'none'}.`);
  return found;
}

/**
 * Creates an org with its default project; the creator (and `admin`, when given) become its admins.
 * Ids are `org1`, `org2`, ... (no dashes), so project ids `<org id>-<project name>` never collide.
 */
export async function createOrg(db: Db, request: { name: string; creator: Actor; admin?: { platform: string; userId: string } | undefined; now: Date }): Promise<Org> {
  const name = normaliseOrgName(request.name);
  if (db.data.orgs.some((org) => named(org, name))) throw new UserError(`An org named '${name}' exists already. Choose another name.`);
  return db.update((data) => {
    const numbers = data.orgs.map((org) => /^org(\d+)$/.exec(org.id)?.[1]).filter((digits) => digits !== undefined).map(Number);
    const id = `org${Math.max(0, ...numbers) + 1}`;
    const at = request.now.toISOString();
    const { creator } = request;
    const org: Org = { id, name, createdAt: at, defaultProjectId: `${id}-default`, createdBy: `${creator.platform}:${creator.userId}` };
    data.orgs.push(org);
    data.projects.push({ id: org.defaultProjectId, orgId: id, name: 'default', createdAt: at });
    const admins: Member[] = [{ orgId: id, platform: creator.platform, userId: creator.userId, displayName: creator.displayName, role: 'admin', addedAt: at }];
    const extra = request.admin;
    if (extra && !(extra.platform === creator.platform && extra.userId === creator.userId)) {
      admins.push({ orgId: id, ...extra, displayName: `${extra.platform}:${extra.userId}`, role: 'admin', addedAt: at });
    }
    data.members.push(...admins);
    return org;
  });
}
