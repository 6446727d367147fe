// Builders of rule snapshots for the rule tests and the benchmark.
import type { InstanceFacts, MarketFacts, RuleSnapshot } from '#domain/rules/index.ts';

export const T0 = Date.parse('2026-03-02T00:00:00Z');
export const MINUTE = 60_000;

export function instance(overrides: Partial<InstanceFacts> = {}): InstanceFacts {
  return {
    id: 'i1',
    name: 'trainer',
    project: 'ml',
    provider: 'vast',
    gpu: 'H100 SXM',
    status: 'running',
    costPerHour: 2.5,
    stoppedCostPerHour: 0.1,
    costToday: 10,
    costTotal: 100,
    uptimeSeconds: 7200,
    gpuUtil: 80,
    vramUsedPct: 60,
    gpuTemp: 70,
    ...overrides,
  };
}

export function market(overrides: Partial<MarketFacts> = {}): MarketFacts {
  return { cheapest: { 'H100 SXM': 2.2, 'H100 PCIe': 1.9, 'RTX 4090': 0.35 }, priceChangePct: { 'H100 SXM': { '86400': -5 } }, ...overrides };
}

export function snapshot(atMs: number, instances: InstanceFacts[], facts: MarketFacts = market()): RuleSnapshot {
  return { at: new Date(atMs).toISOString(), instances, market: facts };
}
