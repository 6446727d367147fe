// What the automation's parts share: the store, the fleet, the clock, and one way to record an
// event (stored, posted to the channel its rule or watch was made in) and an automatic action
// (the audit log, with the rule or watch as actor).
import type { Reply } from '#core/reply.ts';
import type { Logger } from '#src/log.ts';
import type { Db } from '#store/db.ts';
import type { Database } from '#store/schema.ts';
import type { EventChannel } from '#store/automation-schema.ts';
import type { FleetService } from '../fleet/index.ts';
import type { IdentityService } from '../identity.ts';
import type { MarketService } from '../market/index.ts';
import type { AutomationEvent, EventLog, NewEvent } from './events.ts';

/** Delivers a short message to a chat channel; src/main.ts wires it to the chat platforms. */
export type ChannelPoster = (channel: EventChannel, message: Reply) => Promise<void>;

/**
 * Hears every recorded event (the alerts). Answers the chat channels it delivers the event to
 * itself: the event is not posted directly there too.
 */
export type EventListener = (event: AutomationEvent) => Promise<readonly EventChannel[]>;

export interface AutomationContext {
  db: Db;
  fleet: FleetService;
  market: MarketService;
  identity: IdentityService;
  events: EventLog;
  log: Logger;
  now: () => Date;
  poster: ChannelPoster | undefined;
  listeners: EventListener[];
  /** Redeploys running in the background by "orgId/instanceId", so the sync is never held up by a machine booting. */
  background: Map<string, Promise<unknown>>;
}

export const EVENT_TITLES: Record<AutomationEvent['kind'], string> = {
  down: 'Down',
  restarted: 'Restarted',
  redeployed: 'Redeployed',
  'cap-warning': 'Cap warning',
  'cap-hit': 'Cap hit',
  idle: 'Idle',
  'rule-fired': 'Rule fired',
  'action-failed': 'Action failed',
  skipped: 'Skipped',
  'price-alert': 'Price alert',
  resolved: 'Resolved',
};

/** Who decided, for people: watch, rule r1, cap c1, idle check idle1, price alert a1, time limit. */
function actorName(ruleId: string | undefined): string {
  if (!ruleId) return 'automation';
  if (ruleId === 'watch') return 'watch';
  if (ruleId === 'time-limit') return 'time limit';
  const kind = /^idle\d+$/.test(ruleId) ? 'idle check' : /^c\d+$/.test(ruleId) ? 'cap' : /^a\d+$/.test(ruleId) ? 'price alert' : 'rule';
  return `${kind} ${ruleId}`;
}

/** The one-line chat message of an event. */
function eventMessage(event: Pick<AutomationEvent, 'kind' | 'ruleId' | 'message'>): Reply {
  const kind = event.kind === 'action-failed' || event.kind === 'down' ? 'warning' : event.kind === 'resolved' || event.kind === 'restarted' || event.kind === 'redeployed' ? 'success' : 'info';
  const who = actorName(event.ruleId);
  return { kind, text: `${EVENT_TITLES[event.kind]} (${who}): ${event.message}` };
}

/**
 * Stores the event, tells the listeners, then posts it where its rule or watch was made unless a
 * listener delivers it there; a failed listener or post is logged, never thrown.
 */
export async function recordEvent(context: AutomationContext, event: Omit<NewEvent, 'at'>, channel: EventChannel | null, buttons?: Reply['buttons']): Promise<AutomationEvent> {
  const stored = await context.events.append({ at: context.now().toISOString(), ...event });
  const covered: EventChannel[] = [];
  for (const listener of context.listeners) {
    covered.push(...(await listener(stored).catch((error: unknown) => {
      context.log.error({ err: error, eventId: stored.id }, 'an automation event listener failed');
      return [];
    })));
  }
  const coveredHere = channel && covered.some((other) => other.platform === channel.platform && other.id === channel.id);
  if (channel && context.poster && !coveredHere) {
    await context.poster(channel, { ...eventMessage(stored), ...(buttons && { buttons }) }).catch((error: unknown) => context.log.warn({ err: error, channel: channel.platform, eventId: stored.id }, 'could not post an automation event'));
  }
  return stored;
}

/** The next id of a kind in an org (r1, c1, idle1, a1): counters live in `ruleCounters`, never reused. */
export function nextId(data: Database, counter: string, prefix: string): string {
  const number = (data.automation.ruleCounters[counter] ?? 0) + 1;
  data.automation.ruleCounters[counter] = number;
  return `${prefix}${number}`;
}

/** Runs slow work (a deploy, a migration) without holding up the evaluation; `key` keeps it to one at a time. */
export function runInBackground<T>(context: AutomationContext, key: string, work: Promise<T>, outcome: { done(result: T): Promise<void>; failed(error: unknown): Promise<void> }): void {
  const tracked = work
    .then(outcome.done)
    .catch(outcome.failed)
    .catch((error: unknown) => context.log.error({ err: error, key }, 'automation background work failed'))
    .finally(() => context.background.delete(key));
  context.background.set(key, tracked);
}

/** An automatic action in the audit log, with the rule or watch as the actor. */
export function auditAction(context: AutomationContext, orgId: string, by: string, line: string, failure?: string): Promise<void> {
  return context.identity.audit({
    orgId,
    actor: { platform: 'automation', userId: by, displayName: by },
    command: line.split(' ')[0]!,
    args: line,
    result: failure ? 'error' : 'ok',
    ...(failure && { message: failure }),
  });
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
