// mute <instance|rule|all> <duration> [reason], mute list, unmute <id>: silence alerts for a while,
// with author and expiry (Alertmanager's silences). Pro.
import { defineCommand, opt } from '#core/command.ts';
import type { Silence } from '#domain/alerts/index.ts';

function muteJson(silence: Silence) {
  return { id: silence.id, target: silence.target.type === 'all' ? 'all' : silence.target.id, author: silence.author, reason: silence.reason, createdAt: silence.createdAt, endsAt: silence.endsAt };
}

function until(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

export const mute = defineCommand({
  name: 'mute',
  summary: 'Mute alerts of an instance, a rule (or alert kind) or all of them for a while; `mute list` shows them',
  description: 'A muted alert starts no message and no reminder; one already shown still says when it resolves. At most 30d. `mute` alone, or `mute list`, lists the mutes in force.',
  examples: ['mute i3 2h', 'mute r1 30m maintenance window', 'mute idle 1d', 'mute all 1h deploying', 'mute list'],
  options: {
    target: opt.string('an instance (i3), a rule or cap (r1, c1), an alert kind (idle), or all; or list', { positional: true, complete: 'instance' }),
    duration: opt.string('how long, e.g. 30m, 2h, 1d', { positional: true }),
    reason: opt.string('why (shown in mute list)', { positional: true, rest: true, maxLength: 300 }),
  },
  role: 'dev',
  mutating: true,
  tier: 'pro',
  async run(context) {
    const { services, options, orgId } = context;
    if (!options.target || options.target.toLowerCase() === 'list') {
      const mutes = services.alerts.mutes.list(orgId).map(muteJson);
      if (mutes.length === 0) return { kind: 'info', text: 'Nothing is muted. Mute an instance with: mute i3 2h', data: { mutes } };
      return {
        kind: 'info',
        title: `Muted (${mutes.length})`,
        table: { columns: [{ header: 'Id' }, { header: 'What' }, { header: 'Until' }, { header: 'By' }, { header: 'Why' }], rows: mutes.map((entry) => [entry.id, entry.target, until(entry.endsAt), entry.author, entry.reason ?? '-']) },
        data: { mutes },
      };
    }
    if (!options.duration) return { kind: 'error', text: `Say for how long, e.g. mute ${options.target} 2h`, data: { error: 'duration missing' } };
    const silence = await services.alerts.mutes.add(orgId, options.target, options.duration, context.actor.displayName || `${context.actor.platform}:${context.actor.userId}`, options.reason);
    return { kind: 'success', text: `Muted ${muteJson(silence).target} until ${until(silence.endsAt)} (${silence.id}). Unmute earlier with: unmute ${silence.id}`, data: muteJson(silence) };
  },
});

export const unmute = defineCommand({
  name: 'unmute',
  summary: 'End a mute now',
  examples: ['unmute m1'],
  options: { id: opt.string('mute id from mute list, e.g. m1', { required: true, positional: true, pattern: /^m\d+$/i, patternHint: 'expected a mute id such as m1' }) },
  role: 'dev',
  mutating: true,
  tier: 'pro',
  async run({ services, orgId, options }) {
    const silence = await services.alerts.mutes.remove(orgId, options.id);
    return { kind: 'success', text: `Unmuted ${muteJson(silence).target} (${silence.id}).`, data: muteJson(silence) };
  },
});
