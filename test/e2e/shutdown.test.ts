// `computehub start` as a user runs it (Telegram against the loopback fake), stopped with SIGTERM in the
// middle of a deploy asked in chat (as docker stop does): it exits 0 within 10 s, the asker is told the
// deploy is parked, and the next start resumes it to ready with exactly one machine. The simulator runs
// in this test process, so it outlives the bot.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '#sim/index.ts';
import { FakeTelegram } from '#test/fakes/telegram.ts';
import { liveMachines } from '#test/fleet/world.ts';
import { tempDir } from '#test/support/app.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';
import { until as waitUntil } from '#test/support/wait.ts';

let sim: Simulator;
let dataDir: string;
let bot: ChildProcessWithoutNullStreams | undefined;
let output = '';
let telegram: FakeTelegram;
const TESS = { id: 4343, first_name: 'Tess' };

function start(): ChildProcessWithoutNullStreams {
  output = '';
  const child = spawn(process.execPath, [path.resolve('src/bin/computehub.js'), 'start'], {
    cwd: dataDir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_FILE: process.env.LOG_FILE,
      COMPUTEHUB_DATA_DIR: dataDir,
      COMPUTEHUB_CONSOLE: 'off',
      COMPUTEHUB_ADMINS: `telegram:${TESS.id}`,
      TELEGRAM_BOT_TOKEN: TEST_SECRETS.telegramToken,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      VAST_API_KEY: TEST_SECRETS.vastKey,
      VAST_API_URL: sim.urls.vast,
    },
  });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return child;
}

const until = <T>(what: string, probe: () => T | undefined, timeoutMs = 30_000) =>
  waitUntil(what, probe, { timeoutMs, context: () => `Bot output so far:\n${output.slice(-3000)}\nTelegram calls: ${telegram.calls.map((call) => call.method).join(', ')}` });

function storedInstances(): { id: string; phase: string | null; providerInstanceId: string | null }[] {
  return JSON.parse(readFileSync(path.join(dataDir, 'db.json'), 'utf8')).instances;
}

const creates = () => sim.requests.filter((request) => request.provider === 'vast' && request.endpoint === 'create');

beforeAll(async () => {
  // Frozen simulated time: the machine stays provisioning until the test moves the clock.
  sim = await startSimulator({ seed: 11, timeScale: 0, vastOffers: 200 });
  dataDir = tempDir('computehub-shutdown-');
  telegram = new FakeTelegram(TEST_SECRETS.telegramToken);
  await telegram.listen();
});

afterAll(async () => {
  if (bot && bot.exitCode === null) {
    bot.kill('SIGKILL');
    await new Promise((resolve) => bot!.once('exit', resolve));
  }
  await Promise.all([sim.close(), telegram.close()]);
});

describe('SIGTERM during a deploy', () => {
  it('exits 0 within 10 s, and the next start finishes the deploy with exactly one machine', async () => {
    bot = start();
    await until('the start-up banner', () => (/ComputeHub is running/.test(output) ? true : undefined), 40_000);
    await until('Telegram polling', () => (telegram.calls.some((call) => call.method === 'deleteWebhook') ? true : undefined));
    telegram.userSays(TESS.id, TESS, '/deploy gpu=4090 provider=vast template=pytorch --yes');
    await until('the create request', () => (creates().length === 1 ? true : undefined));
    await until('the created machine in the store', () => (storedInstances()[0]?.providerInstanceId ? true : undefined));

    const signalled = Date.now();
    const exited = new Promise<number | null>((resolve) => bot!.once('exit', (code) => resolve(code)));
    bot.kill('SIGTERM');
    const code = await exited;
    const tookMs = Date.now() - signalled;
    expect(code).toBe(0);
    expect(tookMs).toBeLessThanOrEqual(10_000);
    expect(storedInstances()[0]).toMatchObject({ id: 'i1', phase: 'provisioning' });
    const told = telegram.calls.filter((call) => Number(call.payload.chat_id) === TESS.id).map((call) => String(call.payload.text ?? ''));
    expect(told.join('\n')).toMatch(/ComputeHub is stopping: this deploy is saved and resumes when it starts again/);

    bot = start();
    await until('the second start-up banner', () => (/ComputeHub is running/.test(output) ? true : undefined), 40_000);
    sim.clock.advance(15 * 60_000);
    await until('the deploy to be ready', () => (storedInstances()[0]?.phase === 'ready' ? true : undefined), 40_000);
    expect(storedInstances()).toHaveLength(1);
    expect(creates()).toHaveLength(1);
    expect(liveMachines(sim, 'vast')).toHaveLength(1);
  }, 150_000);
});
