// The chat message of an alert: what and where, what it costs, where to look closer, and buttons
// that act on exactly the instances it names, in its org; the resolved edit drops the actions.
import { describe, expect, it } from 'vitest';
import type { Alert, Delivery } from '#domain/alerts/index.ts';
import { alertReply, raisedCap, type AlertFacts } from '#services/alerts/alert-reply.ts';
import type { CapRecord } from '#store/automation-schema.ts';
import type { InstanceRecord } from '#store/fleet-schema.ts';

const AT = '2026-12-03T01:58:00.000Z';

function instance(id: string, change: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    id,
    orgId: 'acme',
    projectId: 'default',
    provider: 'vast',
    providerInstanceId: `v-${id}`,
    label: `computehub-${id}`,
    deployToken: null,
    name: `train-${id}`,
    templateId: 'pytorch',
    external: false,
    createdBy: 'telegram:1',
    status: 'running',
    phase: 'ready',
    rawStatus: 'running',
    gpu: 'RTX 4090',
    gpuCount: 1,
    pricePerHour: 0.45,
    stoppedPricePerHour: 0.02,
    interruptible: false,
    ssh: { host: '10.0.0.1', port: 2222, user: 'root' },
    ports: [],
    simulated: true,
    createdAt: '2026-12-02T20:00:00.000Z',
    accruedUntil: AT,
    ...change,
  };
}

const CAP: CapRecord = { orgId: 'acme', id: 'c1', instanceId: 'i3', projectId: null, usd: 20, per: 'total', action: 'stop', warnedPeriod: 'total', hitPeriod: null, createdBy: 'telegram:1', createdAt: AT, channel: null };

function alert(kind: string, change: Partial<Alert> = {}): Alert {
  return { key: `acme/${kind}/${change.instanceId ?? 'i3'}`, kind, severity: 'critical', orgId: 'acme', instanceId: 'i3', status: 'firing', startsAt: AT, message: `i3 (train-i3) is ${kind}.`, shown: true, ...change };
}

function delivery(alerts: Alert[], change: Partial<Delivery> = {}): Delivery {
  const severity = alerts.some((entry) => entry.severity === 'critical') ? 'critical' : alerts.some((entry) => entry.severity === 'warning') ? 'warning' : 'info';
  return { key: 'd1', groupKey: 'acme/down', orgId: 'acme', label: alerts[0]!.ruleId ?? alerts[0]!.kind, status: 'firing', severity, reason: 'new', edits: [], alerts, at: AT, ...change };
}

function facts(...records: InstanceRecord[]): AlertFacts {
  return { instances: new Map(records.map((record) => [record.id, record])), caps: new Map([[CAP.id, CAP]]) };
}

const commands = (message: ReturnType<typeof alertReply>) => (message.buttons ?? []).map((button) => button.command);
const field = (message: ReturnType<typeof alertReply>, name: string) => message.fields?.find((entry) => entry.name === name)?.value;

describe('alert reply', () => {
  it('names a crashed machine, what it costs and how to look closer; Restart and Mute act on it in its org', () => {
    const crashed = instance('i3', { status: 'exited', rawStatus: 'exited' });
    const message = alertReply(delivery([alert('down')]), facts(crashed));
    expect(message.kind).toBe('error');
    expect(message.title).toBe('Down: i3 (train-i3)');
    expect(message.text).toBe('i3 (train-i3) is down.');
    expect(field(message, 'Severity')).toBe('critical');
    expect(field(message, 'Provider')).toBe('vast · RTX 4090');
    // Exited bills only its disk: there is nothing for Stop to save.
    expect(field(message, 'Cost')).toBe('$0.02/h (stopped: disk only)');
    expect(field(message, 'Since')).toBe('2026-12-03 01:58 UTC');
    expect(commands(message)).toEqual(['restart i3 --org=acme', 'mute i3 2h --org=acme']);
    expect(message.buttons!.map((button) => button.label)).toEqual(['Restart i3', 'Mute i3 2h']);
    expect(message.footer).toBe('More: ssh i3 · events instance=i3 · simulated');
  });

  it('offers Stop for a machine still billing, Start for one stopped, nothing for one destroyed', () => {
    expect(commands(alertReply(delivery([alert('idle', { severity: 'warning' })]), facts(instance('i3'))))).toEqual(['stop i3 --org=acme', 'mute i3 2h --org=acme']);
    expect(commands(alertReply(delivery([alert('down')]), facts(instance('i3', { status: 'stopped' }))))).toEqual(['start i3 --org=acme', 'mute i3 2h --org=acme']);
    const gone = alertReply(delivery([alert('down')]), facts(instance('i3', { destroyedAt: AT, status: 'terminated' })));
    expect(commands(gone)).toEqual(['mute i3 2h --org=acme']);
    expect(gone.footer).toBe('More: events instance=i3 · simulated');
  });

  it('raises a cap to a round amount half as high again, keeping its period and action', () => {
    const message = alertReply(delivery([alert('cap-hit', { ruleId: 'c1', values: { spend: 20.13, cap: 20 } })]), facts(instance('i3')));
    expect(message.buttons![0]).toEqual({ label: 'Raise cap to $30.00', command: 'cap i3 30 per=total action=stop --org=acme', style: 'primary' });
    expect(commands(message)).toContain('stop i3 --org=acme');
    expect(field(message, 'Spend')).toBe('$20.13 of $20.00');
    expect(field(message, 'Rule')).toBe('c1');
    expect([20, 10, 5, 50, 100, 1000, 0.5, 37].map(raisedCap)).toEqual([30, 15, 8, 80, 150, 1500, 1, 60]);
  });

  it('gives each instance of a grouped rule its own buttons, and mutes the rule when there is no instance', () => {
    const grouped = delivery([alert('rule-fired', { ruleId: 'r2' }), alert('rule-fired', { ruleId: 'r2', instanceId: 'i5', message: 'i5 fired.' })]);
    const message = alertReply(grouped, facts(instance('i3'), instance('i5')));
    expect(message.title).toBe('Rule fired: 2 instances');
    expect(commands(message)).toEqual(['stop i3 --org=acme', 'stop i5 --org=acme', 'mute i3 2h --org=acme', 'mute i5 2h --org=acme']);
    const price = alertReply(delivery([alert('price-alert', { ruleId: 'r4', instanceId: undefined, severity: 'info', message: 'H100 under $2/h.' })]), facts());
    expect(price.title).toBe('Price alert: rule r4');
    expect(commands(price)).toEqual(['mute r4 2h --org=acme']);
    expect(price.footer).toBe('More: events rule=r4');
  });

  it('edits to "resolved": says so and for how long, without action buttons', () => {
    const resolved = delivery([alert('down', { status: 'resolved', endsAt: '2026-12-03T02:10:00.000Z' })], { status: 'resolved', reason: 'resolved', edits: ['d1'] });
    const message = alertReply(resolved, facts(instance('i3')));
    expect(message.kind).toBe('success');
    expect(message.title).toBe('Resolved · Down: i3 (train-i3)');
    expect(message.text).toBe('Resolved at 2026-12-03 02:10 UTC, after 12 m.\ni3 (train-i3) is down.');
    expect(message.buttons).toBeUndefined();
  });

  it('carries the chart it is given as its image', () => {
    const image = { png: new Uint8Array([137, 80, 78, 71]), alt: 'Line chart: i3 GPU', filename: 'gpu-i3.png' };
    expect(alertReply(delivery([alert('down')]), facts(instance('i3')), image).image).toBe(image);
  });
});
