// Suggestions while a user types an option (Discord autocomplete): GPU names, templates, the org's
// instance ids, providers and projects. Answers from memory only: platforms give ~3 seconds.
import type { Actor, Channel, CompletionSource } from '#core/command.ts';
import { GPU_CATALOGUE } from '#domain/gpus.ts';
import { PROVIDER_NAMES } from '#domain/providers.ts';
import { templateCatalogue } from '#domain/templates.ts';
import type { Db } from '#store/db.ts';
import type { IdentityService } from './identity.ts';

const LIMIT = 25;

export function createCompletions(db: Db, identity: IdentityService) {
  return async (source: CompletionSource, prefix: string, who: { actor: Actor; channel: Channel }): Promise<string[]> => {
    const access = identity.resolve(who.actor, who.channel);
    const typed = prefix.trim().toLowerCase();
    const candidates = ((): string[] => {
      switch (source) {
        case 'gpu':
          return GPU_CATALOGUE.map((gpu) => gpu.name);
        case 'provider':
          return [...PROVIDER_NAMES];
        case 'template':
          return templateCatalogue(access ? db.data.templates.filter((template) => template.orgId === access.orgId).map((template) => template.template) : []).map((template) => template.id);
        case 'instance':
          return access ? db.data.instances.filter((instance) => instance.orgId === access.orgId && instance.status !== 'terminated').map((instance) => instance.id) : [];
        case 'project':
          return access ? db.data.projects.filter((project) => project.orgId === access.orgId).map((project) => project.name) : [];
      }
    })();
    const starts = candidates.filter((candidate) => candidate.toLowerCase().startsWith(typed));
    const contains = candidates.filter((candidate) => !starts.includes(candidate) && candidate.toLowerCase().includes(typed));
    return [...starts, ...contains].slice(0, LIMIT);
  };
}
