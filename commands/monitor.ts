// monitor [<id>] [hours=6]: GPU utilisation, VRAM, temperature and cost over time as one image of
// panels; without an id, every running instance at a glance. Pro.
import { defineCommand, opt } from '#core/command.ts';
import type { Reply } from '#core/reply.ts';
import type { MetricSummary } from '#domain/monitoring.ts';
import { FLEET_PANELS_MAX } from '#services/monitoring/index.ts';

const usd = (value: number) => `$${value.toFixed(2)}`;
const orDash = (value: number | undefined, unit: string) => (value === undefined ? '-' : `${value}${unit}`);

function vram(summary: MetricSummary): string {
  const { vramUsedGb, vramTotalGb } = summary.latest;
  if (vramUsedGb === undefined) return '-';
  return vramTotalGb ? `${vramUsedGb} / ${vramTotalGb} GB` : `${vramUsedGb} GB`;
}

export const monitor = defineCommand({
  name: 'monitor',
  summary: 'Chart GPU utilisation, VRAM, temperature and cost over time: one instance, or the running fleet',
  description:
    `From the GPU metrics each sync records (a week kept sample by sample, hourly means after that; windows over 48 h are drawn from hourly means) and the cost ledger. Vast.ai and RunPod report GPU metrics; Lambda and TensorDock do not, so their instances show cost only. \`monitor\` alone draws a panel per running instance (the ${FLEET_PANELS_MAX} dearest). --json gives the series.`,
  examples: ['monitor', 'monitor i3', 'monitor i3 hours=48', 'monitor i3 --json'],
  options: {
    id: opt.string('instance id, e.g. i3 (none: every running instance)', { positional: true, complete: 'instance' }),
    hours: opt.integer('how far back, in hours (default 6)', { min: 1, max: 720 }),
  },
  role: 'viewer',
  mutating: false,
  tier: 'pro',
  async run({ services, orgId, options }) {
    const hours = options.hours ?? 6;
    if (options.id) {
      const view = await services.monitoring.instance(orgId, options.id, hours);
      const { instance, summary } = view;
      const spent = view.cost.at(-1)?.spentUsd ?? 0;
      const answer: Reply = {
        kind: 'info',
        title: `${instance.id} (${instance.name}): last ${hours} h`,
        fields: [
          { name: 'GPU now', value: orDash(summary.latest.gpuUtilPercent, ' %'), inline: true },
          { name: 'GPU mean', value: orDash(summary.meanUtilPercent, ' %'), inline: true },
          { name: 'VRAM now', value: vram(summary), inline: true },
          { name: 'Temperature max', value: orDash(summary.maxTempC, ' °C'), inline: true },
          { name: 'Spent in the window', value: usd(spent), inline: true },
          { name: 'Rate', value: `${usd(instance.pricePerHour)}/h (${instance.status})`, inline: true },
        ],
        ...(view.samples.length === 0 && { text: `${instance.id} reported no GPU metrics in this window (its provider reports none, or it was not running): cost only.` }),
        footer: instance.simulated ? 'simulated provider' : undefined,
        data: view,
      };
      const image = await services.monitoring.instanceImage(view);
      return image ? { ...answer, image } : answer;
    }
    const view = await services.monitoring.fleet(orgId, hours);
    if (view.instances.length === 0) return { kind: 'info', text: 'No instance is running. Chart a stopped or past one with: monitor i3', data: view };
    const answer: Reply = {
      kind: 'info',
      title: `Running now (${view.instances.length}): last ${hours} h`,
      table: {
        columns: [{ header: 'Instance' }, { header: 'GPU' }, { header: 'GPU now', align: 'right' }, { header: 'GPU mean', align: 'right' }, { header: 'VRAM' }, { header: '°C', align: 'right' }, { header: '$/h', align: 'right' }],
        rows: view.instances.map(({ instance, summary }) => [
          instance.id,
          `${instance.gpu} · ${instance.provider}`,
          orDash(summary.latest.gpuUtilPercent, ' %'),
          orDash(summary.meanUtilPercent, ' %'),
          vram(summary),
          orDash(summary.latest.gpuTempC, ''),
          usd(instance.pricePerHour),
        ]),
      },
      footer: 'Details of one: monitor i3',
      data: view,
    };
    const image = await services.monitoring.fleetImage(view);
    return image ? { ...answer, image } : answer;
  },
});
