// What a digest posts, as chat messages: the cost of the last 7 days with its chart, the
// automation's events of the day (or week) before it was due, and the money leaks now.
import type { Reply } from '#core/reply.ts';
import { digestWindowMs, type DigestEvery } from '#domain/digests.ts';
import type { Logger } from '#src/log.ts';
import type { Db } from '#store/db.ts';
import type { EventLog } from '../automation/events.ts';
import { costReport } from '../billing/cost-report.ts';
import { costReply } from '../billing/cost-reply.ts';
import { leaksReply, moneyLeaks } from '../billing/leaks.ts';
import type { ChartRenderer } from '../charts/index.ts';
import type { FleetContext } from '../fleet/context.ts';

/** Events shown in a digest; the rest are counted and left to `events`. */
const EVENTS_SHOWN = 20;
const EVENTS_READ = 500;

export interface DigestSources {
  db: Db;
  fleet: FleetContext;
  charts: ChartRenderer;
  events: EventLog;
  log: Logger;
  now: () => Date;
}

async function eventsReply(sources: DigestSources, orgId: string, every: DigestEvery, nowMs: number): Promise<Reply> {
  const fromMs = nowMs - digestWindowMs({ every });
  const span = every === 'daily' ? 'the last day' : 'the last week';
  const found = await sources.events.newest(EVENTS_READ, (event) => event.orgId === orgId && Date.parse(event.at) >= fromMs);
  if (found.length === 0) return { kind: 'info', text: `The automation had nothing to report in ${span}.` };
  const shown = found.slice(0, EVENTS_SHOWN);
  const more = found.length - shown.length;
  return {
    kind: 'info',
    title: `Automation in ${span}: ${found.length}${found.length === EVENTS_READ ? '+' : ''} events`,
    table: {
      columns: [{ header: 'When (UTC)' }, { header: 'Kind' }, { header: 'Instance' }, { header: 'What' }],
      rows: shown.map((event) => [event.at.slice(5, 16).replace('T', ' '), event.kind, event.instanceId ?? '-', event.message]),
    },
    ...(more > 0 && { footer: `${more} more: events limit=${Math.min(500, found.length)}` }),
  };
}

/** The digest's messages, in the order they are posted. */
export async function digestMessages(sources: DigestSources, orgId: string, every: DigestEvery, label: string): Promise<Reply[]> {
  const nowMs = sources.now().getTime();
  const cost = await costReply(await costReport(sources.fleet, { orgId, period: '7d', by: 'provider' }), sources.charts, sources.log);
  const leaks = leaksReply(await moneyLeaks(sources, orgId), nowMs);
  return [{ ...cost, title: `${label} — ${cost.title}` }, await eventsReply(sources, orgId, every, nowMs), leaks];
}
