// Money leaks: what bills without doing anything useful — stopped machines whose disk still bills,
// interruptibles that lost their bid and still bill their disk, machines whose GPU has sat near 0 %
// for hours, and machines on the provider account that the bot did not create — each with what it
// costs a day and what it has cost since it started leaking. Pure: the service gathers the inputs.
import { billingState, MICROS_PER_USD, usdToMicros } from './ledger.ts';
import type { InstanceRecord, LedgerEntry } from './fleet-records.ts';
import type { MetricReading } from './monitoring.ts';

export const LEAK_KINDS = ['unmanaged', 'interrupted', 'stopped-disk', 'idle-gpu'] as const;
export type LeakKind = (typeof LEAK_KINDS)[number];

/** Under this GPU utilisation at every sync for at least IDLE_HOURS, a running machine is idle. */
export const IDLE_BELOW_PERCENT = 5;
export const IDLE_HOURS = 2;

const MS_PER_HOUR = 3_600_000;

export interface LeakFinding {
  kind: LeakKind;
  instanceId: string;
  name: string;
  provider: InstanceRecord['provider'];
  gpu: string;
  /** What it bills a day at the rate in force now. */
  usdPerDay: number;
  /** When it started leaking, as far as the record shows (ISO 8601); null when unknown. */
  since: string | null;
  /** What it has cost since then, by the ledger (at least: the ledger may not reach back that far). */
  spentUsd: number | null;
  message: string;
  /** The command that stops the leak. */
  fix: string;
}

export interface LeakInputs {
  instances: readonly InstanceRecord[];
  /** Per instance id: its ledger entries of the last days, any order. */
  ledger: ReadonlyMap<string, readonly LedgerEntry[]>;
  /** Per instance id: its GPU metrics of the last hours, any order. */
  metrics: ReadonlyMap<string, readonly MetricReading[]>;
  /** Instances someone (or the automation) stopped on purpose: a stopped interruptible among them was not outbid. */
  stoppedOnPurpose: ReadonlySet<string>;
  nowMs: number;
}

/**
 * The start of the trailing run of samples under `belowPercent` (the newest sample included), or
 * undefined when the newest sample is not under it. Samples without a utilisation are skipped.
 */
export function lowUtilSince(samples: readonly MetricReading[], belowPercent: number): number | undefined {
  const readings = samples.filter((sample) => sample.gpuUtilPercent !== undefined).sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  let since: number | undefined;
  for (const sample of readings) {
    if (sample.gpuUtilPercent! >= belowPercent) break;
    since = Date.parse(sample.at);
  }
  return since;
}

/** The newest unbroken run of ledger entries in one state: when it began and what it cost. */
export function currentStretch(entries: readonly LedgerEntry[]): { state: LedgerEntry['state']; sinceMs: number; spentMicros: number } | undefined {
  const sorted = [...entries].sort((a, b) => Date.parse(b.from) - Date.parse(a.from));
  const newest = sorted[0];
  if (!newest) return undefined;
  let sinceMs = Date.parse(newest.from);
  let spentMicros = 0;
  for (const entry of sorted) {
    if (entry.state !== newest.state || Date.parse(entry.to) < sinceMs) break;
    sinceMs = Date.parse(entry.from);
    spentMicros += entry.amountMicros;
  }
  return { state: newest.state, sinceMs, spentMicros };
}

const roundCents = (usd: number) => Math.round(usd * 100) / 100;
const perDay = (usdPerHour: number) => roundCents(usdPerHour * 24);

function finding(record: InstanceRecord, kind: LeakKind, usdPerHour: number, since: number | undefined, spentMicros: number | undefined, message: string, fix: string): LeakFinding {
  return {
    kind,
    instanceId: record.id,
    name: record.name,
    provider: record.provider,
    gpu: record.gpu,
    usdPerDay: perDay(usdPerHour),
    since: since === undefined ? null : new Date(since).toISOString(),
    spentUsd: spentMicros === undefined ? null : roundCents(spentMicros / MICROS_PER_USD),
    message,
    fix,
  };
}

function leakOf(record: InstanceRecord, inputs: LeakInputs): LeakFinding | undefined {
  const state = billingState(record.status);
  const rate = state === 'running' ? record.pricePerHour : state === 'stopped' ? (record.stoppedPricePerHour ?? 0) : 0;
  if (rate <= 0 || record.destroyedAt) return undefined;
  const stretch = currentStretch(inputs.ledger.get(record.id) ?? []);
  const sameState = stretch && stretch.state === state ? stretch : undefined;
  if (record.external) {
    const what = state === 'running' ? 'runs' : 'is stopped and its disk bills';
    return finding(record, 'unmanaged', rate, sameState?.sinceMs, sameState?.spentMicros, `${record.name} on ${record.provider} was not created by ComputeHub and ${what} $${rate.toFixed(3)}/h.`, `destroy ${record.id}`);
  }
  if (state === 'stopped') {
    const outbid = record.interruptible && !inputs.stoppedOnPurpose.has(record.id);
    const why = outbid ? `was interrupted (outbid or preempted: ${record.rawStatus})` : `is ${record.status}`;
    return finding(record, outbid ? 'interrupted' : 'stopped-disk', rate, sameState?.sinceMs, sameState?.spentMicros, `${record.id} ${why}, and its disk still bills $${rate.toFixed(3)}/h.`, `destroy ${record.id}`);
  }
  if (record.status !== 'running') return undefined;
  const idleFrom = lowUtilSince(inputs.metrics.get(record.id) ?? [], IDLE_BELOW_PERCENT);
  if (idleFrom === undefined || inputs.nowMs - idleFrom < IDLE_HOURS * MS_PER_HOUR) return undefined;
  const hours = (inputs.nowMs - idleFrom) / MS_PER_HOUR;
  return finding(record, 'idle-gpu', rate, idleFrom, usdToMicros(rate * hours), `${record.id}'s GPU has been under ${IDLE_BELOW_PERCENT} % for ${hours.toFixed(1)} h while it bills $${rate.toFixed(3)}/h.`, `stop ${record.id}`);
}

/** Every leak, dearest a day first, and what they cost a day together. */
export function findLeaks(inputs: LeakInputs): { findings: LeakFinding[]; totalUsdPerDay: number } {
  const findings = inputs.instances.map((record) => leakOf(record, inputs)).filter((found): found is LeakFinding => found !== undefined);
  findings.sort((a, b) => b.usdPerDay - a.usdPerDay || a.instanceId.localeCompare(b.instanceId, undefined, { numeric: true }));
  return { findings, totalUsdPerDay: roundCents(findings.reduce((sum, found) => sum + found.usdPerDay, 0)) };
}
