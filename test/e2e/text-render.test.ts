// The terminal and the CLI show a Reply as aligned plain text.
import { describe, expect, it } from 'vitest';
import { renderText } from '#platforms/text.ts';

describe('plain-text rendering', () => {
  it('keeps a field value of several lines in its column', () => {
    const text = renderText({ kind: 'info', fields: [{ name: 'Burn rate now', value: '$0.24/h' }, { name: 'Balances', value: 'vast: $500.00\nrunpod: $500.00' }] });
    expect(text).toBe(['Burn rate now: $0.24/h', 'Balances:      vast: $500.00', '               runpod: $500.00'].join('\n'));
  });
});
