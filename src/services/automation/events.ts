// The automation's events: every decision and what came of it, in their own append-only series
// (`series/events/YYYY-MM-DD.jsonl`), ids counting on across restarts, read newest first.
import path from 'node:path';
import { z } from 'zod';
import { Series } from '#store/series.ts';
import { SERIES_DIR } from '#store/series-set.ts';

export const EVENT_KINDS = ['down', 'restarted', 'redeployed', 'cap-warning', 'cap-hit', 'idle', 'rule-fired', 'action-failed', 'skipped', 'price-alert', 'resolved'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

const automationEventSchema = z.object({
  id: z.number().int(),
  at: z.string().datetime({ offset: true }),
  orgId: z.string(),
  kind: z.enum(EVENT_KINDS),
  /** A rule id (r1), or "watch" for the watch of an instance. */
  ruleId: z.string().optional(),
  instanceId: z.string().optional(),
  action: z.string().optional(),
  /** ok, failed, skipped, detected, resolved: what came of it, in one word. */
  result: z.string(),
  message: z.string(),
  /** What the condition read, by variable (null: missing). */
  values: z.record(z.string(), z.union([z.number(), z.string(), z.null()])).optional(),
});

export type AutomationEvent = z.infer<typeof automationEventSchema>;
export type NewEvent = Omit<AutomationEvent, 'id'>;

const EVENTS_SERIES = 'events';
const EVENTS_RETENTION_DAYS = 90;

export class EventLog {
  private constructor(private readonly series: Series<AutomationEvent>, private lastId: number) {}

  static async open(dataDir: string, report: (problem: string) => void): Promise<EventLog> {
    const series = await Series.open<AutomationEvent>({
      dir: path.join(dataDir, SERIES_DIR, EVENTS_SERIES),
      schema: automationEventSchema,
      timeOf: (event) => Date.parse(event.at),
      retentionDays: EVENTS_RETENTION_DAYS,
      report,
    });
    let lastId = 0;
    for (const day of (await series.days()).reverse()) {
      for await (const event of series.readDay(day)) lastId = Math.max(lastId, event.id);
      if (lastId > 0) break;
    }
    return new EventLog(series, lastId);
  }

  async append(event: NewEvent): Promise<AutomationEvent> {
    const stored = { id: ++this.lastId, ...event };
    await this.series.append(stored);
    return stored;
  }

  /** Up to `limit` matching events, newest first. */
  async newest(limit: number, matches: (event: AutomationEvent) => boolean): Promise<AutomationEvent[]> {
    const found: AutomationEvent[] = [];
    for await (const event of this.series.newestFirst()) {
      if (!matches(event)) continue;
      found.push(event);
      if (found.length >= limit) break;
    }
    return found;
  }

  prune(nowMs: number): Promise<unknown> {
    return this.series.prune(nowMs);
  }

  flush(): Promise<void> {
    return this.series.flush();
  }
}
