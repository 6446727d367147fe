// The watch in the bot as a user runs it: `computehub start` in a child process with Telegram (a
// loopback fake), SYNC_INTERVAL_SECONDS=5 and the built-in simulator. A crash injected through the
// simulator's admin API is restarted at the provider, and the chat told, within 15 seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegram } from '#test/fakes/telegram.ts';
import { fakePlatformsEnv, simulatorAdmin, startBotProcess, type BotProcess } from '#test/support/bot-process.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';

const USER = { id: 5151, first_name: 'Wanda' };

let telegram: FakeTelegram;
let bot: BotProcess;

beforeAll(async () => {
  telegram = new FakeTelegram(TEST_SECRETS.telegramToken);
  await telegram.listen();
  bot = startBotProcess({
    COMPUTEHUB_CONSOLE: 'off',
    COMPUTEHUB_ADMINS: `telegram:${USER.id}`,
    ...fakePlatformsEnv({ telegram }),
    SYNC_INTERVAL_SECONDS: '5',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
  });
  await bot.until('the bot to start', () => /"msg":"started"/.test(bot.log()), 40_000);
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await telegram.close();
});

describe('watch in one bot process', () => {
  it('restarts a crashed instance at the provider and tells the Telegram chat within 15 s', async () => {
    const adminUrl = bot.simulatorAdmin();

    let mark = telegram.calls.length;
    telegram.userSays(USER.id, USER, '/deploy gpu=4090 provider=vast template=pytorch --yes');
    await telegram.waitFor('editMessageText', (call) => /ssh -p \d+/.test(String(call.payload.text)), { from: mark, timeoutMs: 60_000 });
    mark = telegram.calls.length;
    telegram.userSays(USER.id, USER, '/watch i1');
    await telegram.waitFor('sendMessage', (call) => /Watching i1/.test(String(call.payload.text)), { from: mark, timeoutMs: 20_000 });

    const state = await simulatorAdmin(adminUrl, '/state');
    const machine = (state.instances as { provider: string; id: string }[]).find((instance) => instance.provider === 'vast')!;
    const before = ((await simulatorAdmin(adminUrl, '/requests?provider=vast&limit=1000')).requests as unknown[]).length;
    mark = telegram.calls.length;
    const crashedAt = Date.now();
    await simulatorAdmin(adminUrl, '/faults', { provider: 'vast', kind: 'crash', instanceId: machine.id });

    const restart = await bot.until(
      'the restart to reach Vast',
      async () => {
        const requests = (await simulatorAdmin(adminUrl, '/requests?provider=vast&limit=1000')).requests as { endpoint: string; method: string }[];
        return requests.slice(before).find((request) => request.endpoint === 'start' || request.endpoint === 'restart');
      },
      15_000,
    );
    expect(restart).toBeDefined();
    const message = await telegram.waitFor('sendMessage', (call) => /Restarted \(watch\)/.test(String(call.payload.text)), { from: mark, timeoutMs: Math.max(1, 15_000 - (Date.now() - crashedAt)) });
    expect(String(message.payload.chat_id)).toBe(String(USER.id));
    expect(Date.now() - crashedAt).toBeLessThan(15_000);
    expect(telegram.callsOf('sendMessage', mark).some((call) => /Down \(watch\): i1/.test(String(call.payload.text)))).toBe(true);
  }, 120_000);
});
