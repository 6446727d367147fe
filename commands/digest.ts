// digest add | list | remove: a daily or weekly summary (cost with its chart, the automation's
// events, money leaks) posted to this chat. Pro; admins add and remove.
import { defineCommand, defineGroup, opt, type CommandContext } from '#core/command.ts';
import type { DigestRecord } from '#store/digest-schema.ts';

export const digestGroup = defineGroup({ name: 'digest', summary: 'Daily or weekly digests of cost, automation events and money leaks, posted to this chat (Pro)', aliases: ['digests'], defaultSubcommand: 'list' });

function digestJson(context: CommandContext, record: DigestRecord) {
  const { id, every, timeZone, lastSentPeriod } = record;
  return { id, every, schedule: context.services.digests.describe(record), timeZone, nextRun: context.services.digests.nextRun(record), lastSentPeriod };
}

export const digestAdd = defineCommand({
  name: 'digest add',
  summary: 'Post a digest to this chat: daily HH:MM, or weekly <day> HH:MM, in a time zone (default UTC)',
  description:
    'Each digest posts three messages here: the cost of the last 7 days by provider with its chart, burn rate and forecast; what the automation reported in the day (or week) before; and the money leaks now (see leaks). Times follow the zone\'s daylight saving time. A bot that was down when a digest was due sends it when it starts again, within 6 hours; a period is never sent twice.',
  examples: ['digest add daily 09:00 tz=Europe/Berlin', 'digest add weekly mon 09:00 tz=America/New_York', 'digest add daily 18:30'],
  options: {
    schedule: opt.string('daily HH:MM, or weekly <day> HH:MM', { required: true, rest: true, maxLength: 40, placeholder: 'daily 09:00' }),
    tz: opt.string('IANA time zone, e.g. Europe/Berlin (default UTC)', { maxLength: 64 }),
  },
  role: 'admin',
  mutating: true,
  tier: 'pro',
  async run(context) {
    const { services, options } = context;
    const record = await services.digests.add(context.orgId, options.schedule, options.tz ?? 'UTC', {
      by: `${context.actor.platform}:${context.actor.userId}`,
      channel: { platform: context.channel.platform, id: context.channel.id },
    });
    const json = digestJson(context, record);
    return { kind: 'success', text: `Added ${record.id}: ${json.schedule}, posted to this chat. Next: ${json.nextRun.slice(0, 16).replace('T', ' ')} UTC. Remove it with: digest remove ${record.id}`, data: json };
  },
});

export const digestList = defineCommand({
  name: 'digest list',
  summary: 'The digests of this org: when each is due next and the last period it was sent for',
  examples: ['digest list', 'digest list --json'],
  options: {},
  role: 'viewer',
  mutating: false,
  tier: 'pro',
  async run(context) {
    const digests = context.services.digests.list(context.orgId).map((record) => digestJson(context, record));
    if (digests.length === 0) return { kind: 'info', text: 'No digests yet. Add one in the chat it should post to with: digest add daily 09:00 tz=Europe/Berlin', data: { digests } };
    return {
      kind: 'info',
      title: `Digests (${digests.length})`,
      table: {
        columns: [{ header: 'Id' }, { header: 'When' }, { header: 'Next (UTC)' }, { header: 'Last sent for' }],
        rows: digests.map((digest) => [digest.id, digest.schedule, digest.nextRun.slice(0, 16).replace('T', ' '), digest.lastSentPeriod ?? '-']),
      },
      data: { digests },
    };
  },
});

export const digestRemove = defineCommand({
  name: 'digest remove',
  summary: 'Stop a digest',
  examples: ['digest remove d1'],
  options: { id: opt.string('digest id from digest list, e.g. d1', { required: true, positional: true, pattern: /^d\d+$/i, patternHint: 'expected a digest id such as d1' }) },
  role: 'admin',
  mutating: true,
  tier: 'pro',
  async run(context) {
    const record = await context.services.digests.remove(context.orgId, context.options.id);
    return { kind: 'success', text: `Removed ${record.id} (${context.services.digests.describe(record)}).`, data: { id: record.id } };
  },
});
