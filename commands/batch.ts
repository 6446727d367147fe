// batch stop | start | restart | destroy | apply-template <selector>: one confirmation for the whole
// set, then a result per instance.
import { defineCommand, defineGroup, opt, type CommandContext } from '#core/command.ts';
import { PROVIDER_NAMES } from '#domain/providers.ts';
import { UserError, UsageError } from '#core/errors.ts';
import type { Reply } from '#core/reply.ts';
import { INSTANCE_STATUSES } from '#domain/instance.ts';
import { describeSelector, isEmptySelector, selectInstances, type Selector } from '#domain/selectors.ts';
import type { BatchResult } from '#services/fleet/batch.ts';
import type { LifecycleAction } from '#services/fleet/lifecycle.ts';
import { findInstance, findTemplate, orgInstances } from '#services/fleet/records.ts';
import { findProject } from '#services/projects.ts';
import { withAppSecrets } from './app-secrets.ts';
import { perHour, view } from './shared/fleet-replies.ts';

export const batchGroup = defineGroup({ name: 'batch', summary: 'Act on many instances at once, chosen by ids, project, GPU, provider, label or status (Pro)' });

const selectorOptions = {
  ids: opt.string('instance ids, e.g. i1 i4 i7', { rest: true, complete: 'instance', placeholder: '<ids>' }),
  project: opt.string('every instance of this project', { complete: 'project' }),
  gpu: opt.string('every instance with this GPU, e.g. 4090', { complete: 'gpu' }),
  provider: opt.choice(PROVIDER_NAMES, 'every instance on this provider', { complete: 'provider' }),
  label: opt.string('every instance with this name (name= at deploy) or provider-side label'),
  status: opt.choice([...INSTANCE_STATUSES] as const, 'every instance in this status'),
};

type SelectorContext = CommandContext<typeof selectorOptions>;

function selected(context: SelectorContext) {
  const { options: o, services, orgId } = context;
  const data = services.db.data;
  const selector: Selector = {
    ...(o.ids && { ids: o.ids.split(/[\s,]+/).filter(Boolean) }),
    ...(o.project && { projectId: findProject(data, orgId, o.project).id }),
    ...(o.gpu && { gpu: o.gpu }),
    ...(o.provider && { provider: o.provider }),
    ...(o.label && { label: o.label }),
    ...(o.status && { status: o.status }),
  };
  if (isEmptySelector(selector)) throw new UsageError('Say which instances: ids (i1 i4), or project=, gpu=, provider=, label=, status=. Nothing is done to "all" by default.');
  const live = orgInstances(data, orgId).filter((record) => !record.destroyedAt);
  const records = selectInstances(live, selector);
  if (records.length === 0) throw new UserError(`No live instance matches ${describeSelector(selector, o.project)}. See them with: instances`);
  return { records, described: describeSelector(selector, o.project) };
}

/**
 * The preview shows a set resolved now; Confirm must act on that set, not on whatever matches the
 * selector later. So the options are pinned to the instance ids shown.
 */
function preview(context: SelectorContext, verb: string, extra = ''): Reply {
  const { records, described } = selected(context);
  const o = context.options;
  o.ids = records.map((record) => record.id).join(' ');
  o.project = o.gpu = o.label = undefined;
  o.provider = undefined;
  o.status = undefined;
  const views = records.map((record) => view(context, record));
  return {
    kind: 'confirm',
    title: `${verb} ${views.length} instance${views.length === 1 ? '' : 's'} (${described})?${extra}`,
    table: {
      columns: [{ header: 'ID' }, { header: 'Name' }, { header: 'Provider' }, { header: 'GPU' }, { header: 'Status' }, { header: '$/h', align: 'right' }],
      rows: views.map((instance) => [instance.id, instance.name, instance.provider, `${instance.gpuCount}× ${instance.gpu}`, instance.status, perHour(instance.pricePerHour)]),
    },
    data: { instances: views.map((instance) => instance.id) },
  };
}

function resultsReply(verb: string, results: BatchResult[]): Reply {
  const failed = results.filter((result) => !result.ok).length;
  return {
    kind: failed === 0 ? 'success' : 'warning',
    title: `${verb}: ${results.length - failed} done${failed ? `, ${failed} failed` : ''}`,
    table: { columns: [{ header: 'ID' }, { header: 'Result' }, { header: '' }], rows: results.map((result) => [result.id, result.ok ? 'ok' : 'failed', result.message]) },
    data: { results },
  };
}

function lifecycleBatch(action: LifecycleAction, verb: string, summary: string) {
  return defineCommand({
    name: `batch ${action}`,
    summary,
    examples: [`batch ${action} i1 i2`, `batch ${action} project=ml status=running`, `batch ${action} gpu=4090 provider=vast`],
    options: selectorOptions,
    role: 'dev',
    mutating: true,
    tier: 'pro',
    confirm: (context) => preview(context, verb, action === 'destroy' ? ' Their disks are deleted; this cannot be undone.' : ''),
    async run(context) {
      const { records } = selected(context);
      return resultsReply(verb, await context.services.fleet.batch(records, action));
    },
  });
}

export const batchStop = lifecycleBatch('stop', 'Stop', 'Stop every selected instance');
export const batchStart = lifecycleBatch('start', 'Start', 'Start every selected instance');
export const batchRestart = lifecycleBatch('restart', 'Restart', 'Restart every selected instance');
export const batchDestroy = lifecycleBatch('destroy', 'Destroy', 'Destroy every selected instance');

const applyOptions = { ...selectorOptions, template: opt.string('the template to run instead', { required: true, complete: 'template' }) };

export const batchApplyTemplate = defineCommand({
  name: 'batch apply-template',
  summary: 'Redeploy each selected instance with a template (same provider and GPU), then destroy the old one',
  examples: ['batch apply-template project=ml template=jupyter', 'batch apply-template i3 i4 template=pytorch'],
  options: applyOptions,
  role: 'dev',
  mutating: true,
  tier: 'pro',
  confirm(context) {
    const template = findTemplate(context.services.db.data, context.orgId, context.options.template);
    return preview(context, `Replace`, ` Each gets a new machine running ${template.name}; the old one is destroyed once the new one is ready.`);
  },
  async run(context) {
    const { services, actor } = context;
    // Refuses a Pro template without a licence before anything is rented.
    services.fleet.deployments.template(context.orgId, context.options.template, undefined);
    const { records } = selected(context);
    const results = await services.fleet.applyTemplate(records, {
      templateId: context.options.template.toLowerCase(),
      actor: `${actor.platform}:${actor.userId}`,
      // Replacements' deploy tokens come from the confirmation: pressed twice, each is rented once.
      ...(context.confirmationId && { confirmationId: context.confirmationId }),
    });
    // Each replacement's app secret goes to whoever asked, privately, as with deploy.
    const replacements = results.flatMap((result) => (result.replacedBy ? [findInstance(services.db.data, context.orgId, result.replacedBy)] : []));
    return withAppSecrets(context, replacements, resultsReply('Apply template', results));
  },
});
