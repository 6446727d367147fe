import { describe, expect, it } from 'vitest';
import type { Actor, Channel } from '#core/command.ts';
import { createCompletions } from '#services/completions.ts';
import { testApp } from '#test/support/app.ts';

const member: Actor = { platform: 'discord', userId: '42', displayName: 'Dee' };
const stranger: Actor = { platform: 'discord', userId: '99', displayName: 'Stan' };
const dm: Channel = { platform: 'discord', id: 'dm-42', kind: 'direct' };

describe('autocomplete values', () => {
  it('offers GPU names and templates by prefix first, then by substring, and only the org’s own instances', async () => {
    const app = await testApp({ COMPUTEHUB_ADMINS: 'discord:42' });
    const complete = createCompletions(app.services.db, app.services.identity);
    const gpus = await complete('gpu', '4090', { actor: member, channel: dm });
    expect(gpus).toContain('RTX 4090');
    const h100 = await complete('gpu', 'h1', { actor: member, channel: dm });
    expect(h100.length).toBeGreaterThan(0);
    expect(h100.every((name) => name.toLowerCase().includes('h1'))).toBe(true);
    expect(await complete('template', 'jup', { actor: member, channel: dm })).toEqual(['jupyter']);
    expect(await complete('provider', '', { actor: member, channel: dm })).toEqual(['vast', 'runpod', 'lambda', 'tensordock']);
    expect(await complete('project', '', { actor: member, channel: dm })).toEqual(['default']);
    expect(await complete('instance', '', { actor: stranger, channel: { ...dm, id: 'dm-99' } })).toEqual([]);
    await app.close();
  });
});
