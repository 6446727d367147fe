// Projects group an org's instances and costs. Each member works in one project at a time: their
// own choice (project use), else the channel's or the org's default.
import { UserError } from '#core/errors.ts';
import type { Db } from '#store/db.ts';
import type { Database, Project } from '#store/schema.ts';

const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;

export function normaliseProjectName(name: string): string {
  const normalised = name.trim().toLowerCase();
  if (!NAME.test(normalised)) throw new UserError(`'${name}' is not a project name: use up to 40 lower-case letters, digits and dashes, e.g. ml-research.`);
  return normalised;
}

export function orgProjects(data: Database, orgId: string): Project[] {
  return data.projects.filter((project) => project.orgId === orgId);
}

export function findProject(data: Database, orgId: string, name: string): Project {
  const wanted = name.trim().toLowerCase();
  const found = orgProjects(data, orgId).find((project) => project.name === wanted || project.id === wanted);
  if (!found) {
    const names = orgProjects(data, orgId).map((project) => project.name).join(', ');
    throw new UserError(`There is no project '${name}' in this org (projects: ${names}). Create it with: project create ${wanted}`);
  }
  return found;
}

/** The project a member works in now. */
export function currentProjectId(data: Database, who: { orgId: string; platform: string; userId: string; fallback: string }): string {
  const choice = data.projectChoices.find((entry) => entry.orgId === who.orgId && entry.platform === who.platform && entry.userId === who.userId);
  const stillThere = choice && data.projects.some((project) => project.id === choice.projectId && project.orgId === who.orgId);
  return stillThere ? choice.projectId : who.fallback;
}

export async function createProject(db: Db, orgId: string, name: string, now: Date): Promise<Project> {
  const normalised = normaliseProjectName(name);
  if (orgProjects(db.data, orgId).some((project) => project.name === normalised)) throw new UserError(`The project '${normalised}' exists already. Switch to it with: project use ${normalised}`);
  return db.update((data) => {
    // Ids are org-scoped and stable even if a project is renamed later.
    const project: Project = { id: `${orgId}-${normalised}`, orgId, name: normalised, createdAt: now.toISOString() };
    data.projects.push(project);
    return project;
  });
}

export async function useProject(db: Db, who: { orgId: string; platform: string; userId: string }, projectId: string): Promise<void> {
  await db.update((data) => {
    data.projectChoices = data.projectChoices.filter((entry) => !(entry.orgId === who.orgId && entry.platform === who.platform && entry.userId === who.userId));
    data.projectChoices.push({ ...who, projectId });
  });
}
