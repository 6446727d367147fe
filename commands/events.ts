// events [instance=] [rule=] [limit=]: what the automation decided and did, newest first.
import { defineCommand, opt } from '#core/command.ts';

export const events = defineCommand({
  name: 'events',
  summary: 'What the automation (watches, rules) decided and did, newest first',
  examples: ['events', 'events instance=i3', 'events rule=r1 limit=50', 'events --json'],
  options: {
    instance: opt.string('only this instance, e.g. i3', { complete: 'instance' }),
    rule: opt.string('only this rule (r1), or watch'),
    limit: opt.integer('how many, newest first (default 20)', { min: 1, max: 500 }),
  },
  role: 'viewer',
  mutating: false,
  tier: 'free',
  async run({ services, orgId, options }) {
    const instance = options.instance?.toLowerCase();
    const rule = options.rule?.toLowerCase();
    const found = await services.automation.events.newest(
      options.limit ?? 20,
      (event) => event.orgId === orgId && (!instance || event.instanceId === instance) && (!rule || event.ruleId === rule),
    );
    const list = found.map(({ id, at, kind, ruleId, instanceId, action, result, message }) => ({
      id,
      at,
      kind,
      ...(ruleId !== undefined && { ruleId }),
      ...(instanceId !== undefined && { instanceId }),
      ...(action !== undefined && { action }),
      result,
      message,
    }));
    if (list.length === 0) return { kind: 'info', text: 'No automation events yet. They appear once a watch or rule has something to report.', data: { events: list } };
    return {
      kind: 'info',
      title: `Events (${list.length} newest)`,
      table: {
        columns: [{ header: 'When (UTC)' }, { header: 'Kind' }, { header: 'By' }, { header: 'What' }],
        rows: list.map((event) => [event.at.slice(0, 19).replace('T', ' '), event.kind, event.ruleId ?? '-', event.message]),
      },
      data: { events: list },
    };
  },
});
