// alert price gpu=H100 below=2.00 [provider=] [region=], alert list, alert remove <id>: a message with
// the offer and a Deploy button when the cheapest matching offer drops to the threshold. Pro.
import { defineCommand, defineGroup, opt, type CommandContext } from '#core/command.ts';
import { PROVIDER_NAMES } from '#domain/providers.ts';
import type { Reply } from '#core/reply.ts';
import { formatUsd, usdToMicros } from '#domain/ledger.ts';
import type { PriceAlertRecord } from '#store/automation-schema.ts';
import { priceAlertText, REARM_SHARE } from '#services/automation/price-alerts.ts';
import { gpusFrom } from './prices.ts';

export const alertGroup = defineGroup({ name: 'alert', summary: 'Price alerts: a message with a Deploy button when a GPU gets cheap (Pro)', aliases: ['alerts'], defaultSubcommand: 'list' });

function alertJson(alert: PriceAlertRecord) {
  return { id: alert.id, gpu: alert.gpu, below: alert.belowUsd, provider: alert.provider, region: alert.region, armed: alert.armed, lastFiredAt: alert.lastFiredAt, fireCount: alert.fireCount };
}

export const alertPrice = defineCommand({
  name: 'alert price',
  summary: 'Tell this chat when the cheapest on-demand offer of a GPU drops to a price ($/h per GPU)',
  description: `Checked after every price refresh against the offers on the market. It fires once when the price reaches the threshold, with the offer and a Deploy button, and again only after the price has gone back over the threshold by ${REARM_SHARE * 100} %.`,
  examples: ['alert price gpu=H100 below=2.00', 'alert price gpu=4090 below=0.35 provider=vast region=EU'],
  options: {
    gpu: opt.string('GPU model, e.g. H100 or 4090', { required: true, complete: 'gpu' }),
    below: opt.number('the price in $/h per GPU at or under which to tell', { required: true, min: 0.001, max: 1000 }),
    provider: opt.choice(PROVIDER_NAMES, 'only this provider', { complete: 'provider' }),
    region: opt.string('a continent, country code or region name, e.g. EU or US'),
  },
  role: 'dev',
  mutating: true,
  tier: 'pro',
  async run(context): Promise<Reply> {
    const { options } = context;
    const alert = await context.services.automation.priceAlerts.add(context.orgId, {
      gpu: options.gpu,
      gpus: gpusFrom(options.gpu),
      belowUsd: options.below,
      provider: options.provider ?? null,
      region: options.region ?? null,
      createdBy: `${context.actor.platform}:${context.actor.userId}`,
      channel: { platform: context.channel.platform, id: context.channel.id },
    });
    return { kind: 'success', text: `Added ${alert.id}: I tell this chat when ${priceAlertText(alert)}. Checked after every price refresh. Remove with: alert remove ${alert.id}`, data: alertJson(alert) };
  },
});

export const alertList = defineCommand({
  name: 'alert list',
  summary: 'List the price alerts of this org',
  examples: ['alert list', 'alert list --json'],
  options: {},
  role: 'viewer',
  mutating: false,
  tier: 'pro',
  run(context: CommandContext): Reply {
    const alerts = context.services.automation.priceAlerts.list(context.orgId).map(alertJson);
    if (alerts.length === 0) return { kind: 'info', text: 'No price alerts yet. Add one with: alert price gpu=H100 below=2.00', data: { alerts } };
    return {
      kind: 'info',
      title: `Price alerts (${alerts.length})`,
      table: {
        columns: [{ header: 'Id' }, { header: 'GPU' }, { header: 'At or under' }, { header: 'Where' }, { header: 'State' }, { header: 'Fired', align: 'right' }],
        rows: alerts.map((alert) => [alert.id, alert.gpu, `${formatUsd(usdToMicros(alert.below))}/h`, [alert.provider, alert.region].filter(Boolean).join(' ') || 'anywhere', alert.armed ? 'armed' : 'fired, re-arms when it rises', String(alert.fireCount)]),
      },
      data: { alerts },
    };
  },
});

export const alertRemove = defineCommand({
  name: 'alert remove',
  summary: 'Remove a price alert',
  examples: ['alert remove a1'],
  options: { id: opt.string('alert id from alert list, e.g. a1', { required: true, positional: true, pattern: /^a\d+$/i, patternHint: 'expected an alert id such as a1' }) },
  role: 'dev',
  mutating: true,
  tier: 'pro',
  async run(context): Promise<Reply> {
    const alert = await context.services.automation.priceAlerts.remove(context.orgId, context.options.id);
    return { kind: 'success', text: `Removed ${alert.id} (${priceAlertText(alert)}).`, data: alertJson(alert) };
  },
});
