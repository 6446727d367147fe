// alert price: after every price refresh (and sync) the cheapest offer matching each alert is read
// from the market cache. At or under the threshold an armed alert fires once (`price-alert`, with the
// offer and a Deploy button); it re-arms only once the price has risen past the threshold by
// REARM_SHARE, so a price wobbling around it does not fire again and again.
import { UserError } from '#core/errors.ts';
import type { Reply } from '#core/reply.ts';
import { formatUsd, usdToMicros } from '#domain/ledger.ts';
import type { Offer } from '#domain/offer.ts';
import { offerReference } from '#domain/ranking-reference.ts';
import type { OfferCriteria } from '#domain/ranking.ts';
import type { PriceAlertRecord } from '#store/automation-schema.ts';
import { nextId, recordEvent, type AutomationContext } from './context.ts';

/** An alert that fired re-arms once the price is this share above its threshold. */
export const REARM_SHARE = 0.05;

const perGpu = (offer: Offer) => offer.pricePerHour / Math.max(1, offer.gpuCount);
const usd = (value: number) => formatUsd(usdToMicros(value));

export function priceAlertText(alert: Pick<PriceAlertRecord, 'gpu' | 'belowUsd' | 'provider' | 'region'>): string {
  return `${alert.gpu} at or under ${usd(alert.belowUsd)}/h per GPU${alert.provider ? ` on ${alert.provider}` : ''}${alert.region ? ` in ${alert.region}` : ''}`;
}

/** The cheapest on-demand offer per GPU the alert matches now, from the market cache. */
async function cheapestOffer(context: AutomationContext, alert: PriceAlertRecord): Promise<Offer | undefined> {
  // On-demand: an interruptible offer's price is a minimum bid, not what the machine will cost.
  const criteria: OfferCriteria = { gpus: alert.gpus, type: 'on-demand', ...(alert.provider && { providers: [alert.provider as Offer['provider']] }), ...(alert.region && { region: alert.region }) };
  const { offers } = await context.market.search(alert.orgId, { criteria, sort: 'price' });
  let best: Offer | undefined;
  for (const { offer } of offers) if (!best || perGpu(offer) < perGpu(best)) best = offer;
  return best;
}

export async function checkPriceAlerts(context: AutomationContext, orgId: string): Promise<void> {
  for (const alert of context.db.data.automation.priceAlerts.filter((candidate) => candidate.orgId === orgId)) {
    try {
      await checkPriceAlert(context, alert);
    } catch (error) {
      context.log.warn({ err: error, orgId, alertId: alert.id }, 'price alert check failed');
    }
  }
}

async function checkPriceAlert(context: AutomationContext, alert: PriceAlertRecord): Promise<void> {
  const offer = await cheapestOffer(context, alert);
  if (!offer) return;
  const price = perGpu(offer);
  const change = (patch: Partial<PriceAlertRecord>) =>
    context.db.update((data) => {
      const stored = data.automation.priceAlerts.find((candidate) => candidate.orgId === alert.orgId && candidate.id === alert.id);
      if (stored) Object.assign(stored, patch);
    });
  const reference = offerReference(offer);
  const values = { gpu: offer.gpu, price, below: alert.belowUsd, provider: offer.provider, region: offer.region, offer: reference };
  if (alert.armed && price <= alert.belowUsd) {
    await change({ armed: false, lastFiredAt: context.now().toISOString(), fireCount: alert.fireCount + 1 });
    const where = `${offer.provider} ${offer.region}`;
    const message = `${offer.gpuCount > 1 ? `${offer.gpuCount}× ` : ''}${offer.gpu} at ${usd(price)}/h per GPU on ${where} (offer ${reference}), at or under ${usd(alert.belowUsd)}. Rent it with: deploy ${reference}`;
    const deploy: Reply['buttons'] = [{ label: 'Deploy', command: `deploy ${reference}`, style: 'primary' }];
    await recordEvent(context, { orgId: alert.orgId, kind: 'price-alert', ruleId: alert.id, result: 'ok', message, values }, alert.channel, deploy);
    return;
  }
  if (!alert.armed && price > alert.belowUsd * (1 + REARM_SHARE)) {
    await change({ armed: true });
    await recordEvent(context, { orgId: alert.orgId, kind: 'resolved', ruleId: alert.id, result: 'resolved', message: `${alert.gpu} is back at ${usd(price)}/h per GPU, over ${usd(alert.belowUsd * (1 + REARM_SHARE))}; the alert is armed again.`, values }, alert.channel);
  }
}

/** The org's price alerts: added, listed, removed (checkPriceAlerts runs them). */
export class PriceAlerts {
  constructor(private readonly context: AutomationContext) {}

  list(orgId: string): PriceAlertRecord[] {
    return this.context.db.data.automation.priceAlerts.filter((alert) => alert.orgId === orgId);
  }

  add(orgId: string, settings: Pick<PriceAlertRecord, 'gpu' | 'gpus' | 'belowUsd' | 'provider' | 'region' | 'createdBy' | 'channel'>): Promise<PriceAlertRecord> {
    return this.context.db.update((data) => {
      const alert: PriceAlertRecord = { orgId, id: nextId(data, `alerts:${orgId}`, 'a'), ...settings, armed: true, lastFiredAt: null, fireCount: 0, createdAt: this.context.now().toISOString() };
      data.automation.priceAlerts.push(alert);
      return alert;
    });
  }

  async remove(orgId: string, id: string): Promise<PriceAlertRecord> {
    const found = this.list(orgId).find((alert) => alert.id === id.toLowerCase());
    if (!found) throw new UserError(`There is no price alert ${id} in this org. See them with: alert list`);
    await this.context.db.update((data) => {
      data.automation.priceAlerts = data.automation.priceAlerts.filter((alert) => !(alert.orgId === orgId && alert.id === found.id));
    });
    return found;
  }
}
