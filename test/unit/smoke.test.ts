import { describe, expect, it } from 'vitest';
import { testApp } from '../support/app.ts';

describe('foundation smoke', () => {
  it('answers help with the command list', async () => {
    const app = await testApp();
    const result = await app.run('help');
    expect(result.outcome).toBe('ok');
    expect(result.reply.table?.rows.map((row) => row[0])).toContain('licence');
    await app.close();
  });
});
