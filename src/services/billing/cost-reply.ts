// The cost report as a Reply: headline, burn rate, forecast, balances, the table by group and the
// stacked per-day chart. The `cost` answer, and a digest's cost section.
import type { Reply } from '#core/reply.ts';
import type { Logger } from '#src/log.ts';
import { describeChart, stackedBarChart, type ChartRenderer } from '../charts/index.ts';
import type { CostReport } from './cost-report.ts';

const PERIOD_TEXT = { today: 'today', '7d': 'the last 7 days', '30d': 'the last 30 days', month: 'this month' } as const;

const usd = (value: number) => `$${value.toFixed(2)}`;

function balanceLine(balance: CostReport['balances'][number]): string {
  if (balance.creditUsd === null) return `${balance.provider}: no balance (${balance.note ?? 'not reported'})`;
  const runway = balance.runway ? `, lasts ${balance.runway} at ${usd(balance.burnPerHour)}/h` : ', nothing burning';
  return `${balance.provider}: ${usd(balance.creditUsd)} credit${runway}`;
}

export async function costReply(report: CostReport, charts: ChartRenderer, log: Logger): Promise<Reply> {
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
    const rendered = await charts.render(chart);
    answer.image = { png: rendered.png, alt: describeChart(chart), filename: `cost-${report.period}-by-${report.by}.png` };
  } catch (error) {
    log.warn({ err: error }, 'cost chart could not be drawn');
  }
  return answer;
}
