import { describe, expect, it } from 'vitest';
import { currentStretch, findLeaks, lowUtilSince, type LeakInputs } from '#domain/leaks.ts';
import type { InstanceRecord, LedgerEntry } from '#domain/fleet-records.ts';

const H = 3_600_000;
const NOW = Date.UTC(2026, 11, 2, 12);
const iso = (ms: number) => new Date(ms).toISOString();

function record(id: string, extra: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    id, orgId: 'default', projectId: 'default', provider: 'vast', providerInstanceId: `p-${id}`, label: '', deployToken: null, name: `box-${id}`, templateId: null, external: false,
    createdBy: 'console:local', status: 'running', phase: 'ready', rawStatus: 'running', gpu: 'RTX 4090', gpuCount: 1, pricePerHour: 0.5, stoppedPricePerHour: 0.02, interruptible: false,
    ssh: null, ports: [], simulated: true, createdAt: iso(NOW - 24 * H), accruedUntil: iso(NOW), ...extra,
  };
}

function entry(id: string, state: LedgerEntry['state'], fromMs: number, toMs: number, usdPerHour: number): LedgerEntry {
  const rate = usdPerHour * 1_000_000;
  return { instanceId: id, orgId: 'default', projectId: 'default', provider: 'vast', gpu: 'RTX 4090', user: 'console:local', state, rateMicrosPerHour: rate, from: iso(fromMs), to: iso(toMs), amountMicros: Math.round((rate * (toMs - fromMs)) / H) };
}

const util = (hoursAgo: number, percent: number) => ({ at: iso(NOW - hoursAgo * H), gpuUtilPercent: percent });

function inputs(extra: Partial<LeakInputs>): LeakInputs {
  return { instances: [], ledger: new Map(), metrics: new Map(), stoppedOnPurpose: new Set(), nowMs: NOW, ...extra };
}

describe('lowUtilSince', () => {
  it('is the start of the trailing run under the threshold, and nothing when the newest sample is busy', () => {
    expect(lowUtilSince([util(4, 90), util(3, 2), util(2, 0), util(1, 1)], 5)).toBe(NOW - 3 * H);
    expect(lowUtilSince([util(3, 2), util(1, 50)], 5)).toBeUndefined();
    expect(lowUtilSince([], 5)).toBeUndefined();
  });
});

describe('currentStretch', () => {
  it('walks back over unbroken entries in the newest state', () => {
    const entries = [entry('i1', 'running', NOW - 10 * H, NOW - 5 * H, 1), entry('i1', 'stopped', NOW - 5 * H, NOW - 2 * H, 0.1), entry('i1', 'stopped', NOW - 2 * H, NOW, 0.1)];
    expect(currentStretch(entries)).toEqual({ state: 'stopped', sinceMs: NOW - 5 * H, spentMicros: 500_000 });
  });
});

describe('findLeaks', () => {
  it('names each kind of leak with its $/day, dearest first, and adds them up', () => {
    const instances = [
      record('i1', { status: 'stopped', stoppedPricePerHour: 0.05 }),
      record('i2', { status: 'stopped', interruptible: true, rawStatus: 'outbid', stoppedPricePerHour: 0.04 }),
      record('i3', { pricePerHour: 1 }),
      record('i4', { external: true, createdBy: null, pricePerHour: 2 }),
      record('i5'),
    ];
    const metrics = new Map([
      ['i3', [util(5, 80), util(3, 1), util(0, 0)]],
      ['i5', [util(3, 1), util(0, 60)]],
    ]);
    const { findings, totalUsdPerDay } = findLeaks(inputs({ instances, metrics, ledger: new Map([['i1', [entry('i1', 'stopped', NOW - 4 * H, NOW, 0.05)]]]) }));
    expect(findings.map((found) => [found.instanceId, found.kind, found.usdPerDay])).toEqual([
      ['i4', 'unmanaged', 48],
      ['i3', 'idle-gpu', 24],
      ['i1', 'stopped-disk', 1.2],
      ['i2', 'interrupted', 0.96],
    ]);
    expect(findings.find((found) => found.instanceId === 'i3')).toMatchObject({ since: iso(NOW - 3 * H), spentUsd: 3, fix: 'stop i3' });
    expect(findings.find((found) => found.instanceId === 'i1')).toMatchObject({ since: iso(NOW - 4 * H), spentUsd: 0.2, fix: 'destroy i1' });
    expect(totalUsdPerDay).toBe(74.16);
  });

  it('leaves alone what costs nothing, what was stopped on purpose as a stopped disk, and an idle spell shorter than the threshold', () => {
    const instances = [
      record('i1', { status: 'stopped', stoppedPricePerHour: undefined }),
      record('i2', { status: 'stopped', interruptible: true }),
      record('i3'),
      record('i4', { destroyedAt: iso(NOW - H), status: 'terminated' }),
    ];
    const { findings } = findLeaks(inputs({ instances, metrics: new Map([['i3', [util(1, 0), util(0, 0)]]]), stoppedOnPurpose: new Set(['i2']) }));
    expect(findings.map((found) => [found.instanceId, found.kind])).toEqual([['i2', 'stopped-disk']]);
  });
});
