// watch <id> [restart=on|off] [max=3], unwatch <id>: an instance that goes down is restarted, and
// redeployed elsewhere when a restart cannot bring it back. Pro.
import { defineCommand, opt } from '#core/command.ts';
import type { WatchRecord } from '#store/automation-schema.ts';

function watchJson(watch: WatchRecord) {
  return { instanceId: watch.instanceId, restart: watch.restart, max: watch.max, state: watch.state, restarts: watch.restarts, downSince: watch.downSince };
}

export const watch = defineCommand({
  name: 'watch',
  summary: 'Watch an instance: when it goes down, restart it (with backoff), or redeploy it elsewhere',
  description:
    'Down means the provider reports it exited, failed, stopped or unknown while nobody asked it to stop, or it vanished (host gone, outbid). Checked after every sync; restarts up to max times per outage, then (or when a restart is impossible) deploys the same template on the cheapest equivalent offer, same provider first, and destroys the old one. Events come to this chat. `watch` alone lists the watches.',
  examples: ['watch i3', 'watch i3 restart=off', 'watch i3 max=5', 'watch'],
  options: {
    id: opt.string('instance id from instances, e.g. i3', { positional: true, complete: 'instance' }),
    restart: opt.choice(['on', 'off'], 'restart it when it goes down (off: only tell)'),
    max: opt.integer('restarts per outage before redeploying', { min: 0, max: 10 }),
  },
  role: 'dev',
  mutating: true,
  tier: 'pro',
  async run(context) {
    const { services, options } = context;
    if (!options.id) {
      const watches = services.automation.watches(context.orgId).map(watchJson);
      if (watches.length === 0) return { kind: 'info', text: 'Nothing is watched. Watch an instance with: watch i3', data: { watches } };
      return {
        kind: 'info',
        title: `Watched (${watches.length})`,
        table: {
          columns: [{ header: 'Instance' }, { header: 'State' }, { header: 'Restart' }, { header: 'Restarts', align: 'right' }],
          rows: watches.map((entry) => [entry.instanceId, entry.state, entry.restart ? `on, max ${entry.max}` : 'off', String(entry.restarts)]),
        },
        data: { watches },
      };
    }
    const record = await services.automation.watch(context.orgId, options.id, {
      restart: (options.restart ?? 'on') === 'on',
      max: options.max ?? 3,
      by: `${context.actor.platform}:${context.actor.userId}`,
      channel: { platform: context.channel.platform, id: context.channel.id },
    });
    const then = record.restart ? `I restart it (up to ${record.max} times per outage), then redeploy it elsewhere if that does not help` : 'I tell this chat';
    return { kind: 'success', text: `Watching ${record.instanceId}. If it goes down, ${then}. Checked after every sync. Stop with: unwatch ${record.instanceId}`, data: watchJson(record) };
  },
});

export const unwatch = defineCommand({
  name: 'unwatch',
  summary: 'Stop watching an instance',
  examples: ['unwatch i3'],
  options: { id: opt.string('instance id, e.g. i3', { required: true, positional: true, complete: 'instance' }) },
  role: 'dev',
  mutating: true,
  tier: 'pro',
  async run(context) {
    const record = await context.services.automation.unwatch(context.orgId, context.options.id);
    return { kind: 'success', text: `${record.instanceId} is no longer watched.`, data: watchJson(record) };
  },
});
