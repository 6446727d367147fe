// The data-directory lock decides who may write: a live holder keeps it, a dead or unreadable one is
// taken over, a lock from another host counts while it is fresh. And the directory is made private.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirBusyError, DataDirLock, LOCK_FILE, secureDataDir } from '#src/data-dir.ts';
import { tempDir } from '#test/support/app.ts';

let other: ReturnType<typeof spawn>;

beforeAll(async () => {
  // Another live process on this host, to stand in for another bot or command.
  other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise((resolve) => other.once('spawn', resolve));
});

afterAll(() => {
  other.kill('SIGKILL');
});

const writeLock = (dir: string, owner: object) => writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(owner));

describe('the data directory lock', () => {
  it('is a 0600 file naming this process, removed on release', async () => {
    const dir = tempDir();
    const lock = await DataDirLock.acquire(dir, 'command', 0);
    const file = path.join(dir, LOCK_FILE);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid, hostname: hostname(), kind: 'command' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(lock.tookOverFrom).toBeUndefined();
    await lock.release();
    await expect(DataDirLock.acquire(dir, 'bot', 0).then((again) => again.release())).resolves.toBeUndefined();
  });

  it('is refused while a live bot holds it, naming its pid', async () => {
    const dir = tempDir();
    writeLock(dir, { pid: other.pid, hostname: hostname(), startedAt: '2026-12-01T10:00:00.000Z', kind: 'bot' });
    const refusal = DataDirLock.acquire(dir, 'bot', 5_000);
    await expect(refusal).rejects.toThrow(DataDirBusyError);
    await expect(refusal).rejects.toThrow(`A ComputeHub bot (pid ${other.pid}, started 2026-12-01T10:00:00.000Z) is already using the data directory ${dir}`);
  });

  it('waits for a command that holds it, and takes it when the command is done', async () => {
    const dir = tempDir();
    writeLock(dir, { pid: other.pid, hostname: hostname(), startedAt: 'now', kind: 'command' });
    await expect(DataDirLock.acquire(dir, 'command', 300)).rejects.toThrow('A computehub command');
    const waiting = DataDirLock.acquire(dir, 'command', 10_000);
    setTimeout(() => writeLock(dir, { pid: 999_999_999, hostname: hostname(), startedAt: 'then', kind: 'command' }), 300);
    const lock = await waiting;
    expect(lock.tookOverFrom?.pid).toBe(999_999_999);
    await lock.release();
  });

  it('takes over a lock whose process is gone, or that cannot be read', async () => {
    const dir = tempDir();
    writeLock(dir, { pid: 999_999_999, hostname: hostname(), startedAt: 'then', kind: 'bot' });
    const lock = await DataDirLock.acquire(dir, 'bot', 0);
    expect(lock.tookOverFrom).toMatchObject({ pid: 999_999_999, kind: 'bot' });
    await lock.release();
    writeFileSync(path.join(dir, LOCK_FILE), '{"pi');
    const again = await DataDirLock.acquire(dir, 'bot', 0);
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await again.release();
  });

  it('respects a fresh lock from another host (a shared volume), and takes over a stale one', async () => {
    const dir = tempDir();
    writeLock(dir, { pid: 1, hostname: 'another-host', startedAt: 'now', kind: 'bot' });
    await expect(DataDirLock.acquire(dir, 'bot', 0)).rejects.toThrow('(pid 1 on host another-host');
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(path.join(dir, LOCK_FILE), old, old);
    const lock = await DataDirLock.acquire(dir, 'bot', 0);
    expect(lock.tookOverFrom?.hostname).toBe('another-host');
    await lock.release();
  });
});

describe('the data directory', () => {
  it('is created 0700, forced to 0700, and what was looser is listed', async () => {
    const fresh = path.join(tempDir(), 'nested', 'data');
    expect(await secureDataDir(fresh)).toEqual([]);
    expect(statSync(fresh).mode & 0o777).toBe(0o700);

    const open = tempDir();
    chmodSync(open, 0o755);
    mkdirSync(path.join(open, 'images'));
    chmodSync(path.join(open, 'images'), 0o755);
    writeFileSync(path.join(open, 'images', 'chart.png'), 'png', { mode: 0o640 });
    chmodSync(path.join(open, 'images', 'chart.png'), 0o640);
    writeFileSync(path.join(open, 'db.json'), '{}', { mode: 0o600 });
    const loose = await secureDataDir(open);
    expect(loose).toEqual([
      { path: open, mode: 0o755 },
      { path: path.join(open, 'images'), mode: 0o755 },
      { path: path.join(open, 'images', 'chart.png'), mode: 0o640 },
    ]);
    expect(statSync(open).mode & 0o777).toBe(0o700);
  });
});
