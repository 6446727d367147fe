import { defineCommand, defineGroup, opt } from '#core/command.ts';
import { orgInstances } from '#services/fleet/records.ts';
import { createProject, findProject, orgProjects, useProject } from '#services/projects.ts';
import { currentProject } from './shared/fleet-replies.ts';

export const projectGroup = defineGroup({ name: 'project', summary: 'Projects: group instances and costs', aliases: ['projects'], defaultSubcommand: 'list' });

export const projectCreate = defineCommand({
  name: 'project create',
  summary: 'Create a project in your org',
  examples: ['project create ml-research'],
  options: { name: opt.string('project name', { required: true, positional: true }) },
  role: 'admin',
  mutating: true,
  tier: 'free',
  async run({ services, orgId, options }) {
    const project = await createProject(services.db, orgId, options.name, services.now());
    return { kind: 'success', text: `Project ${project.name} created. Work in it with: project use ${project.name}`, data: { project } };
  },
});

export const projectList = defineCommand({
  name: 'project list',
  summary: "List your org's projects",
  examples: ['project list'],
  options: {},
  role: 'viewer',
  mutating: false,
  tier: 'free',
  run(context) {
    const { services, orgId } = context;
    const current = currentProject(context);
    const instances = orgInstances(services.db.data, orgId).filter((record) => !record.destroyedAt);
    const projects = orgProjects(services.db.data, orgId).map((project) => ({
      ...project,
      current: project.id === current,
      instances: instances.filter((record) => record.projectId === project.id).length,
    }));
    return {
      kind: 'info',
      title: 'Projects',
      table: {
        columns: [{ header: 'Project' }, { header: 'Instances', align: 'right' }, { header: '' }],
        rows: projects.map((project) => [project.name, String(project.instances), project.current ? '← current' : '']),
      },
      data: { projects },
    };
  },
});

export const projectUse = defineCommand({
  name: 'project use',
  summary: 'Work in a project: new deploys are billed to it',
  examples: ['project use ml-research'],
  options: { name: opt.string('project name', { required: true, positional: true, complete: 'project' }) },
  role: 'viewer',
  // A personal preference, not a change to the fleet: viewers may switch too.
  mutating: false,
  tier: 'free',
  async run({ services, orgId, options, actor }) {
    const project = findProject(services.db.data, orgId, options.name);
    await useProject(services.db, { orgId, platform: actor.platform, userId: actor.userId }, project.id);
    return { kind: 'success', text: `You now work in project ${project.name}. New deploys are billed to it.`, data: { project } };
  },
});
