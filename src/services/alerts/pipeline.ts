// The state changes of the alert pipeline, each applied inside one db.update so a crash leaves
// either all of it or none: an event received, and a flush whose deliveries go to the outbox in the
// same write that records them as made.
import { flush, receive, type AlertEvent, type Delivery, type GroupingParams } from '#domain/alerts/index.ts';
import type { Database } from '#store/schema.ts';
import { channelsFor } from './channels.ts';
import { isNotice } from './kinds.ts';
import { newEntry } from './outbox.ts';

export function receiveAll(data: Database, events: readonly AlertEvent[], nowMs: number, params: GroupingParams): void {
  let state = data.alerts.state;
  for (const event of events) state = receive(state, event, nowMs, params);
  data.alerts.state = state;
}

/**
 * Flushes the due groups into the outbox; answers what was queued. A notice resolves itself once its
 * group has been looked at: shown (unannounced), or muted or inhibited then (it never surfaces late).
 */
export function flushIntoOutbox(data: Database, nowMs: number, params: GroupingParams): Delivery[] {
  const due = new Set(data.alerts.state.groups.filter((group) => Date.parse(group.nextFlushAt) <= nowMs).map((group) => group.key));
  const flushed = flush(data.alerts.state, nowMs, params);
  const nowIso = new Date(nowMs).toISOString();
  const queued: Delivery[] = [];
  const selfResolved: AlertEvent[] = [];
  for (const delivery of flushed.deliveries) {
    if (delivery.reason !== 'resolved') {
      for (const alert of delivery.alerts) if (alert.status === 'firing' && isNotice(alert.kind)) selfResolved.push({ ...alert, status: 'resolved', at: nowIso });
    }
    if (delivery.reason === 'resolved' && delivery.alerts.every((alert) => isNotice(alert.kind))) continue;
    for (const channel of channelsFor(data.notifyChannels, delivery)) data.alerts.outbox.push(newEntry(delivery, channel, nowIso));
    queued.push(delivery);
  }
  for (const group of flushed.state.groups) {
    if (!due.has(group.key)) continue;
    for (const alert of group.alerts) if (alert.status === 'firing' && !alert.shown && isNotice(alert.kind)) selfResolved.push({ ...alert, status: 'resolved', at: nowIso });
  }
  data.alerts.state = flushed.state;
  receiveAll(data, selfResolved, nowMs, params);
  return queued;
}
