import { defineCommand, defineGroup, opt } from '#core/command.ts';
import { ROLES } from '#domain/roles.ts';
import { addMember, orgMembers, removeMember, setRole } from '#services/members.ts';
import { orgName } from '#services/orgs.ts';

export const memberGroup = defineGroup({ name: 'member', summary: 'Members of your org and their roles (admin, dev, viewer)', aliases: ['members'], defaultSubcommand: 'list' });

const who = opt.string('the person as platform:userId, e.g. telegram:12345 (they can see theirs with whoami)', { required: true, positional: true });

export const memberList = defineCommand({
  name: 'member list',
  summary: "List your org's members and roles",
  examples: ['member list'],
  options: {},
  role: 'viewer',
  mutating: false,
  tier: 'free',
  run({ services, orgId }) {
    const members = orgMembers(services.db, orgId);
    return {
      kind: 'info',
      title: 'Members',
      table: { columns: [{ header: 'Member' }, { header: 'Name' }, { header: 'Role' }], rows: members.map((member) => [`${member.platform}:${member.userId}`, member.displayName, member.role]) },
      footer: 'admin: everything · dev: deploy, start, stop, destroy · viewer: list and see cost',
      data: { members },
    };
  },
});

export const memberAdd = defineCommand({
  name: 'member add',
  summary: 'Add someone to the org you work in, with a role',
  examples: ['member add telegram:12345 role=dev name=Ana', 'member add discord:998877 role=viewer'],
  options: {
    who,
    role: opt.choice(ROLES, 'their role (default dev)'),
    name: opt.string('how to show them', { maxLength: 60 }),
  },
  role: 'admin',
  mutating: true,
  tier: 'free',
  async run({ services, orgId, options }) {
    const member = await addMember(services.db, orgId, options.who, options.role ?? 'dev', options.name, services.now());
    return { kind: 'success', text: `${member.displayName} is now ${member.role === 'admin' ? 'an' : 'a'} ${member.role} of org ${orgName(services.db.data, orgId)}.`, data: { member } };
  },
});

export const memberRole = defineCommand({
  name: 'member role',
  summary: "Change a member's role",
  examples: ['member role telegram:12345 viewer'],
  options: { who, role: opt.choice(ROLES, 'the new role', { required: true, positional: true }) },
  role: 'admin',
  mutating: true,
  tier: 'free',
  async run({ services, orgId, options }) {
    const member = await setRole(services.db, orgId, options.who, options.role);
    return { kind: 'success', text: `${member.displayName} is now ${member.role === 'admin' ? 'an' : 'a'} ${member.role}.`, data: { member } };
  },
});

export const memberRemove = defineCommand({
  name: 'member remove',
  summary: 'Remove someone from your org',
  examples: ['member remove telegram:12345'],
  options: { who },
  role: 'admin',
  mutating: true,
  tier: 'free',
  async run({ services, orgId, options }) {
    const member = await removeMember(services.db, orgId, options.who);
    return { kind: 'success', text: `${member.displayName} was removed from org ${orgName(services.db.data, orgId)}. Their instances stay, billed to their projects.`, data: { member } };
  },
});
