import { defineCommand, defineGroup, opt } from '#core/command.ts';
import { DeniedError, UserError } from '#core/errors.ts';
import { parseMemberRef } from '#services/members.ts';
import { createOrg, findMyOrg, myOrgs, orgName } from '#services/orgs.ts';

export const orgGroup = defineGroup({ name: 'org', summary: 'Your orgs, which one you work in, and the channels bound to them', defaultSubcommand: 'info' });

export const orgInfo = defineCommand({
  name: 'org info',
  summary: 'Show your current org: members, projects and bound channels',
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

export const orgList = defineCommand({
  name: 'org list',
  summary: 'List the orgs you belong to, your role in each, and which one you work in',
  examples: ['org list'],
  options: {},
  role: 'viewer',
  mutating: false,
  tier: 'free',
  run({ actor, orgId, services }) {
    const orgs = myOrgs(services.db.data, services.identity, actor).map(({ org, role }) => ({ id: org.id, name: org.name, role, current: org.id === orgId }));
    return {
      kind: 'info',
      title: 'Your orgs',
      table: { columns: [{ header: 'Org' }, { header: 'Your role' }, { header: '' }], rows: orgs.map((org) => [org.name, org.role, org.current ? '← here' : '']) },
      footer: 'Switch with: org use <name> (a channel bound to an org always works in that org)',
      data: { orgs },
    };
  },
});

export const orgCreate = defineCommand({
  name: 'org create',
  summary: 'Create an org (operators only): its own members, keys, instances and costs',
  description:
    'Operators are the admins of the default org: the terminal, COMPUTEHUB_ADMINS and whoever claimed the install. You become an admin of the new org; admin= names another admin, e.g. the team lead.',
  examples: ['org create acme', 'org create acme admin=telegram:12345'],
  options: {
    name: opt.string('the org name: lower-case letters, digits and dashes', { required: true, positional: true, maxLength: 40 }),
    admin: opt.string('another admin of the new org, as platform:userId (they see theirs with whoami)'),
  },
  role: 'admin',
  mutating: true,
  tier: 'free',
  async run({ options, actor, services }) {
    if (!services.identity.isOperator(actor)) {
      throw new DeniedError('Only an operator of this ComputeHub (an admin of its default org) may create orgs. Ask them to create it and make you its admin.');
    }
    const admin = options.admin ? parseMemberRef(options.admin) : undefined;
    const org = await createOrg(services.db, { name: options.name, creator: actor, admin, now: services.now() });
    // The new org's own audit log starts with its creation.
    await services.identity.audit({ orgId: org.id, actor, command: 'org create', args: `org create ${org.name}${admin ? ` admin=${admin.platform}:${admin.userId}` : ''}`, result: 'ok' });
    const admins = admin ? ` and ${admin.platform}:${admin.userId}` : '';
    return {
      kind: 'success',
      text: `Org ${org.name} created; you${admins} are its admin${admin ? 's' : ''}. Work in it with: org use ${org.name} · then add people with member add, keys with provider add, and bind a team channel there with org bind.`,
      data: { org },
    };
  },
});

export const orgUse = defineCommand({
  name: 'org use',
  summary: 'Work in another of your orgs (in direct messages and unbound channels)',
  examples: ['org use acme'],
  options: { name: opt.string('one of your orgs (see org list)', { required: true, positional: true }) },
  role: 'viewer',
  // A personal preference, like project use: it changes nothing anyone else sees.
  mutating: false,
  tier: 'free',
  async run({ options, actor, channel, orgId, services }) {
    const { org, role } = findMyOrg(services.db.data, services.identity, actor, options.name);
    await services.identity.useOrg(actor, org.id);
    const bound = services.identity.bindingOf(channel) !== undefined;
    const here = bound && org.id !== orgId ? ` This channel stays bound to ${orgName(services.db.data, orgId)}; your choice applies in direct messages and unbound channels.` : '';
    return { kind: 'success', text: `You now work in org ${org.name}, as ${role === 'admin' ? 'an' : 'a'} ${role}.${here}`, data: { org: { id: org.id, name: org.name }, role } };
  },
});

export const orgBind = defineCommand({
  name: 'org bind',
  summary: 'Bind this channel to one of your orgs (and a default project): people here may look, as viewers',
  description: 'You must be an admin of the org you bind to, and of the org the channel is bound to now, if any.',
  examples: ['org bind', 'org bind project=research', 'org bind org=acme'],
  options: {
    org: opt.string('the org to bind to, one you administer (default: the org you work in)'),
    project: opt.string("the project new instances from this channel belong to (default: the org's default project)", { complete: 'project' }),
  },
  role: 'admin',
  mutating: true,
  tier: 'free',
  async run({ options, orgId, channel, actor, services }) {
    if (channel.kind !== 'shared') throw new UserError('org bind works in a shared channel (a group, channel or server), not in a direct message. Send it in the channel you want to bind.');
    const data = services.db.data;
    const target = options.org ? findMyOrg(data, services.identity, actor, options.org) : { org: data.orgs.find((org) => org.id === orgId)!, role: services.identity.roleIn(actor, orgId) };
    if (target.role !== 'admin') throw new DeniedError(`Binding a channel to ${target.org.name} needs the admin role there; you are ${target.role === 'dev' ? 'a dev' : 'a viewer'}.`);
    const projects = data.projects.filter((project) => project.orgId === target.org.id);
    const wanted = options.project?.toLowerCase();
    const project = projects.find((candidate) => (wanted ? candidate.name === wanted : candidate.id === target.org.defaultProjectId));
    if (!project) throw new UserError(`There is no project '${options.project}' in ${target.org.name}. Projects: ${projects.map((candidate) => candidate.name).join(', ')}.`);
    await services.db.update((draft) => {
      draft.channels = draft.channels.filter((binding) => !(binding.platform === channel.platform && binding.channelId === channel.id));
      draft.channels.push({ platform: channel.platform, channelId: channel.id, orgId: target.org.id, projectId: project.id, boundAt: services.now().toISOString(), boundBy: `${actor.platform}:${actor.userId}` });
    });
    return {
      kind: 'success',
      text: `This channel is bound to org ${target.org.name}, project ${project.name}. Everyone here can now list prices, instances and cost as a viewer; admins can give more with member role.`,
      data: { channel: channel.id, org: target.org.name, project: project.name },
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
