import { defineCommand, opt } from '../src/core/command.ts';
import type { Reply } from '../src/core/reply.ts';
import { PERIODS } from '../src/domain/ledger.ts';
import { costReport, COST_GROUPINGS, type CostReport } from '../src/services/billing/cost-report.ts';
import { stackedBarChart, describeChart } from '../src/services/charts/index.ts';

const PERIOD_TEXT = { today: 'today', '7d': 'the last 7 days', '30d': 'the last 30 days', month: 'this month' } as const;

const usd = (value: number) => `$${value.toFixed(2)}`;

function balanceLine(balance: CostReport['balances'][number]): string {
  if (balance.creditUsd === null) return `${balance.provider}: no balance (${balance.note ?? 'not reported'})`;
  const runway = balance.runway ? `, lasts ${balance.runway} at ${usd(balance.burnPerHour)}/h` : ', nothing burning';
  return `${balance.provider}: ${usd(balance.creditUsd)} credit${runway}`;
}

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
    const title = `Cost for ${PERIOD_TEXT[report.period]}: ${usd(report.totalUsd)}`;
    const fields = [
      { name: 'Burn rate now', value: `${usd(report.burnPerHour)}/h`, inline: true },
      { name: 'This month so far', value: usd(report.spentThisMonthUsd), inline: true },
      { name: 'Month-end forecast', value: usd(report.forecastMonthEndUsd), inline: true },
      ...(report.balances.length ? [{ name: 'Balances', value: report.balances.map(balanceLine).join('\n') }] : []),
    ];
    const answer: Reply = {
      kind: 'info',
      title,
      fields,
      footer: report.simulated ? 'simulated providers' : undefined,
      data: report,
    };
    if (report.groups.length === 0) return { ...answer, text: 'Nothing was spent in this period.' };
    answer.table = { columns: [{ header: report.by }, { header: 'Cost', align: 'right' }], rows: report.groups.map((group) => [group.name, usd(group.usd)]) };
    const chart = stackedBarChart({
      title,
      subtitle: `By ${report.by}, per day (UTC)${report.simulated ? ' — simulated' : ''}`,
      categories: report.days.map((day) => day.slice(5)),
      categoryAxis: 'Date (UTC)',
      series: report.daily.map((group) => ({ label: group.name, values: group.usd })),
      y: { title: 'Cost', unit: '$' },
    });
    try {
      const rendered = await services.charts.render(chart);
      answer.image = { png: rendered.png, alt: describeChart(chart), filename: `cost-${report.period}-by-${report.by}.png` };
    } catch (error) {
      services.log.warn({ err: error }, 'cost chart could not be drawn');
    }
    return answer;
  },
});
