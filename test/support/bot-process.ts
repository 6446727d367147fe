// The bot as a user runs it: `computehub start` in a child process with the built-in simulator, its
// output and its log lines (the suite's LOG_FILE, scanned for secrets at the end) kept for the test.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FakeDiscord } from '#test/fakes/discord.ts';
import type { FakeSlack } from '#test/fakes/slack.ts';
import type { FakeTelegram } from '#test/fakes/telegram.ts';
import { tempDir } from './app.ts';
import { TEST_SECRETS } from './secrets.ts';
import { until } from './wait.ts';

export interface BotProcess {
  child: ChildProcessWithoutNullStreams;
  dataDir: string;
  /** What it printed on stdout so far. */
  stdout(): string;
  /** Its log lines since it started. */
  log(): string;
  /** Waits like `until`, and a timeout shows the bot's last output and log lines. */
  until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs?: number): Promise<T>;
  /** The simulator's admin URL, from the bot's "started" log line (needs LOG_FORMAT=json). */
  simulatorAdmin(): string;
  /** Types a line into the terminal chat (COMPUTEHUB_CONSOLE=on) and waits for the text it should print. */
  type(line: string, expected: RegExp): Promise<string>;
  /** SIGTERM, and its exit code. */
  stop(): Promise<number | null>;
}

/** Starts the bot in a fresh data folder with `env` over the test process's own. */
export function startBotProcess(env: Record<string, string>): BotProcess {
  const dataDir = tempDir();
  const logFile = process.env.LOG_FILE ?? '';
  const logFrom = existsSync(logFile) ? statSync(logFile).size : 0;
  const child = spawn(process.execPath, [path.resolve('src/bin/computehub.js'), 'start'], {
    cwd: dataDir,
    env: { ...process.env, COMPUTEHUB_DATA_DIR: dataDir, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const log = () => (existsSync(logFile) ? readFileSync(logFile).subarray(logFrom).toString() : '');
  const context = () => `Bot output:\n${(stdout + stderr).slice(-1500)}\nLog:\n${log().slice(-2500)}`;
  const bot: BotProcess = {
    child,
    dataDir,
    stdout: () => stdout,
    log,
    until: (what, probe, timeoutMs = 30_000) => until(what, probe, { timeoutMs, context }),
    simulatorAdmin() {
      const started = log().split('\n').find((line) => line.includes('"msg":"started"'));
      if (!started) throw new Error(`The bot has not logged "started" yet.\n${context()}`);
      return (JSON.parse(started) as { simulator: { admin: string } }).simulator.admin;
    },
    type(line, expected) {
      const from = stdout.length;
      child.stdin.write(`${line}\n`);
      return bot.until(`the terminal to answer '${line}'`, () => (expected.test(stdout.slice(from)) ? stdout.slice(from) : undefined));
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      return exited;
    },
  };
  return bot;
}

/** A call to the simulator's admin API (state, faults, requests), answered as JSON. */
export async function simulatorAdmin(url: string, route: string, body?: unknown): Promise<any> {
  const response = await fetch(`${url}${route}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return response.json();
}

/** The variables that turn on each given platform, aimed at its loopback fake. */
export function fakePlatformsEnv(fakes: { telegram?: FakeTelegram; discord?: { fake: FakeDiscord; applicationId: string }; slack?: { fake: FakeSlack; port: number } }): Record<string, string> {
  return {
    ...(fakes.telegram && { TELEGRAM_BOT_TOKEN: TEST_SECRETS.telegramToken, TELEGRAM_API_ROOT: fakes.telegram.apiRoot }),
    ...(fakes.discord && { DISCORD_TOKEN: TEST_SECRETS.discordToken, DISCORD_APPLICATION_ID: fakes.discord.applicationId, DISCORD_API_URL: fakes.discord.fake.apiUrl }),
    ...(fakes.slack && {
      SLACK_BOT_TOKEN: TEST_SECRETS.slackBotToken,
      SLACK_SIGNING_SECRET: TEST_SECRETS.slackSigningSecret,
      SLACK_API_URL: fakes.slack.fake.apiUrl,
      SLACK_PORT: String(fakes.slack.port),
    }),
  };
}
