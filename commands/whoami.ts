import { defineCommand } from '#core/command.ts';
import { myOrgs } from '#services/orgs.ts';
import { currentProjectId } from '#services/projects.ts';

export const whoami = defineCommand({
  name: 'whoami',
  summary: 'Show who you are to ComputeHub: org, role and project',
  examples: ['whoami'],
  options: {},
  role: 'viewer',
  mutating: false,
  tier: 'free',
  public: true,
  run({ actor, channel, services }) {
    const access = services.identity.resolve(actor, channel);
    const identity = { platform: actor.platform, userId: actor.userId, displayName: actor.displayName };
    if (!access) {
      return { kind: 'info', text: `You are ${actor.displayName} (${actor.platform}:${actor.userId}) and not a member of any org here yet. Ask an admin to add you.`, data: { ...identity, member: false } };
    }
    const data = services.db.data;
    const org = data.orgs.find((candidate) => candidate.id === access.orgId)!;
    const projectId = currentProjectId(data, { orgId: access.orgId, platform: actor.platform, userId: actor.userId, fallback: access.projectId });
    const project = data.projects.find((candidate) => candidate.id === projectId);
    const orgs = myOrgs(data, services.identity, actor).map((entry) => ({ name: entry.org.name, role: entry.role }));
    const bound = services.identity.bindingOf(channel) !== undefined;
    return {
      kind: 'info',
      fields: [
        { name: 'You', value: `${actor.displayName} (${actor.platform}:${actor.userId})` },
        { name: 'Org', value: `${org.name}${bound ? ' (this channel is bound to it)' : ''}`, inline: true },
        { name: 'Role', value: access.role, inline: true },
        { name: 'Project', value: project?.name ?? projectId, inline: true },
        ...(orgs.length > 1 ? [{ name: 'Your orgs', value: `${orgs.map((entry) => `${entry.name} (${entry.role})`).join(', ')} · switch with: org use <name>` }] : []),
      ],
      data: { ...identity, member: true, orgId: access.orgId, org: org.name, role: access.role, projectId, orgs },
    };
  },
});
