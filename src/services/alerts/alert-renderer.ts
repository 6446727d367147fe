// The chat renderer of alert deliveries: the facts the store holds about what the alerts name, the
// chart drawn to a PNG, and the Reply with its buttons. A chart that cannot be drawn is logged and
// left out: the alert itself must still go out.
import type { Reply } from '../../core/reply.ts';
import type { Delivery } from '../../domain/alerts/index.ts';
import type { Logger } from '../../log.ts';
import type { ChartRenderer } from '../charts/index.ts';
import { describeChart } from '../charts/index.ts';
import { alertChart, type AlertChartSources } from './alert-charts.ts';
import { alertReply, namedInstances, type AlertFacts } from './alert-reply.ts';
import { leadAlert } from '../../domain/alerts/index.ts';

export interface AlertRendererDeps extends AlertChartSources {
  charts: ChartRenderer;
  log: Logger;
  now: () => Date;
}

/**
 * Chat apps show an image about 400 px wide: drawn on a small canvas at a high pixel ratio, the
 * chart's text stays readable there (on the default 800 px canvas it shrinks to half).
 */
const ALERT_CHART_SIZE = { width: 520, height: 340, devicePixelRatio: 3 };

export type AlertRenderer = (delivery: Delivery) => Promise<Reply>;

/** What the store says now about the instances and caps of the delivery's org. */
export function alertFacts(deps: Pick<AlertChartSources, 'db'>, delivery: Delivery): AlertFacts {
  const { data } = deps.db;
  const named = new Set(namedInstances(delivery.alerts));
  return {
    instances: new Map(data.instances.filter((record) => record.orgId === delivery.orgId && named.has(record.id)).map((record) => [record.id, record])),
    caps: new Map(data.automation.caps.filter((cap) => cap.orgId === delivery.orgId).map((cap) => [cap.id, cap])),
  };
}

export function createAlertRenderer(deps: AlertRendererDeps): AlertRenderer {
  return async (delivery) => {
    const facts = alertFacts(deps, delivery);
    const lead = leadAlert(delivery.alerts);
    if (!lead) return alertReply(delivery, facts);
    try {
      const chart = await alertChart(lead, namedInstances(delivery.alerts), facts, deps, deps.now().getTime());
      if (!chart) return alertReply(delivery, facts);
      const rendered = await deps.charts.render(chart.config, ALERT_CHART_SIZE);
      return alertReply(delivery, facts, { png: rendered.png, alt: describeChart(chart.config), filename: chart.filename });
    } catch (error) {
      deps.log.warn({ err: error, delivery: delivery.key }, 'the alert chart could not be drawn; sending the alert without it');
      return alertReply(delivery, facts);
    }
  };
}
