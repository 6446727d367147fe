// docs/slack-manifest.yml is generated from the command definitions; this keeps the committed file
// and the generator from drifting apart, and shows that adding a command does not change it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_EVENTS, BOT_SCOPES, generateSlackManifest, SLASH_COMMAND } from '#platforms/slack/slack-manifest.ts';
import { defineCommand, type CommandDefinition, type OptionSpecs } from '#core/command.ts';
import { testApp, type TestApp } from '#test/support/app.ts';

const committed = readFileSync(path.resolve('docs/slack-manifest.yml'), 'utf8');
let app: TestApp;

beforeAll(async () => {
  app = await testApp();
});

afterAll(async () => {
  await app.close();
});

describe('Slack app manifest', () => {
  it('matches what the generator produces (regenerate: npx tsx adapters/platforms/slack/slack-manifest-write.ts)', () => {
    expect(committed).toBe(generateSlackManifest(app.services.commands));
  });

  it('does not change when a command is added', async () => {
    const extra = defineCommand({ name: 'frobnicate', summary: 'New', examples: ['frobnicate'], options: {}, role: 'viewer', mutating: false, tier: 'free', run: () => ({ kind: 'info', text: 'ok' }) });
    const bigger = await testApp({}, { commands: [extra] as unknown as CommandDefinition<OptionSpecs>[] });
    expect(generateSlackManifest(bigger.services.commands)).toBe(committed);
    await bigger.close();
  });

  it('declares the slash command, scopes, events and interactivity the platform uses', () => {
    expect(committed).toContain(`- command: ${SLASH_COMMAND}\n`);
    for (const scope of BOT_SCOPES) expect(committed).toContain(`      - ${scope}\n`);
    for (const event of BOT_EVENTS) expect(committed).toContain(`      - ${event}\n`);
    expect(committed).toMatch(/interactivity:\n    is_enabled: true\n    request_url: https:\/\/computehub\.example\.com\/slack\/events\n/);
    expect(committed).toContain('socket_mode_enabled: false\n');
  });

  it('prints a Socket Mode manifest without request URLs, and one for a given address', () => {
    const socket = generateSlackManifest(app.services.commands, { socketMode: true });
    expect(socket).toContain('socket_mode_enabled: true\n');
    expect(socket).not.toMatch(/url:/);
    const hosted = generateSlackManifest(app.services.commands, { requestUrl: 'https://gpu.example.org/slack/events' });
    expect(hosted.match(/https:\/\/gpu\.example\.org\/slack\/events/g)).toHaveLength(3);
  });

  it('refuses to advertise an example that is not a command', () => {
    expect(() => generateSlackManifest({ lookup: () => ({}) })).toThrow(/usage hint shows 'help'/);
  });
});
