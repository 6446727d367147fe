import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '#test/support/app.ts';

const CLI = path.resolve('src/bin/computehub.js');

function computehub(args: string[], options: { input?: string; env?: Record<string, string>; cwd?: string } = {}) {
  const dataDir = options.env?.COMPUTEHUB_DATA_DIR ?? tempDir();
  return spawnSync(process.execPath, [CLI, ...args], {
    input: options.input ?? '',
    encoding: 'utf8',
    cwd: options.cwd ?? dataDir,
    env: { ...process.env, COMPUTEHUB_DATA_DIR: dataDir, ...options.env },
    timeout: 60_000,
  });
}

// Each case starts the CLI up to three times (a few seconds each; far more on a loaded machine).
describe('npm start with no tokens: the terminal chat', { timeout: 180_000 }, () => {
  it('lists the commands for `help` and leaves on `quit`', () => {
    const result = computehub(['start'], { input: 'help\nwhoami\nquit\n' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('ComputeHub is running.');
    expect(result.stdout).toContain('Platforms: terminal');
    expect(result.stdout).toMatch(/Providers: vast \(simulated\)/);
    expect(result.stdout).toContain('ComputeHub commands');
    expect(result.stdout).toMatch(/licence\s+Activate or check the Pro licence/);
    expect(result.stdout).toMatch(/Role:\s+admin/);
  });
});

describe('the computehub CLI', () => {
  it('help --json lists every command with its options', () => {
    const result = computehub(['help', '--json']);
    expect(result.status).toBe(0);
    const { commands } = JSON.parse(result.stdout) as { commands: { name: string; options: { name: string; type: string }[] }[] };
    const names = commands.map((command) => command.name);
    expect(names).toEqual(expect.arrayContaining(['help', 'whoami', 'licence status', 'licence activate', 'audit']));
    expect(commands.find((command) => command.name === 'audit')!.options.map((option) => option.name)).toEqual(['limit', 'user', 'command']);
  });

  it('exits 2 on a usage error, 1 on a user error, with the message on stderr', () => {
    const unknown = computehub(['prcies']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("Unknown command 'prcies'");
    const badValue = computehub(['audit', 'limit=lots']);
    expect(badValue.status).toBe(2);
    expect(badValue.stderr).toContain('Usage: audit');
    const refused = computehub(['licence', 'activate', 'garbage', '--json']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('not a ComputeHub licence key');
    expect(JSON.parse(refused.stdout).error.outcome).toBe('failed');
  });

  it('keeps shell-quoted values whole', () => {
    const result = computehub(['audit', 'command=licence activate', '--json']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ entries: [] });
  });

  it('reads .env in the working directory like the bot, and lists every configuration problem at once', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, '.env'), 'SYNC_INTERVAL_SECONDS=often\nHTTP_TIMEOUT_MS=soon\nCOMPUTEHUB_SECRET_KEY=short\n');
    const result = computehub(['help'], { cwd: dir, env: { COMPUTEHUB_DATA_DIR: dir } });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('the configuration has 3 problems');
    expect(result.stderr).toContain("SYNC_INTERVAL_SECONDS: expected a whole number of seconds, e.g. 60 (got 'often')");
    expect(result.stderr).toContain('HTTP_TIMEOUT_MS: expected a whole number of milliseconds');
    expect(result.stderr).toContain('COMPUTEHUB_SECRET_KEY: expected 32 random bytes in base64');
    expect(result.stderr).not.toContain('short');
  });
});
