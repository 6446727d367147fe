// The watch in the bot as a user runs it: `computehub start` in a child process with Telegram (a
// loopback fake), SYNC_INTERVAL_SECONDS=5 and the built-in simulator. A crash injected through the
// simulator's admin API is restarted at the provider, and the chat told, within 15 seconds.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegram } from '#test/fakes/telegram.ts';
import { tempDir } from '#test/support/app.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';

const USER = { id: 5151, first_name: 'Wanda' };

let telegram: FakeTelegram;
let bot: ChildProcessWithoutNullStreams;
let stderr = '';
/** The bot logs to the suite's LOG_FILE (scanned for secrets at the end); its lines start at this offset. */
let logFrom = 0;

const logFile = () => process.env.LOG_FILE ?? '';
const botLog = () => (existsSync(logFile()) ? readFileSync(logFile()).subarray(logFrom).toString() : '');

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}. Bot log:\n${stderr.slice(-1500)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function admin(url: string, route: string, body?: unknown): Promise<any> {
  const response = await fetch(`${url}${route}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return response.json();
}

beforeAll(async () => {
  telegram = new FakeTelegram(TEST_SECRETS.telegramToken);
  await telegram.listen();
  const dataDir = tempDir();
  logFrom = existsSync(logFile()) ? statSync(logFile()).size : 0;
  bot = spawn(process.execPath, [path.resolve('src/bin/computehub.js'), 'start'], {
    cwd: dataDir,
    env: {
      ...process.env,
      COMPUTEHUB_DATA_DIR: dataDir,
      COMPUTEHUB_CONSOLE: 'off',
      COMPUTEHUB_ADMINS: `telegram:${USER.id}`,
      TELEGRAM_BOT_TOKEN: TEST_SECRETS.telegramToken,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      SYNC_INTERVAL_SECONDS: '5',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
    },
  });
  bot.stdout.on('data', () => undefined);
  bot.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await until('the bot to start', () => (/"msg":"started"/.test(botLog()) ? true : undefined), 40_000);
}, 60_000);

afterAll(async () => {
  if (bot && bot.exitCode === null) {
    bot.kill('SIGTERM');
    await new Promise((resolve) => bot.once('exit', resolve));
  }
  await telegram.close();
});

describe('watch in one bot process', () => {
  it('restarts a crashed instance at the provider and tells the Telegram chat within 15 s', async () => {
    const started = botLog().split('\n').find((line) => line.includes('"msg":"started"'))!;
    const adminUrl = (JSON.parse(started) as { simulator: { admin: string } }).simulator.admin;

    let mark = telegram.calls.length;
    telegram.userSays(USER.id, USER, '/deploy gpu=4090 provider=vast template=pytorch --yes');
    await telegram.waitFor('editMessageText', (call) => /ssh -p \d+/.test(String(call.payload.text)), { from: mark, timeoutMs: 60_000 });
    mark = telegram.calls.length;
    telegram.userSays(USER.id, USER, '/watch i1');
    await telegram.waitFor('sendMessage', (call) => /Watching i1/.test(String(call.payload.text)), { from: mark, timeoutMs: 20_000 });

    const state = await admin(adminUrl, '/state');
    const machine = (state.instances as { provider: string; id: string }[]).find((instance) => instance.provider === 'vast')!;
    const before = ((await admin(adminUrl, '/requests?provider=vast&limit=1000')).requests as unknown[]).length;
    mark = telegram.calls.length;
    const crashedAt = Date.now();
    await admin(adminUrl, '/faults', { provider: 'vast', kind: 'crash', instanceId: machine.id });

    const restart = await until(
      'the restart to reach Vast',
      async () => {
        const requests = (await admin(adminUrl, '/requests?provider=vast&limit=1000')).requests as { endpoint: string; method: string }[];
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
