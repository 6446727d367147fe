// The one backoff formula every retry uses: doubling from the base up to the cap, with the jitter asked for.
import { describe, expect, it } from 'vitest';
import { backoffMs } from '#domain/backoff.ts';

describe('backoffMs', () => {
  const policy = { baseMs: 1_000, maxMs: 60_000 };

  it('doubles per attempt up to the cap, exactly when no jitter is asked for', () => {
    expect([0, 1, 2, 5, 6, 30].map((attempt) => backoffMs(attempt, { ...policy, jitter: 'none' }))).toEqual([1_000, 2_000, 4_000, 32_000, 60_000, 60_000]);
  });

  it('spreads a wait ±20 % and keeps a full-jitter wait between half the base and the computed one', () => {
    expect(backoffMs(3, { ...policy, jitter: 'spread' }, () => 0)).toBe(6_400);
    expect(backoffMs(3, { ...policy, jitter: 'spread' }, () => 1)).toBe(9_600);
    expect(backoffMs(3, policy, () => 1)).toBe(8_000);
    expect(backoffMs(3, policy, () => 0)).toBe(500);
  });
});
