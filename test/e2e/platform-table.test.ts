// The platform table drives what starts and what is listed: a throwaway platform added to it in this
// test is started, kept connected and shown in the start banner with no other edit (besides its name in
// src/domain/platform-names.ts, which the compiler asks for); every real entry's variables are declared,
// secret and documented; every name of the list is accepted as an admin and a member; docs/ARCHITECTURE.md
// shows the table's capabilities.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configuredPlatforms, PLATFORMS, startPlatforms, type PlatformEntry } from '#platforms/index.ts';
import type { ChatPlatform, PostedMessage } from '#platforms/platform.ts';
import { loadConfig, SECRET_VARIABLES, type Config } from '#src/config.ts';
import { PLATFORM_NAMES, type ChatPlatformName } from '#domain/platform-names.ts';
import { startBanner } from '#src/main.ts';
import { parseMemberRef } from '#services/members.ts';
import { testApp, type TestApp } from '#test/support/app.ts';

/** A platform that fails its first start, then connects, and once loses its connection. */
class PigeonPlatform implements ChatPlatform {
  readonly name = 'pigeon';
  starts = 0;
  lose: ((error: unknown) => void) | undefined;
  stopped = false;

  async start(lost?: (error: unknown) => void): Promise<void> {
    this.starts += 1;
    this.lose = lost;
    if (this.starts === 1) throw new Error('the loft is closed');
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }

  async post(): Promise<PostedMessage> {
    return { messageId: 'coo' };
  }

  async edit(): Promise<PostedMessage> {
    return { messageId: 'coo' };
  }
}

const pigeon = new PigeonPlatform();
const PIGEON: PlatformEntry = {
  // A real platform adds its name to src/domain/platform-names.ts; the cast stands for that line.
  name: 'pigeon' as ChatPlatformName,
  label: 'Carrier pigeon',
  tokenVariable: 'PIGEON_TOKEN' as keyof Config,
  secretVariables: ['PIGEON_TOKEN' as keyof Config],
  create: () => pigeon,
  capabilities: { ephemeralReplies: false, directMessages: true, edits: false, images: 'none', buttons: { layout: 'none', payloadBytes: 0 }, rateLimits: 'one bird at a time' },
};

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let tries = 0; !condition(); tries++) {
    if (tries > 400) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let app: TestApp;

beforeAll(async () => {
  app = await testApp();
});

afterAll(async () => {
  await app?.close();
});

describe('the platform table', () => {
  it('starts a platform added to the table when its token is set, keeps it connected, and lists it at start', async () => {
    const config = { ...app.services.config, PIGEON_TOKEN: 'coo' } as Config;
    const table = [...PLATFORMS, PIGEON];
    expect(configuredPlatforms(app.services.config, table).map((entry) => entry.name)).not.toContain('pigeon');
    const enabled = configuredPlatforms(config, table);
    expect(enabled.map((entry) => entry.name)).toEqual(['pigeon']);

    const running = startPlatforms(enabled, config, { registry: app.services.commands, log: app.services.log }, { baseMs: 20, maxMs: 40 });
    try {
      // The first start fails; the keeper tries again after its backoff.
      await until(() => pigeon.starts === 2, 'a second start after the failed one');
      pigeon.lose!(new Error('a hawk'));
      await until(() => pigeon.starts === 3, 'a reconnect after the connection was lost');
    } finally {
      await running.stop();
    }
    expect(pigeon.stopped).toBe(true);

    const banner = startBanner({ services: app.services, platforms: enabled.map((entry) => entry.name), simulated: true });
    expect(banner).toMatch(/^ {2}Platforms: pigeon$/m);
  });

  it('declares, hides and documents every variable of every platform', () => {
    const readme = readFileSync('README.md', 'utf8');
    const example = readFileSync('.env.example', 'utf8');
    for (const entry of PLATFORMS) {
      for (const variable of entry.secretVariables) expect(SECRET_VARIABLES, entry.name).toContain(variable);
      expect(entry.secretVariables, entry.name).toContain(entry.tokenVariable);
      expect(readme, entry.name).toContain(`\`${entry.tokenVariable}\``);
      expect(example, entry.name).toContain(`${entry.tokenVariable}=`);
    }
  });

  it('is the list of platform names, and every name there (the terminal chat too) is accepted as an admin and a member', () => {
    expect(PLATFORMS.map((entry) => entry.name)).toEqual(PLATFORM_NAMES.filter((name) => name !== 'console'));
    for (const name of PLATFORM_NAMES) {
      expect(parseMemberRef(`${name}:12345`)).toEqual({ platform: name, userId: '12345' });
      expect(loadConfig({ COMPUTEHUB_ADMINS: `${name}:12345` }, '/nonexistent/.env').COMPUTEHUB_ADMINS, name).toEqual([{ platform: name, userId: '12345' }]);
    }
    expect(() => parseMemberRef('pigeon:12345')).toThrow(/is not a member reference/);
    expect(() => loadConfig({ COMPUTEHUB_ADMINS: 'pigeon:12345' }, '/nonexistent/.env')).toThrow(/platform is telegram, discord, slack or console/);
  });

  it('is what docs/ARCHITECTURE.md shows as the platforms\' capabilities', () => {
    const yes = (flag: boolean) => (flag ? 'yes' : 'no');
    const rows = PLATFORMS.map(({ label, capabilities: c }) => `| ${label} | ${yes(c.ephemeralReplies)} | ${yes(c.directMessages)} | ${yes(c.edits)} | ${c.images} | ${c.buttons.layout}; ${c.buttons.payloadBytes} bytes each | ${c.rateLimits} |`);
    expect(readFileSync('docs/ARCHITECTURE.md', 'utf8')).toContain(rows.join('\n'));
  });
});
