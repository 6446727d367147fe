// Pure pieces of the simulator: the Vast query language, env parsing, the clock.
import { describe, expect, it } from 'vitest';
import { matches, parseVastEnv, parseVastSearch, sortRows } from '#sim/vast-query.ts';
import { createClock } from '#sim/clock.ts';
import { generateVastMarket } from '#sim/vast-catalogue.ts';
import { FaultRegistry, validateFault } from '#sim/faults.ts';

describe('Vast search language', () => {
  const rows = [
    { id: 1, gpu_name: 'RTX 4090', num_gpus: 1, dph_total: 0.4, geolocation: 'Oregon, US', verified: true },
    { id: 2, gpu_name: 'RTX 3090', num_gpus: 2, dph_total: 0.3, geolocation: 'Hesse, DE', verified: false },
    { id: 3, gpu_name: 'H100 SXM', num_gpus: 8, dph_total: 16, geolocation: 'Tokyo, JP', verified: true },
  ];
  const ids = (query: Record<string, unknown>) => rows.filter((row) => matches(row, parseVastSearch(query))).map((row) => row.id);

  it('applies eq/neq/gt/gte/lt/lte/in/notin (and the CLI’s nin alias)', () => {
    expect(ids({ gpu_name: { eq: 'RTX 4090' } })).toEqual([1]);
    expect(ids({ num_gpus: { gte: 2 }, dph_total: { lt: 1 } })).toEqual([2]);
    expect(ids({ gpu_name: { nin: ['RTX 3090'] } })).toEqual([1, 3]);
    expect(ids({ verified: { eq: true }, dph_total: { lte: 16 } })).toEqual([1, 3]);
    expect(ids({ id: { neq: 2 }, num_gpus: { gt: 1 } })).toEqual([3]);
  });

  it('filters geolocation by the trailing country code and ignores control keys', () => {
    expect(ids({ geolocation: { in: ['DE', 'JP'] }, order: [['dph_total', 'asc']], limit: 5, type: 'bid', allocated_storage: 10 })).toEqual([2, 3]);
    expect(parseVastSearch({ type: 'ondemand' }).type).toBe('on-demand');
    expect(parseVastSearch({ type: 'bid', allocated_storage: 20 })).toMatchObject({ type: 'bid', allocatedStorage: 20 });
  });

  it('sorts by several keys in either direction', () => {
    expect(sortRows([...rows], [['verified', 'desc'], ['dph_total', 'desc']]).map((row) => row.id)).toEqual([3, 1, 2]);
  });

  it('reads env as a docker-flag string or an object with -p keys', () => {
    expect(parseVastEnv('-e HF_TOKEN=abc -e MODEL="llama 3" -p 8000:8000')).toEqual({ env: { HF_TOKEN: 'abc', MODEL: 'llama 3' }, ports: [8000] });
    expect(parseVastEnv({ A: '1', '-p 8080:8080': '1', '-p 70:7000/udp': '1' })).toEqual({ env: { A: '1' }, ports: [8080, 7000] });
  });
});

describe('clock and catalogue', () => {
  it('a frozen clock moves only by advance(); a negative advance is refused', () => {
    const clock = createClock(0, 1_000);
    clock.advance(500);
    expect(clock.now()).toBe(1_500);
    expect(() => clock.advance(-1)).toThrow(/non-negative/);
  });

  it('generates 20,000 offers deterministically', () => {
    const first = generateVastMarket(7, 20_000);
    const second = generateVastMarket(7, 20_000);
    expect(first.offers).toHaveLength(20_000);
    expect(first.offers[19_999]!.fixed).toEqual(second.offers[19_999]!.fixed);
    expect(generateVastMarket(8, 10).offers[0]!.fixed).not.toEqual(first.offers[0]!.fixed);
  });

  it('validates fault specs with a message naming the fix', () => {
    expect(validateFault({ provider: 'vast', kind: 'rateLimit', count: 0 })).toMatch(/count must be a positive integer/);
    expect(validateFault({ provider: 'lambda', kind: 'createErrorLeavesStopped' })).toMatch(/Vast behaviour/);
    expect(validateFault({ provider: '*', kind: 'hang' })).toBeUndefined();
  });

  it('consumes a counted fault and leaves others armed', () => {
    const registry = new FaultRegistry({} as never);
    registry.add({ provider: 'vast', kind: 'rateLimit', count: 1 });
    registry.add({ provider: 'vast', endpoint: 'create', kind: 'serverError' });
    expect(registry.take('vast', 'list')?.kind).toBe('rateLimit');
    expect(registry.take('vast', 'list')).toBeUndefined();
    expect(registry.take('vast', 'create')?.kind).toBe('serverError');
    expect(registry.take('vast', 'create')?.kind).toBe('serverError');
    registry.clear('vast');
    expect(registry.list()).toEqual([]);
  });
});
