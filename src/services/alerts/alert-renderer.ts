// An alert's pictures for every channel: the chat message (the Reply with its chart and buttons) and
// the chart alone (inline in the email). Both read what the store holds now about the instances and
// caps the alerts name. A chart that cannot be drawn is logged and left out: the alert still goes.
import type { Reply, ReplyImage } from '#core/reply.ts';
import { leadAlert, type Delivery } from '#domain/alerts/index.ts';
import type { Logger } from '#src/log.ts';
import { describeChart, type ChartRenderer } from '../charts/index.ts';
import { alertChart, type AlertChartSources } from './alert-charts.ts';
import { alertReply, namedInstances, type AlertFacts } from './alert-reply.ts';
import type { AlertChart, AlertRenderer } from './senders.ts';

export interface AlertPicturesDeps extends AlertChartSources {
  charts: ChartRenderer;
  log: Logger;
  now: () => Date;
}

export interface AlertPictures {
  render: AlertRenderer;
  chart: AlertChart;
}

/**
 * Chat apps show an image about 400 px wide: drawn on a small canvas at a high pixel ratio, the
 * chart's text stays readable there (on the default 800 px canvas it shrinks to half).
 */
const ALERT_CHART_SIZE = { width: 520, height: 340, devicePixelRatio: 3 };

/** What the store says now about the instances and caps of the delivery's org. */
export function alertFacts(deps: Pick<AlertChartSources, 'db'>, delivery: Delivery): AlertFacts {
  const { data } = deps.db;
  const named = new Set(namedInstances(delivery.alerts));
  return {
    instances: new Map(data.instances.filter((record) => record.orgId === delivery.orgId && named.has(record.id)).map((record) => [record.id, record])),
    caps: new Map(data.automation.caps.filter((cap) => cap.orgId === delivery.orgId).map((cap) => [cap.id, cap])),
  };
}

export function createAlertPictures(deps: AlertPicturesDeps): AlertPictures {
  const image = async (delivery: Delivery, facts: AlertFacts): Promise<ReplyImage | undefined> => {
    const lead = leadAlert(delivery.alerts);
    if (!lead) return undefined;
    try {
      const chart = await alertChart(lead, namedInstances(delivery.alerts), facts, deps, deps.now().getTime());
      if (!chart) return undefined;
      const rendered = await deps.charts.render(chart.config, ALERT_CHART_SIZE);
      return { png: rendered.png, alt: describeChart(chart.config), filename: chart.filename };
    } catch (error) {
      deps.log.warn({ err: error, delivery: delivery.key }, 'the alert chart could not be drawn; sending the alert without it');
      return undefined;
    }
  };
  return {
    render: async (delivery): Promise<Reply> => {
      const facts = alertFacts(deps, delivery);
      return alertReply(delivery, facts, await image(delivery, facts));
    },
    chart: (delivery) => image(delivery, alertFacts(deps, delivery)),
  };
}
