import { defineCommand, opt } from '#core/command.ts';

export const audit = defineCommand({
  name: 'audit',
  summary: 'Show the audit log of changes made in this org',
  examples: ['audit', 'audit limit=50', 'audit user=slack:U0123'],
  options: {
    limit: opt.integer('how many entries, newest first', { min: 1, max: 500 }),
    user: opt.string('only this user, as platform:userId'),
    command: opt.string('only this command, e.g. destroy'),
  },
  role: 'admin',
  mutating: false,
  tier: 'free',
  async run({ options, services, orgId }) {
    const entries = await services.db.series.audit.newest(
      options.limit ?? 20,
      (entry) =>
        entry.orgId === orgId &&
        (!options.user || `${entry.actor.platform}:${entry.actor.userId}` === options.user) &&
        (!options.command || entry.command === options.command || entry.command.startsWith(`${options.command} `)),
    );
    if (entries.length === 0) return { kind: 'info', text: 'The audit log has no matching entries yet.', data: { entries: [] } };
    return {
      kind: 'info',
      title: `Audit log (${entries.length} newest)`,
      table: {
        columns: [{ header: 'When (UTC)' }, { header: 'Who' }, { header: 'Command' }, { header: 'Result' }],
        rows: entries.map((entry) => [entry.at.slice(0, 19).replace('T', ' '), entry.actor.displayName, entry.args, entry.message ? `${entry.result}: ${entry.message}` : entry.result]),
      },
      data: { entries },
    };
  },
});
