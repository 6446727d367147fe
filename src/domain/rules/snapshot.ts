// What the rules look at: one snapshot of an org's instances and the market at one instant. Plain
// JSON, so recorded snapshots replay through the same evaluate (backtest.ts).
import type { VariableName } from './vocabulary.ts';

export interface InstanceFacts {
  /** The bot's short id (i1). */
  id: string;
  name: string;
  /** The project's name. */
  project: string;
  provider: string;
  /** Canonical GPU model name (the catalogue's). */
  gpu: string;
  /** GPUs in the machine (default 1): `cheapest(gpu)` prices this many, so it compares with cost_per_hour. */
  gpuCount?: number;
  status: string;
  /** $/h billed now: the running price while running, the disk price while stopped, else 0. */
  costPerHour: number;
  /** $/h this instance bills while stopped (disk); 0 when the provider bills nothing. */
  stoppedCostPerHour?: number;
  /** $ since 00:00 UTC of the snapshot's day, from the ledger. */
  costToday: number;
  /** $ since the instance was created, from the ledger. */
  costTotal: number;
  /** Seconds since it last started running; 0 when not running. */
  uptimeSeconds: number;
  /** From the latest metric sample; null when there is none. */
  gpuUtil: number | null;
  vramUsedPct: number | null;
  gpuTemp: number | null;
  /** The rule whose deploy or migrate created this instance, if one did. */
  createdByRule?: string;
  /** ISO 8601. */
  createdAt?: string;
}

export interface MarketFacts {
  /** Canonical GPU name → lowest $/h per GPU offered now. */
  cheapest: Record<string, number>;
  /** Canonical GPU name → window in seconds → % change of that lowest price over the window. */
  priceChangePct: Record<string, Record<string, number>>;
}

export interface RuleSnapshot {
  /** ISO 8601: when the facts were taken. */
  at: string;
  /** Every instance of the org that is not destroyed; a target missing here is forgotten. */
  instances: InstanceFacts[];
  market: MarketFacts;
}

export const VARIABLE_FACTS: Record<VariableName, (instance: InstanceFacts) => number | string | null> = {
  cost_per_hour: (instance) => instance.costPerHour,
  cost_today: (instance) => instance.costToday,
  cost_total: (instance) => instance.costTotal,
  uptime: (instance) => instance.uptimeSeconds,
  gpu_util: (instance) => instance.gpuUtil,
  vram_used_pct: (instance) => instance.vramUsedPct,
  gpu_temp: (instance) => instance.gpuTemp,
  gpu: (instance) => instance.gpu,
  provider: (instance) => instance.provider,
  status: (instance) => instance.status,
  project: (instance) => instance.project,
  name: (instance) => instance.name,
};
