import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GROUPING,
  addSilence,
  alertPayload,
  alertStateSchema,
  emptyAlertState,
  flush,
  nextFlushAt,
  receive,
  type AlertEvent,
  type AlertState,
  type Delivery,
} from '#domain/alerts/index.ts';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

function event(overrides: Partial<AlertEvent> & { atMs: number }): AlertEvent {
  const { atMs, ...rest } = overrides;
  return { kind: 'rule-fired', status: 'firing', severity: 'warning', orgId: 'o1', ruleId: 'r1', instanceId: 'i1', message: 'r1 fired', at: new Date(atMs).toISOString(), ...rest };
}

/** Drives the machine: events in time order, flushing whenever a group falls due, until `untilMs`. */
class Clock {
  state: AlertState = emptyAlertState();
  deliveries: Delivery[] = [];
  nowMs = T0;

  advanceTo(untilMs: number): void {
    for (let due = nextFlushAt(this.state); due !== null && due <= untilMs; due = nextFlushAt(this.state)) {
      this.nowMs = Math.max(this.nowMs, due);
      this.flushNow();
    }
    this.nowMs = untilMs;
  }

  send(input: AlertEvent): void {
    this.advanceTo(Date.parse(input.at));
    this.state = receive(this.state, input, this.nowMs, DEFAULT_GROUPING);
  }

  private flushNow(): void {
    const outcome = flush(this.state, this.nowMs, DEFAULT_GROUPING);
    this.state = outcome.state;
    this.deliveries.push(...outcome.deliveries);
  }
}

describe('alert grouping', () => {
  it('turns 100 firing events of one rule within a minute into one message, then one resolved edit', () => {
    const clock = new Clock();
    for (let index = 0; index < 100; index++) clock.send(event({ atMs: T0 + (index * MINUTE) / 100, instanceId: `i${index % 10}`, message: `i${index % 10} is hot` }));
    clock.advanceTo(T0 + 2 * MINUTE);
    expect(clock.deliveries).toHaveLength(1);
    const [message] = clock.deliveries;
    expect(message).toMatchObject({ reason: 'new', status: 'firing', edits: [], label: 'r1' });
    expect(message!.at).toBe(new Date(T0 + 30 * SECOND).toISOString());

    for (let index = 0; index < 10; index++) clock.send(event({ atMs: T0 + 3 * MINUTE, status: 'resolved', instanceId: `i${index}` }));
    clock.advanceTo(T0 + HOUR);
    expect(clock.deliveries).toHaveLength(2);
    const resolved = clock.deliveries[1]!;
    expect(resolved).toMatchObject({ reason: 'resolved', status: 'resolved', edits: [message!.key] });
    expect(resolved.alerts).toHaveLength(10);
    expect(resolved.alerts.every((alert) => alert.status === 'resolved')).toBe(true);
    expect(clock.state.groups).toEqual([]);
  });

  it('edits the message when alerts join after the first notification, at the next group interval', () => {
    const clock = new Clock();
    clock.send(event({ atMs: T0 }));
    clock.send(event({ atMs: T0 + MINUTE, instanceId: 'i2' }));
    clock.advanceTo(T0 + 30 * SECOND + 5 * MINUTE);
    expect(clock.deliveries.map((delivery) => delivery.reason)).toEqual(['new', 'update']);
    expect(clock.deliveries[1]!.edits).toEqual([clock.deliveries[0]!.key]);
    expect(clock.deliveries[1]!.alerts.map((alert) => alert.instanceId)).toEqual(['i1', 'i2']);
  });

  it('says nothing about an alert that fires and resolves within group_wait', () => {
    const clock = new Clock();
    clock.send(event({ atMs: T0 }));
    clock.send(event({ atMs: T0 + 10 * SECOND, status: 'resolved' }));
    clock.advanceTo(T0 + HOUR);
    expect(clock.deliveries).toEqual([]);
    expect(clock.state.groups).toEqual([]);
  });

  it('reminds after repeat_interval with a new message, and the resolution edits every message', () => {
    const clock = new Clock();
    clock.send(event({ atMs: T0, kind: 'down', ruleId: undefined, severity: 'critical', message: 'i1 is down' }));
    clock.advanceTo(T0 + 4 * HOUR);
    expect(clock.deliveries.map((delivery) => delivery.reason)).toEqual(['new']);
    clock.advanceTo(T0 + 4 * HOUR + 6 * MINUTE);
    expect(clock.deliveries.map((delivery) => delivery.reason)).toEqual(['new', 'repeat']);
    const [first, repeat] = clock.deliveries;
    expect(repeat).toMatchObject({ edits: [], label: 'down', severity: 'critical' });
    expect(Date.parse(repeat!.at) - Date.parse(first!.at)).toBeGreaterThanOrEqual(4 * HOUR);
    clock.advanceTo(T0 + 8 * HOUR);
    expect(clock.deliveries).toHaveLength(2);
    clock.send(event({ atMs: T0 + 8 * HOUR, kind: 'down', ruleId: undefined, status: 'resolved' }));
    clock.advanceTo(T0 + 9 * HOUR);
    expect(clock.deliveries[2]).toMatchObject({ reason: 'resolved', edits: [first!.key, repeat!.key] });
  });

  it('delivers nothing for a muted instance until the mute expires', () => {
    const clock = new Clock();
    clock.state = addSilence(clock.state, { orgId: 'o1', target: { type: 'instance', id: 'i1' }, durationMs: 2 * HOUR, author: 'telegram:42', reason: 'maintenance' }, T0).state;
    clock.send(event({ atMs: T0 + MINUTE }));
    clock.advanceTo(T0 + 2 * HOUR);
    expect(clock.deliveries).toEqual([]);
    clock.advanceTo(T0 + 2 * HOUR + 5 * MINUTE);
    expect(clock.deliveries).toHaveLength(1);
    expect(clock.deliveries[0]).toMatchObject({ reason: 'new', alerts: [{ instanceId: 'i1' }] });
    expect(clock.state.silences).toEqual([]);
  });

  it('mutes only what the silence names, in its own org', () => {
    const clock = new Clock();
    clock.state = addSilence(clock.state, { orgId: 'o1', target: { type: 'rule', id: 'idle' }, durationMs: HOUR, author: 'slack:U1' }, T0).state;
    clock.send(event({ atMs: T0, kind: 'idle', ruleId: undefined, message: 'i1 idle' }));
    clock.send(event({ atMs: T0, kind: 'idle', ruleId: undefined, orgId: 'o2', message: 'o2 i1 idle' }));
    clock.send(event({ atMs: T0, ruleId: 'r7', message: 'r7 fired' }));
    clock.advanceTo(T0 + MINUTE);
    expect(clock.deliveries.map((delivery) => `${delivery.orgId}:${delivery.label}`).sort()).toEqual(['o1:r7', 'o2:idle']);
  });

  it('a silenced alert already in a message still resolves it, but gets no reminder', () => {
    const clock = new Clock();
    clock.send(event({ atMs: T0 }));
    clock.advanceTo(T0 + MINUTE);
    clock.state = addSilence(clock.state, { orgId: 'o1', target: { type: 'all' }, durationMs: 6 * HOUR, author: 'console:local' }, T0 + MINUTE).state;
    clock.advanceTo(T0 + 5 * HOUR);
    expect(clock.deliveries.map((delivery) => delivery.reason)).toEqual(['new']);
    clock.send(event({ atMs: T0 + 5 * HOUR, status: 'resolved' }));
    clock.advanceTo(T0 + 6 * HOUR);
    expect(clock.deliveries.map((delivery) => delivery.reason)).toEqual(['new', 'resolved']);
  });

  it('an instance that is down mutes its idle and cost alerts, not another instance’s', () => {
    const clock = new Clock();
    const down = { kind: 'down', ruleId: undefined, severity: 'critical' as const, message: 'i1 is down' };
    clock.send(event({ atMs: T0, ...down }));
    clock.send(event({ atMs: T0 + SECOND, kind: 'idle', ruleId: undefined, message: 'i1 idle' }));
    clock.send(event({ atMs: T0 + SECOND, kind: 'cap-hit', ruleId: undefined, message: 'i1 hit its cap' }));
    clock.send(event({ atMs: T0 + SECOND, kind: 'idle', ruleId: undefined, instanceId: 'i2', message: 'i2 idle' }));
    clock.advanceTo(T0 + 2 * HOUR);
    expect(clock.deliveries.map((delivery) => `${delivery.label}:${delivery.alerts.map((alert) => alert.instanceId).join(',')}`).sort()).toEqual(['down:i1', 'idle:i2']);
    clock.send(event({ atMs: T0 + 2 * HOUR, ...down, status: 'resolved' }));
    clock.advanceTo(T0 + 2 * HOUR + 5 * MINUTE);
    const after = clock.deliveries.slice(2).map((delivery) => `${delivery.label}:${delivery.reason}:${delivery.alerts.map((alert) => alert.instanceId).join(',')}`);
    expect(after.sort()).toEqual(['cap-hit:new:i1', 'down:resolved:i1', 'idle:update:i1,i2']);
  });

  it('keeps state that survives JSON and validates', () => {
    const clock = new Clock();
    clock.send(event({ atMs: T0, values: { gpu_util: 3 } }));
    clock.state = addSilence(clock.state, { orgId: 'o1', target: { type: 'instance', id: 'i9' }, durationMs: HOUR, author: 'a', reason: 'x' }, T0).state;
    clock.advanceTo(T0 + MINUTE);
    const copy = JSON.parse(JSON.stringify(clock.state));
    expect(alertStateSchema.parse(copy)).toEqual(clock.state);
  });

  it('sums a delivery up as the webhook body', () => {
    const clock = new Clock();
    clock.send(event({ atMs: T0, severity: 'info', message: 'i1 idle 30m' }));
    clock.send(event({ atMs: T0 + SECOND, instanceId: 'i2', severity: 'critical', message: 'i2 idle 45m' }));
    clock.advanceTo(T0 + MINUTE);
    const payload = alertPayload(clock.deliveries[0]!);
    expect(payload).toMatchObject({ type: 'rule-fired', status: 'firing', severity: 'critical', rule: 'r1', startsAt: new Date(T0).toISOString(), message: 'i1 idle 30m\ni2 idle 45m' });
    expect(payload.instance).toBeUndefined();
    expect(payload.endsAt).toBeUndefined();
    expect(payload.alerts).toHaveLength(2);
  });
});

const eventArbitrary = fc.record({
  offsetMs: fc.integer({ min: 0, max: 10 * HOUR }),
  kind: fc.constantFrom('down', 'idle', 'cap-hit', 'rule-fired'),
  ruleId: fc.constantFrom(undefined, 'r1', 'r2'),
  instanceId: fc.constantFrom(undefined, 'i1', 'i2', 'i3'),
  orgId: fc.constantFrom('o1', 'o2'),
  status: fc.constantFrom('firing' as const, 'resolved' as const),
  severity: fc.constantFrom('info' as const, 'warning' as const, 'critical' as const),
});

const muteArbitrary = fc.record({
  offsetMs: fc.integer({ min: 0, max: 10 * HOUR }),
  orgId: fc.constantFrom('o1', 'o2'),
  target: fc.constantFrom({ type: 'all' as const }, { type: 'instance' as const, id: 'i1' }, { type: 'rule' as const, id: 'r1' }, { type: 'rule' as const, id: 'idle' }),
  durationMs: fc.integer({ min: MINUTE, max: 6 * HOUR }),
});

describe('alert grouping on random event streams', () => {
  it('never repeats an idempotency key, and every message sent gets its resolved edit once all alerts resolve', () => {
    fc.assert(
      fc.property(fc.array(eventArbitrary, { maxLength: 60 }), fc.array(muteArbitrary, { maxLength: 4 }), (events, mutes) => {
        const clock = new Clock();
        const timeline = [
          ...events.map((entry) => ({ at: T0 + entry.offsetMs, apply: () => clock.send(event({ atMs: T0 + entry.offsetMs, ...entry, message: `${entry.kind} ${entry.instanceId ?? ''}` })) })),
          ...mutes.map((mute) => ({ at: T0 + mute.offsetMs, apply: () => {
            clock.advanceTo(T0 + mute.offsetMs);
            clock.state = addSilence(clock.state, { ...mute, author: 'someone' }, clock.nowMs).state;
          } })),
        ].sort((a, b) => a.at - b.at);
        for (const step of timeline) step.apply();
        const end = T0 + 11 * HOUR;
        for (const group of clock.state.groups) {
          for (const alert of group.alerts) {
            clock.send({ kind: alert.kind, status: 'resolved', severity: alert.severity, orgId: alert.orgId, ruleId: alert.ruleId, instanceId: alert.instanceId, at: new Date(end).toISOString(), message: 'ok' });
          }
        }
        clock.advanceTo(end + 2 * DEFAULT_GROUPING.groupIntervalMs);

        const keys = clock.deliveries.map((delivery) => delivery.key);
        expect(new Set(keys).size).toBe(keys.length);
        expect(clock.state.groups).toEqual([]);
        const resolvedEdits = new Set(clock.deliveries.filter((delivery) => delivery.reason === 'resolved').flatMap((delivery) => delivery.edits));
        for (const delivery of clock.deliveries) {
          if (delivery.reason === 'new' || delivery.reason === 'repeat') expect(resolvedEdits.has(delivery.key)).toBe(true);
          expect(delivery.alerts.length).toBeGreaterThan(0);
        }
        expect(alertStateSchema.safeParse(JSON.parse(JSON.stringify(clock.state))).success).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('silences', () => {
  it('refuse a duration out of range with what to do', () => {
    const state = emptyAlertState();
    expect(() => addSilence(state, { orgId: 'o1', target: { type: 'all' }, durationMs: 0, author: 'a' }, T0)).toThrow(/above zero, e.g. 2h/);
    expect(() => addSilence(state, { orgId: 'o1', target: { type: 'all' }, durationMs: 31 * 24 * HOUR, author: 'a' }, T0)).toThrow(/at most 30 days/);
    const { silence } = addSilence(state, { orgId: 'o1', target: { type: 'all' }, durationMs: 2 * HOUR, author: 'telegram:42', reason: '  deploy window ' }, T0);
    expect(silence).toMatchObject({ id: 'm1', author: 'telegram:42', reason: 'deploy window', endsAt: new Date(T0 + 2 * HOUR).toISOString() });
  });
});
