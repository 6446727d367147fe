// One writer per data directory: a running bot holds it, the CLI beside it sends its commands to the
// bot (and prints exactly what it would print on its own), a second bot is refused, a dead bot's lock
// is taken over. The directory stays private: 0700, files 0600, a warning about anything looser.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '#test/support/app.ts';
import { until as waitUntil } from '#test/support/wait.ts';

const CLI = path.resolve('src/bin/computehub.js');

let dataDir: string;
let logFile: string;
let bot: ChildProcessWithoutNullStreams;
let stdout = '';
let stderr = '';
let deadPid: number;

function computehub(args: string[], dir = dataDir) {
  return spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    cwd: dir,
    env: { ...process.env, COMPUTEHUB_DATA_DIR: dir },
    timeout: 90_000,
  });
}

const until = <T>(what: string, probe: () => T | undefined, timeoutMs = 40_000) => waitUntil(what, probe, { timeoutMs, context: () => `Bot output so far:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}` });

const mode = (file: string) => statSync(file).mode & 0o777;
const logText = () => readFileSync(logFile, 'utf8');

beforeAll(async () => {
  dataDir = tempDir();
  // What an older install leaves behind: an open directory, a readable log and heartbeat, a stray
  // readable file, and the lock of a bot that died without cleaning up.
  chmodSync(dataDir, 0o755);
  logFile = path.join(dataDir, 'computehub.log');
  writeFileSync(logFile, '', { mode: 0o644 });
  chmodSync(logFile, 0o644);
  writeFileSync(path.join(dataDir, 'heartbeat'), '2026-01-01T00:00:00.000Z\n', { mode: 0o644 });
  chmodSync(path.join(dataDir, 'heartbeat'), 0o644);
  writeFileSync(path.join(dataDir, 'notes.txt'), 'mine\n', { mode: 0o644 });
  chmodSync(path.join(dataDir, 'notes.txt'), 0o644);
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  deadPid = Number(gone.stdout);
  writeFileSync(path.join(dataDir, 'computehub.lock'), JSON.stringify({ pid: deadPid, hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z', kind: 'bot' }));

  bot = spawn(process.execPath, [CLI, 'start'], {
    cwd: dataDir,
    env: { ...process.env, COMPUTEHUB_DATA_DIR: dataDir, COMPUTEHUB_CONSOLE: 'on', LOG_FILE: logFile, LOG_LEVEL: 'info' },
  });
  bot.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  bot.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await until('the start-up banner', () => (stdout.includes('ComputeHub is running.') ? true : undefined), 60_000);
  await until('the first heartbeat', () => (readFileSync(path.join(dataDir, 'heartbeat'), 'utf8').startsWith('2026-01-01') ? undefined : true));
}, 90_000);

afterAll(async () => {
  if (bot.exitCode === null) {
    bot.kill('SIGTERM');
    await new Promise((resolve) => bot.once('exit', resolve));
  }
});

/** Types a line into the bot's terminal chat and waits for its answer. */
async function terminal(line: string, expected: RegExp): Promise<string> {
  const from = stdout.length;
  bot.stdin.write(`${line}\n`);
  return until(`the terminal to answer '${line}'`, () => (expected.test(stdout.slice(from)) ? stdout.slice(from) : undefined));
}

describe('a bot running on the data directory', () => {
  it('took over the lock of the dead bot, and says so in its log', () => {
    expect(logText()).toContain(`took over the data directory lock of process ${deadPid}`);
    const lock = JSON.parse(readFileSync(path.join(dataDir, 'computehub.lock'), 'utf8'));
    expect(lock).toMatchObject({ pid: bot.pid, kind: 'bot' });
  });

  it('keeps a change made from the CLI beside it, with its audit entry, after its own next write', async () => {
    const added = computehub(['member', 'add', 'telegram:5150', 'role=dev', 'name=Ana']);
    expect(added.stderr).toBe('');
    expect(added.stdout).toMatch(/^✓ Ana is now a dev of .+\.\n$/);
    expect(added.status).toBe(0);
    // The bot writes the database for a change of its own.
    await terminal('member add telegram:6160 role=viewer name=Bob', /Bob is now a viewer/);
    const onDisk = JSON.parse(readFileSync(path.join(dataDir, 'db.json'), 'utf8'));
    expect(onDisk.members.map((member: { userId: string }) => member.userId).sort()).toEqual(['5150', '6160']);
    const audit = computehub(['audit', 'command=member add', '--json']);
    expect(audit.status).toBe(0);
    const entries = JSON.parse(audit.stdout).entries as { args: string }[];
    expect(entries.map((entry) => entry.args).join('\n')).toContain('telegram:5150');
    expect(entries).toHaveLength(2);
  });

  it('answers the CLI exactly as the CLI answers alone: output and exit codes', () => {
    const alone = tempDir();
    for (const args of [['prcies'], ['member', 'add', 'telegram:7', 'role=boss', '--json'], ['licence', 'activate', 'garbage', '--json']]) {
      const viaBot = computehub(args);
      const direct = computehub(args, alone);
      expect({ args, status: viaBot.status, stdout: viaBot.stdout, stderr: viaBot.stderr }).toEqual({ args, status: direct.status, stdout: direct.stdout, stderr: direct.stderr });
    }
    expect(logText()).toContain('"command":"licence activate"');
  }, 90_000);

  it('streams the progress of a deploy from the bot to the CLI as it happens', async () => {
    const child = spawn(process.execPath, [CLI, 'deploy', 'gpu=4090', 'template=pytorch', '--yes'], { cwd: dataDir, env: { ...process.env, COMPUTEHUB_DATA_DIR: dataDir } });
    let progress = '';
    let answer = '';
    let firstProgressAt = 0;
    let answerAt = 0;
    child.stderr.on('data', (chunk: Buffer) => {
      progress += chunk.toString();
      firstProgressAt ||= Date.now();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
      answerAt ||= Date.now();
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(progress).toMatch(/^… Deploying i\d+ \(pytorch-rtx4090\)/);
    expect(progress).toContain('  … Provisioning the machine');
    expect(answer).toMatch(/✓ i\d+ is ready: 1× RTX 4090/);
    // The machine takes seconds to provision: progress printed only at the end would arrive with the answer.
    expect(answerAt - firstProgressAt).toBeGreaterThan(500);
  }, 90_000);

  it('refuses a second bot on the same data directory, naming the running one', () => {
    const second = computehub(['start']);
    expect(second.status).toBe(1);
    expect(second.stderr).toContain(`A ComputeHub bot (pid ${bot.pid}`);
    expect(second.stderr).toContain('Only one bot may run on one data directory');
  });

  it('keeps the data directory private: 0700, its files 0600, a warning about what was looser', () => {
    expect(mode(dataDir)).toBe(0o700);
    const audit = path.join('series', 'audit');
    for (const name of ['db.json', 'heartbeat', 'secret.key', 'computehub.lock', 'computehub.sock', 'computehub.log', ...readdirSync(path.join(dataDir, audit)).map((day) => path.join(audit, day))]) {
      expect({ name, mode: mode(path.join(dataDir, name)).toString(8) }).toEqual({ name, mode: '600' });
    }
    expect(mode(path.join(dataDir, audit))).toBe(0o700);
    expect(logText()).toMatch(/claim [A-Z0-9]{8}/);
    const warning = logText().split('\n').find((line) => line.includes('Others on this machine could read'));
    expect(warning).toContain(`${path.join(dataDir, 'notes.txt')} (0644)`);
    expect(warning).toContain(`${dataDir} (0755)`);
  });

  it('leaves no lock or socket behind when stopped, and the CLI runs on its own again', async () => {
    bot.kill('SIGTERM');
    expect(await new Promise((resolve) => bot.once('exit', resolve))).toBe(0);
    expect(existsSync(path.join(dataDir, 'computehub.lock'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'computehub.sock'))).toBe(false);
    const list = computehub(['member', 'list', '--json']);
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout).members).toHaveLength(2);
  });
});

describe('the data directory lock without a bot', () => {
  it('tells the CLI clearly when a bot holds the directory but does not answer', () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    // A live process that is not a bot stands in for a stuck one: it holds the lock, nobody listens.
    writeFileSync(path.join(dir, 'computehub.lock'), JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: 'now', kind: 'bot' }));
    const result = computehub(['whoami'], dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`A ComputeHub bot (pid ${process.pid}) is running with the data directory ${dir}`);
    expect(result.stderr).toContain('does not answer');
    expect(existsSync(path.join(dir, 'db.json'))).toBe(false);
  });
});
