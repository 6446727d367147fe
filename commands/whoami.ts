import { defineCommand } from '../src/core/command.ts';

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
    const org = services.db.data.orgs.find((candidate) => candidate.id === access.orgId);
    const project = services.db.data.projects.find((candidate) => candidate.id === access.projectId);
    return {
      kind: 'info',
      fields: [
        { name: 'You', value: `${actor.displayName} (${actor.platform}:${actor.userId})` },
        { name: 'Org', value: org?.name ?? access.orgId, inline: true },
        { name: 'Role', value: access.role, inline: true },
        { name: 'Project', value: project?.name ?? access.projectId, inline: true },
      ],
      data: { ...identity, member: true, orgId: access.orgId, role: access.role, projectId: access.projectId },
    };
  },
});
