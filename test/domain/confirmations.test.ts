// A confirmed price that rose is a rise the person could see in the preview, never one under its last digit.
import { describe, expect, it } from 'vitest';
import { priceRose } from '#domain/confirmations.ts';

describe('priceRose', () => {
  it('counts a rise that shows at the preview’s precision', () => {
    expect(priceRose(0.4149, 0.4151)).toBe(true);
    expect(priceRose(0.41, 0.62)).toBe(true);
    expect(priceRose(0.0051, 0.0052)).toBe(true);
  });

  it('ignores a rise under the last digit shown, a fall and a preview without a price', () => {
    expect(priceRose(0.4101, 0.4149)).toBe(false);
    expect(priceRose(0.42, 0.41)).toBe(false);
    expect(priceRose(0.00512, 0.00514)).toBe(false);
    expect(priceRose(undefined, 9)).toBe(false);
  });
});
