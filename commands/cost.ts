import { defineCommand, opt } from '#core/command.ts';
import { PERIODS } from '#domain/ledger.ts';
import { costReport, COST_GROUPINGS } from '#services/billing/cost-report.ts';
import { costReply } from '#services/billing/cost-reply.ts';

export const cost = defineCommand({
  name: 'cost',
  summary: 'What your GPUs cost: by provider, project, GPU or user, with a chart, burn rate, forecast and balances',
  description: 'Every figure comes from the ledger of usage at the price in force at the time, kept after instances are destroyed.',
  examples: ['cost', 'cost period=7d by=project', 'cost period=today by=gpu --json'],
  options: {
    period: opt.choice(PERIODS, 'the period (default month)'),
    by: opt.choice(COST_GROUPINGS, 'how to split it (default provider)'),
  },
  role: 'viewer',
  mutating: false,
  tier: 'free',
  async run(context) {
    const { services, orgId, options } = context;
    // Brings the ledger up to this minute first; an unreachable provider only leaves its rows as last seen.
    await services.fleet.sync([orgId]);
    const report = await costReport(services.fleet.context, { orgId, period: options.period ?? 'month', by: options.by ?? 'provider' });
    return costReply(report, services.charts, services.log);
  },
});
