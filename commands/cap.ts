// cap <id>|project=<p>|org <usd> [per=day|month|total] [action=stop|destroy|notify], uncap <cap id>:
// spend limits checked after every sync against the ledger. Pro.
import { defineCommand, opt } from '#core/command.ts';
import { UsageError } from '#core/errors.ts';
import { formatUsd, usdToMicros } from '#domain/ledger.ts';
import type { CapRecord } from '#store/automation-schema.ts';
import { capScope } from '#services/automation/caps.ts';
import { findProject } from '#services/projects.ts';

function capJson(cap: CapRecord) {
  return { id: cap.id, instanceId: cap.instanceId, projectId: cap.projectId, usd: cap.usd, per: cap.per, action: cap.action };
}

export const cap = defineCommand({
  name: 'cap',
  summary: 'Cap spend: warn at 80 %, then stop, destroy or notify when an instance, project or the org reaches it',
  description:
    'Spend comes from the cost ledger, brought up to date by every sync: per=total is everything since creation, day and month count from the start of the UTC day or month. Between observations the spend is extrapolated at the current rate of each instance (a provider that does not answer still costs money), so the cap acts at the first sync past it and overshoots by at most one sync interval of spend; a machine running again past the cap in the same period is acted on again. Capping the same instance, project or org for the same period again changes that cap (raise it with a higher amount). `cap` alone lists the caps.',
  examples: ['cap i3 20', 'cap project=ml 200 per=month action=stop', 'cap org 50 per=day action=notify', 'cap'],
  options: {
    target: opt.string('an instance id (i3), or org', { positional: true, complete: 'instance' }),
    usd: opt.number('the cap in USD, to the cent', { positional: true, min: 0.01, max: 1_000_000 }),
    project: opt.string('cap a project instead', { complete: 'project' }),
    per: opt.choice(['day', 'month', 'total'], 'the period the spend counts in (default total)'),
    action: opt.choice(['stop', 'destroy', 'notify'], 'what to do at the cap (default stop)'),
  },
  role: 'dev',
  mutating: true,
  tier: 'pro',
  async run(context) {
    const { services, options, orgId } = context;
    if (!options.target && options.usd === undefined && !options.project) {
      const caps = services.automation.caps(orgId).map(capJson);
      if (caps.length === 0) return { kind: 'info', text: 'No caps yet. Cap an instance with: cap i3 20', data: { caps } };
      return {
        kind: 'info',
        title: `Caps (${caps.length})`,
        table: { columns: [{ header: 'Id' }, { header: 'On' }, { header: 'Cap' }, { header: 'Per' }, { header: 'Then' }], rows: caps.map((entry) => [entry.id, entry.instanceId ?? (entry.projectId ? `project ${entry.projectId}` : 'org'), formatUsd(usdToMicros(entry.usd)), entry.per, entry.action]) },
        data: { caps },
      };
    }
    // `cap project=ml 50`: the amount arrives as the first positional word.
    const amount = options.usd ?? (options.target && /^\d+(\.\d+)?$/.test(options.target) ? Number(options.target) : undefined);
    const target = options.usd === undefined && amount !== undefined ? undefined : options.target;
    if (amount === undefined) throw new UsageError('Say the cap in USD, e.g. cap i3 20');
    if (options.project && target) throw new UsageError('Cap one thing: an instance (cap i3 20), a project (cap project=ml 20) or the org (cap org 20).');
    const projectId = options.project ? findProject(services.db.data, orgId, options.project).id : null;
    const { cap: record, changed } = await services.automation.addCap(orgId, {
      instance: target && target.toLowerCase() !== 'org' ? target : null,
      projectId,
      usd: Math.round(amount * 100) / 100,
      per: options.per ?? 'total',
      action: options.action,
      by: `${context.actor.platform}:${context.actor.userId}`,
      channel: { platform: context.channel.platform, id: context.channel.id },
    });
    return {
      kind: 'success',
      text: `${changed ? 'Changed' : 'Added'} ${record.id}: ${capScope(record)} ${formatUsd(usdToMicros(record.usd))} ${record.per === 'total' ? 'in all' : `per ${record.per}`}, then ${record.action}. Warning at 80 %; checked after every sync. Remove with: uncap ${record.id}`,
      data: capJson(record),
    };
  },
});

export const uncap = defineCommand({
  name: 'uncap',
  summary: 'Remove a cost cap',
  examples: ['uncap c1'],
  options: { id: opt.string('cap id from cap, e.g. c1', { required: true, positional: true, pattern: /^c\d+$/i, patternHint: 'expected a cap id such as c1' }) },
  role: 'dev',
  mutating: true,
  tier: 'pro',
  async run(context) {
    const record = await context.services.automation.removeCap(context.orgId, context.options.id);
    return { kind: 'success', text: `Removed ${record.id} (${capScope(record)}).`, data: capJson(record) };
  },
});
