// idle <id>|project=<p> util<5 for=30m action=stop|destroy|notify, idle list, idle remove (unidle):
// an instance whose GPU stays under the threshold for the duration is stopped, destroyed or reported. Pro.
import { defineCommand, defineGroup, opt, type CommandContext } from '#core/command.ts';
import { UsageError } from '#core/errors.ts';
import type { Reply } from '#core/reply.ts';
import { providersThat } from '#domain/providers.ts';
import { describeDuration } from '#domain/rules/index.ts';
import { inWords } from '#domain/words.ts';
import type { IdleRecord } from '#store/automation-schema.ts';
import { idleScope } from '#services/automation/idle.ts';
import { findProject } from '#services/projects.ts';

export const idleGroup = defineGroup({ name: 'idle', summary: 'Stop, destroy or report instances whose GPU sits idle (Pro)', defaultSubcommand: 'add' });

function idleJson(idle: IdleRecord) {
  return { id: idle.id, instanceId: idle.instanceId, projectId: idle.projectId, belowPct: idle.belowPct, forSeconds: idle.forSeconds, action: idle.action };
}

function listIdles(context: CommandContext): Reply {
  const idles = context.services.automation.idleChecks.list(context.orgId).map(idleJson);
  if (idles.length === 0) return { kind: 'info', text: 'No idle checks yet. Add one with: idle i3 util<5 for=30m action=stop', data: { idles } };
  return {
    kind: 'info',
    title: `Idle checks (${idles.length})`,
    table: {
      columns: [{ header: 'Id' }, { header: 'On' }, { header: 'Idle when' }, { header: 'Then' }],
      rows: idles.map((idle) => [idle.id, idleScope(idle), `GPU < ${idle.belowPct}% for ${describeDuration(idle.forSeconds)}`, idle.action]),
    },
    data: { idles },
  };
}

export const idleAdd = defineCommand({
  name: 'idle add',
  summary: 'Act on an instance (or a project, or the org) whose GPU util stays under a threshold for a while',
  description:
    `Read at every sync from the GPU metrics the provider reports (${inWords(providersThat('gpuMetrics', true), 'and')} report them): idle means under the threshold at every sync for the whole duration. The action runs once per idle stretch, not again within 30 minutes, and counts against the org budget of 20 automatic actions per hour. \`idle\` alone lists the checks. The word add may be left out.`,
  examples: ['idle i3 util<5 for=30m action=stop', 'idle project=ml util<10 for=2h action=notify', 'idle add org util<5 for=1h action=destroy'],
  options: {
    target: opt.string('an instance id (i3), or org', { positional: true, complete: 'instance' }),
    project: opt.string('check a project instead', { complete: 'project' }),
    util: opt.range('GPU util under which it counts as idle, in %, e.g. util<5', { min: 1, max: 100 }),
    for: opt.duration('how long it must stay idle, e.g. 30m or 2h (default 30m)', { min: 60, max: 7 * 86_400 }),
    action: opt.choice(['stop', 'destroy', 'notify'], 'what to do then (default stop)'),
  },
  role: 'dev',
  mutating: true,
  tier: 'pro',
  async run(context): Promise<Reply> {
    const { services, options, orgId } = context;
    if (!options.target && !options.project && !options.util) return listIdles(context);
    const [threshold] = options.util ?? [];
    if (!threshold || (threshold.op !== '<' && threshold.op !== '<=')) throw new UsageError('Say the threshold as util<5 (GPU util under 5 %), e.g. idle i3 util<5 for=30m action=stop');
    if (options.project && options.target) throw new UsageError('Check one thing: an instance (idle i3 …), a project (idle project=ml …) or the org (idle org …).');
    if (options.action === 'destroy' && context.role !== 'admin') throw new UsageError('Only an admin can let the bot destroy idle machines on its own; use action=stop or action=notify.');
    const target = options.target?.toLowerCase();
    const record = await services.automation.idleChecks.add(orgId, {
      instance: target && target !== 'org' ? target : null,
      projectId: options.project ? findProject(services.db.data, orgId, options.project).id : null,
      belowPct: threshold.op === '<=' ? threshold.value + 0.1 : threshold.value,
      forSeconds: options.for ?? 1800,
      action: options.action ?? 'stop',
      createdBy: `${context.actor.platform}:${context.actor.userId}`,
      channel: { platform: context.channel.platform, id: context.channel.id },
    });
    const blind = providersThat('gpuMetrics', false);
    const unchecked = record.instanceId === null && blind.length ? ` ${inWords(blind, 'and')} instances are not checked: their APIs report no GPU metrics.` : '';
    return {
      kind: 'success',
      text: `Added ${record.id}: when ${idleScope(record)} has its GPU under ${record.belowPct}% for ${describeDuration(record.forSeconds)}, ${record.action === 'notify' ? 'I tell this chat' : `I ${record.action} it and tell this chat`}. Checked after every sync.${unchecked} Remove with: idle remove ${record.id}`,
      data: idleJson(record),
    };
  },
});

export const idleList = defineCommand({
  name: 'idle list',
  summary: 'List the idle checks of this org',
  examples: ['idle list', 'idle list --json'],
  options: {},
  role: 'viewer',
  mutating: false,
  tier: 'pro',
  run: listIdles,
});

const removeOptions = { id: opt.string('an idle check id (idle1), or an instance id to remove all of its checks', { required: true, positional: true }) };

async function removeIdle(context: CommandContext<typeof removeOptions>): Promise<Reply> {
  const removed = await context.services.automation.idleChecks.remove(context.orgId, context.options.id);
  return { kind: 'success', text: `Removed ${removed.map((idle) => `${idle.id} (${idleScope(idle)})`).join(', ')}.`, data: { removed: removed.map(idleJson) } };
}

export const idleRemove = defineCommand({
  name: 'idle remove',
  summary: 'Remove an idle check',
  examples: ['idle remove idle1', 'idle remove i3'],
  options: removeOptions,
  role: 'dev',
  mutating: true,
  tier: 'pro',
  run: removeIdle,
});

export const unidle = defineCommand({
  name: 'unidle',
  summary: 'Remove the idle checks of an instance (same as idle remove)',
  examples: ['unidle i3', 'unidle idle1'],
  options: removeOptions,
  role: 'dev',
  mutating: true,
  tier: 'pro',
  run: removeIdle,
});
