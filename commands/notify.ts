// notify add | list | test | remove | status: where this org's alerts go (this chat, a Telegram chat,
// email, signed webhooks), which kinds and from which severity, and what the delivery outbox holds. Pro.
import { defineCommand, defineGroup, opt } from '#core/command.ts';
import { UsageError } from '#core/errors.ts';
import type { Reply } from '#core/reply.ts';
import { SEVERITIES } from '#domain/alerts/index.ts';
import { ALERT_KINDS, describeFilter, describeTarget } from '#services/alerts/index.ts';
import type { ChannelTargetRequest } from '#services/alerts/channels.ts';
import type { NotifyChannel } from '#store/alerts-schema.ts';

export const notifyGroup = defineGroup({ name: 'notify', summary: 'Where alerts go: this chat, email, webhooks (Pro)', defaultSubcommand: 'list' });

const idOption = { id: opt.string('channel id from notify list, e.g. n1', { required: true, positional: true, pattern: /^n\d+$/i, patternHint: 'expected a channel id such as n1' }) };

function channelJson(channel: NotifyChannel) {
  return { id: channel.id, type: channel.target.type, to: describeTarget(channel.target), events: channel.events, minSeverity: channel.minSeverity, createdAt: channel.createdAt };
}

function when(iso: string): string {
  return `${iso.slice(0, 19).replace('T', ' ')} UTC`;
}

export const notifyAdd = defineCommand({
  name: 'notify add',
  summary: 'Send this org\'s alerts to this chat, a Telegram chat, an email address or a webhook',
  description: `Alerts are grouped per rule (Alertmanager's defaults: the first message 30 s after the first alert, news at most every 5 min, a reminder after 4 h), edited when they resolve. events= takes a comma list of ${ALERT_KINDS.join(', ')}. A webhook is signed per Standard Webhooks; without secret= one is generated and sent to you privately, once.`,
  examples: ['notify add here', 'notify add here events=down,cap-hit severity=critical', 'notify add email ops@example.com', 'notify add webhook https://hooks.example.com/computehub', 'notify add telegram -1001234567890'],
  options: {
    where: opt.choice(['here', 'email', 'webhook', 'telegram'], 'this chat, an email address, a webhook URL or a Telegram chat id', { required: true, positional: true }),
    to: opt.string('the address, URL or chat id', { positional: true, maxLength: 2000 }),
    secret: opt.string('the webhook signing secret, whsec_…', { secret: true, maxLength: 200 }),
    events: opt.string('only these event kinds, comma-separated (default all)'),
    severity: opt.choice(SEVERITIES, 'the least severity delivered (default info)'),
  },
  role: 'admin',
  mutating: true,
  tier: 'pro',
  async run(context) {
    const { services, options } = context;
    const target = targetRequest(options.where, options.to, options.secret, context.channel);
    const { channel, generatedSecret } = await services.alerts.addChannel(context.orgId, {
      target,
      events: options.events?.split(','),
      minSeverity: options.severity,
      by: `${context.actor.platform}:${context.actor.userId}`,
    });
    const answer: Reply = {
      kind: 'success',
      text: `Added ${channel.id}: ${describeTarget(channel.target)} gets ${describeFilter(channel)}. Try it with: notify test ${channel.id}`,
      data: channelJson(channel),
    };
    if (!generatedSecret) return answer;
    const privately: Reply = { kind: 'info', title: `Signing secret of ${channel.id}`, text: 'Give this secret to the receiver to verify the webhook-signature header. It is shown only this once.', code: generatedSecret };
    return { ...answer, footer: 'I sent you the signing secret privately.', privateReply: privately };
  },
});

function targetRequest(where: 'here' | 'email' | 'webhook' | 'telegram', to: string | undefined, secret: string | undefined, channel: { platform: string; id: string }): ChannelTargetRequest {
  if (secret && where !== 'webhook') throw new UsageError('secret= is for webhooks only.');
  if (where === 'here') {
    if (to) throw new UsageError('notify add here takes nothing more: it adds this chat. For another Telegram chat: notify add telegram <chat id>');
    return { type: 'chat', platform: channel.platform, chatId: channel.id };
  }
  const examples = { email: 'notify add email ops@example.com', webhook: 'notify add webhook https://hooks.example.com/computehub', telegram: 'notify add telegram -1001234567890' };
  if (!to) throw new UsageError(`Say where, e.g. ${examples[where]}`);
  if (where === 'email') return { type: 'email', address: to };
  if (where === 'webhook') return { type: 'webhook', url: to, secret };
  if (!/^(-?\d+|@\w{5,})$/.test(to)) throw new UsageError(`${to} is not a Telegram chat id: a number such as -1001234567890 (a group or channel) or @channelname.`);
  return { type: 'chat', platform: 'telegram', chatId: to };
}

export const notifyList = defineCommand({
  name: 'notify list',
  summary: 'List where this org\'s alerts go',
  examples: ['notify list', 'notify'],
  options: {},
  role: 'viewer',
  mutating: false,
  tier: 'pro',
  run({ services, orgId }) {
    const channels = services.alerts.channels(orgId).map(channelJson);
    if (channels.length === 0) return { kind: 'info', text: 'Alerts go nowhere yet (events still come to the chat of their rule or watch). Send them here with: notify add here', data: { channels } };
    return {
      kind: 'info',
      title: `Alert channels (${channels.length})`,
      table: { columns: [{ header: 'Id' }, { header: 'To' }, { header: 'Events' }, { header: 'Severity' }], rows: channels.map((channel) => [channel.id, channel.to, channel.events?.join(', ') ?? 'all', `${channel.minSeverity}+`]) },
      data: { channels },
    };
  },
});

export const notifyTest = defineCommand({
  name: 'notify test',
  summary: 'Send a test alert to one channel, or to all of them, now',
  examples: ['notify test', 'notify test n1'],
  options: { id: opt.string('channel id, e.g. n1 (default all)', { positional: true, pattern: /^n\d+$/i, patternHint: 'expected a channel id such as n1' }) },
  role: 'dev',
  mutating: true,
  tier: 'pro',
  async run({ services, orgId, options }) {
    const results = await services.alerts.test(orgId, options.id);
    if (results.length === 0) return { kind: 'info', text: 'There is no channel to test. Add one with: notify add here', data: { results: [] } };
    const words = { delivered: 'delivered', retrying: 'not yet, retrying', failed: 'failed' } as const;
    const allGood = results.every((result) => result.outcome === 'delivered');
    return {
      kind: allGood ? 'success' : 'warning',
      title: 'Test alert',
      table: { columns: [{ header: 'Id' }, { header: 'To' }, { header: 'Result' }], rows: results.map((result) => [result.channel.id, describeTarget(result.channel.target), `${words[result.outcome]}${result.reason ? `: ${result.reason}` : ''}`]) },
      data: { results: results.map((result) => ({ id: result.channel.id, outcome: result.outcome, reason: result.reason ?? null })) },
    };
  },
});

export const notifyRemove = defineCommand({
  name: 'notify remove',
  summary: 'Stop sending alerts to a channel (what it still had to receive is dropped)',
  examples: ['notify remove n1'],
  options: idOption,
  role: 'admin',
  mutating: true,
  tier: 'pro',
  async run({ services, orgId, options }) {
    const channel = await services.alerts.removeChannel(orgId, options.id);
    return { kind: 'success', text: `Removed ${channel.id} (${describeTarget(channel.target)}).`, data: channelJson(channel) };
  },
});

export const notifyStatus = defineCommand({
  name: 'notify status',
  summary: 'What the delivery outbox holds: pending, retrying (next attempt), and failed for good (why)',
  examples: ['notify status', 'notify status --json'],
  options: {},
  role: 'viewer',
  mutating: false,
  tier: 'pro',
  run({ services, orgId }) {
    const status = services.alerts.status(orgId);
    const rows = [
      ...status.pending.map((entry) => [entry.channelId, entry.delivery.label, 'pending', '-', '-']),
      ...status.retrying.map((entry) => [entry.channelId, entry.delivery.label, `retrying (${entry.attempts} failed)`, when(entry.nextAttemptAt), entry.lastError ?? '-']),
      ...status.dead.map((entry) => [entry.channelId, entry.label, `dead after ${entry.attempts}`, when(entry.failedAt), entry.reason]),
    ];
    const data = { pending: status.pending.length, retrying: status.retrying.map((entry) => ({ id: entry.id, channelId: entry.channelId, attempts: entry.attempts, nextAttemptAt: entry.nextAttemptAt, lastError: entry.lastError })), dead: status.dead };
    if (rows.length === 0) return { kind: 'success', text: 'Every alert has been delivered: nothing pending, retrying or failed.', data };
    return {
      kind: status.dead.length ? 'warning' : 'info',
      title: `Alert deliveries: ${status.pending.length} pending, ${status.retrying.length} retrying, ${status.dead.length} failed`,
      table: { columns: [{ header: 'Channel' }, { header: 'Alert' }, { header: 'State' }, { header: 'When' }, { header: 'Why' }], rows },
      data,
    };
  },
});
