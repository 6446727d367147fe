// `prices history`: a GPU's recorded price per provider as a chart, with a verdict on today's price.
import { defineCommand, opt } from '#core/command.ts';
import { UsageError } from '#core/errors.ts';
import { describeChart } from '#services/charts/index.ts';
import { historyReport, historySince, HISTORY_MAX_DAYS } from '#services/market/index.ts';
import { ageFooter, gpusFrom, sourceProblems } from './prices.ts';

export const pricesHistory = defineCommand({
  name: 'prices history',
  summary: 'Chart a GPU model’s price over time, with a verdict on today’s price',
  description: 'Prices are recorded on every refresh (min, 10th percentile and median $/GPU-h per provider), kept raw for a day, hourly for 30 days and daily for a year.',
  examples: ['prices history gpu=H100', 'prices history gpu=4090 days=7'],
  options: {
    gpu: opt.string('one GPU model, e.g. 4090, "h100 sxm"', { required: true, positional: true, complete: 'gpu', aliases: ['model'] }),
    days: opt.integer('how far back, days (default 30)', { min: 1, max: HISTORY_MAX_DAYS }),
  },
  role: 'viewer',
  mutating: false,
  tier: 'free',
  async run({ options, services, orgId }) {
    const gpus = gpusFrom(options.gpu);
    if (gpus.length > 1) {
      throw new UsageError(`'${options.gpu}' matches ${gpus.join(', ')}; history is per model. Pick one, e.g. prices history gpu="${gpus[0]}".`);
    }
    const gpu = gpus[0]!;
    const days = options.days ?? 30;
    // A refresh first, so "now" is now (and recorded): it waits no longer than the search deadline.
    const { sources } = await services.market.refresh(orgId);
    const simulated = sources.some((source) => source.mode === 'simulated');
    const now = services.now().getTime();
    const series = await services.market.history.series([gpu], historySince(now, days), simulated);
    const report = historyReport(gpu, days, series, now, simulated, services.config.PRICES_TTL_SECONDS * 2000);
    const footer = ageFooter(sources);
    const problems = sourceProblems(sources);
    if (series.length === 0) {
      return { kind: 'info', text: [report.judgement, `No ${gpu} prices are recorded for the last ${days} days yet; they are recorded on every refresh while ComputeHub runs.`, ...problems].join('\n'), footer, data: report.data };
    }
    const chart = await services.charts.render(report.chart);
    return {
      kind: problems.length ? 'warning' : 'info',
      title: `${gpu} price history`,
      text: [report.judgement, ...problems].join('\n'),
      image: { png: chart.png, alt: describeChart(report.chart), filename: `prices-${gpu.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${days}d.png` },
      footer,
      data: { ...report.data, sources },
    };
  },
});
