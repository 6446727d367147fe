// Webhook mode: the bot registers its URL and secret with setWebhook, then the fake Bot API POSTs
// updates to it as Telegram does; a request without the right secret header is turned away.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramPlatform } from '#platforms/telegram/telegram.ts';
import type { ChatPlatform } from '#platforms/platform.ts';
import { loadConfig } from '#src/config.ts';
import { FakeTelegram, type FakeUser } from '#test/fakes/telegram.ts';
import { testApp, type TestApp } from '#test/support/app.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';
import { freePort } from '#test/support/wait.ts';

const ADMIN: FakeUser = { id: 1001, first_name: 'Ada' };

let fake: FakeTelegram;
let app: TestApp;
let platform: ChatPlatform;
let url: string;

beforeAll(async () => {
  fake = new FakeTelegram(TEST_SECRETS.telegramToken);
  await fake.listen();
  const port = await freePort();
  url = `http://127.0.0.1:${port}/telegram/updates`;
  app = await testApp(
    {
      TELEGRAM_BOT_TOKEN: TEST_SECRETS.telegramToken,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_WEBHOOK_URL: url,
      TELEGRAM_WEBHOOK_SECRET: TEST_SECRETS.webhookSecret,
      TELEGRAM_WEBHOOK_PORT: String(port),
      COMPUTEHUB_ADMINS: `telegram:${ADMIN.id}`,
    },
    {},
  );
  platform = createTelegramPlatform(app.services.config, { registry: app.services.commands, log: app.services.log }, { pacing: { perChat: { max: 100, perMs: 10 }, perGroup: { max: 100, perMs: 10 }, global: { max: 100, perMs: 10 } } });
  await platform.start();
});

afterAll(async () => {
  await platform?.stop();
  await fake?.close();
  await app?.close();
});

describe('Telegram webhook mode', () => {
  it('registers the URL and secret with setWebhook, and never polls', async () => {
    const call = await fake.waitFor('setWebhook');
    expect(call.payload).toMatchObject({ url, secret_token: TEST_SECRETS.webhookSecret, allowed_updates: ['message', 'callback_query'] });
    expect(fake.callsOf('getUpdates')).toHaveLength(0);
  });

  it('answers updates Telegram posts with the secret header', async () => {
    const mark = fake.calls.length;
    fake.userSays(ADMIN.id, ADMIN, '/whoami');
    const answer = await fake.waitFor('sendMessage', (call) => String(call.payload.text).includes('telegram:1001'), { from: mark });
    expect(answer.payload.parse_mode).toBe('HTML');
    expect(fake.webhookStatuses.at(-1)).toBe(200);
  });

  it('turns away a request without the right secret, handling nothing', async () => {
    const mark = fake.calls.length;
    const forged = { update_id: 9999, message: { message_id: 1, date: 0, chat: { id: ADMIN.id, type: 'private' }, from: { ...ADMIN, is_bot: false }, text: 'whoami' } };
    expect(await fake.postToWebhook(forged, 'not-the-secret')).toBe(401);
    expect(await fake.postToWebhook(forged, undefined)).toBe(401);
    fake.userSays(ADMIN.id, ADMIN, 'help');
    await fake.waitFor('sendMessage', (call) => String(call.payload.text).includes('ComputeHub commands'), { from: mark });
    expect(fake.callsOf('sendMessage', mark)).toHaveLength(1);
  });

  it('refuses to start without a secret', () => {
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: TEST_SECRETS.telegramToken, TELEGRAM_WEBHOOK_URL: url, COMPUTEHUB_DATA_DIR: app.dataDir }, '/nonexistent/.env');
    expect(() => createTelegramPlatform(config, { registry: app.services.commands, log: app.services.log })).toThrow(/TELEGRAM_WEBHOOK_SECRET is not/);
  });
});
