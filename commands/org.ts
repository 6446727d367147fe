import { defineCommand, defineGroup, opt } from '../src/core/command.ts';
import { UserError } from '../src/core/errors.ts';

export const orgGroup = defineGroup({ name: 'org', summary: 'Your org, and the channels bound to it', defaultSubcommand: 'info' });

export const orgInfo = defineCommand({
  name: 'org info',
  summary: 'Show your org: members, projects and bound channels',
  examples: ['org', 'org info'],
  options: {},
  role: 'viewer',
  mutating: false,
  tier: 'free',
  run({ orgId, services }) {
    const data = services.db.data;
    const org = data.orgs.find((candidate) => candidate.id === orgId)!;
    const members = data.members.filter((member) => member.orgId === orgId);
    const projects = data.projects.filter((project) => project.orgId === orgId);
    const channels = data.channels.filter((channel) => channel.orgId === orgId);
    return {
      kind: 'info',
      title: `Org ${org.name}`,
      fields: [
        { name: 'Members', value: String(members.length), inline: true },
        { name: 'Projects', value: projects.map((project) => project.name).join(', ') || 'none', inline: true },
        { name: 'Bound channels', value: channels.map((channel) => `${channel.platform}:${channel.channelId}`).join(', ') || 'none', inline: true },
      ],
      data: { org, members: members.length, projects: projects.map((project) => project.name), channels },
    };
  },
});

export const orgBind = defineCommand({
  name: 'org bind',
  summary: 'Bind this channel to your org (and a default project): members of the channel may look, as viewers',
  examples: ['org bind', 'org bind project=research'],
  options: { project: opt.string('the project new instances from this channel belong to (default: the org\'s default project)') },
  role: 'admin',
  mutating: true,
  tier: 'free',
  async run({ options, orgId, channel, actor, services }) {
    if (channel.kind !== 'shared') throw new UserError('org bind works in a shared channel (a group, channel or server), not in a direct message. Send it in the channel you want to bind.');
    const data = services.db.data;
    const projects = data.projects.filter((project) => project.orgId === orgId);
    const project = options.project ? projects.find((candidate) => candidate.name.toLowerCase() === options.project!.toLowerCase()) : projects.find((candidate) => candidate.id === data.orgs.find((org) => org.id === orgId)!.defaultProjectId);
    if (!project) throw new UserError(`There is no project '${options.project}'. Projects: ${projects.map((candidate) => candidate.name).join(', ')}.`);
    await services.db.update((draft) => {
      draft.channels = draft.channels.filter((binding) => !(binding.platform === channel.platform && binding.channelId === channel.id));
      draft.channels.push({ platform: channel.platform, channelId: channel.id, orgId, projectId: project.id, boundAt: services.now().toISOString(), boundBy: `${actor.platform}:${actor.userId}` });
    });
    return {
      kind: 'success',
      text: `This channel is bound to your org, project ${project.name}. Everyone here can now list prices, instances and cost as a viewer; admins can give more with member role.`,
      data: { channel: channel.id, project: project.name },
    };
  },
});

export const orgUnbind = defineCommand({
  name: 'org unbind',
  summary: 'Unbind this channel: people here lose viewer access',
  examples: ['org unbind'],
  options: {},
  role: 'admin',
  mutating: true,
  tier: 'free',
  async run({ channel, orgId, services }) {
    const bound = services.db.data.channels.some((binding) => binding.platform === channel.platform && binding.channelId === channel.id && binding.orgId === orgId);
    if (!bound) throw new UserError('This channel is not bound to your org.');
    await services.db.update((draft) => {
      draft.channels = draft.channels.filter((binding) => !(binding.platform === channel.platform && binding.channelId === channel.id));
    });
    return { kind: 'success', text: 'This channel is no longer bound. Members keep their own roles.', data: { channel: channel.id } };
  },
});
