// A write that fails (full disk, read-only disk) changes nothing: not the file, not the data in
// memory, not the updates queued behind it; the user is told so, and `computehub health` fails
// until a write succeeds again. The failing disk is put at the store's file-writing seam.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { heartbeatJob, storeProblems } from '#src/scheduler.ts';
import { openDatabase, StoreWriteError, writeFileAtomic } from '#store/db.ts';
import { tempDir, testApp } from '#test/support/app.ts';

/** A disk that works until `fail` names an errno code; a write waits while `hold` is pending. */
function disk() {
  const state = { fail: undefined as string | undefined, writes: 0, hold: undefined as Promise<void> | undefined };
  const write = async (file: string, text: string) => {
    state.writes++;
    await state.hold;
    if (state.fail) throw Object.assign(new Error(`${state.fail}: simulated disk failure, write '${file}'`), { code: state.fail });
    await writeFileAtomic(file, text);
  };
  return { state, write };
}

const member = (userId: string) => ({ orgId: 'default', platform: 'telegram', userId, displayName: userId, role: 'dev' as const, addedAt: '2026-01-01T00:00:00.000Z' });

describe('a database write that fails', () => {
  it('leaves the file, the data and the updates queued behind it as they were, and says why', async () => {
    const dir = tempDir();
    const { state, write } = disk();
    const db = await openDatabase(dir, undefined, { writeFile: write });
    await db.update((data) => data.members.push(member('1')));
    const before = readFileSync(path.join(dir, 'db.json'), 'utf8');

    state.fail = 'ENOSPC';
    let release!: () => void;
    state.hold = new Promise((resolve) => (release = resolve));
    const writes = state.writes;
    const first = db.update((data) => data.members.push(member('2')));
    await vi.waitFor(() => expect(state.writes).toBe(writes + 1));
    // Made while the failing write runs, on top of the failed change: undone with it.
    const behind = db.update((data) => data.members.push(member('3')));
    expect(db.data.members).toHaveLength(3);
    release();
    await expect(first).rejects.toThrow(StoreWriteError);
    await expect(first).rejects.toThrow('The disk is full: nothing was changed.');
    await expect(behind).rejects.toThrow('The disk is full: nothing was changed.');
    expect(db.data.members.map((entry) => entry.userId)).toEqual(['1']);
    expect(readFileSync(path.join(dir, 'db.json'), 'utf8')).toBe(before);
    expect(db.writeFailure?.error.code).toBe('ENOSPC');

    state.fail = undefined;
    await db.update((data) => data.members.push(member('4')));
    expect(db.writeFailure).toBeUndefined();
    const reopened = await openDatabase(dir);
    expect(reopened.data.members.map((entry) => entry.userId)).toEqual(['1', '4']);
  });

  it('on the real disk leaves no half-written temp file behind', async () => {
    const dir = tempDir();
    // A directory in the file's place makes the rename fail after the temp file was written.
    mkdirSync(path.join(dir, 'db.json'));
    writeFileSync(path.join(dir, 'db.json', 'inside'), '');
    await expect(writeFileAtomic(path.join(dir, 'db.json'), '{}')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['db.json']);
  });

  it('still writes a burst of updates as one write', async () => {
    const { state, write } = disk();
    const db = await openDatabase(tempDir(), undefined, { writeFile: write });
    const writesBefore = state.writes;
    await Promise.all(Array.from({ length: 50 }, (_, i) => db.update((data) => data.members.push(member(String(i))))));
    expect(state.writes - writesBefore).toBe(1);
    expect(db.data.members).toHaveLength(50);
  });

  it('answers `member add` with the reason and keeps no trace of the member', async () => {
    const { state, write } = disk();
    const app = await testApp({}, { storeWriteFile: write });
    state.fail = 'EROFS';
    const execution = await app.run('member add telegram:4242 role=dev name=Ana');
    expect(execution.outcome).toBe('failed');
    expect(execution.reply.text).toContain('The disk is read-only: nothing was changed.');
    expect(app.services.db.data.members.find((entry) => entry.userId === '4242')).toBeUndefined();

    state.fail = undefined;
    const list = await app.run('member list --json');
    expect(JSON.stringify(list.reply.data)).not.toContain('4242');
    await app.run('project create later');
    await app.close();
    expect(readFileSync(path.join(app.dataDir, 'db.json'), 'utf8')).not.toContain('4242');
  });

  it('makes `computehub health` fail until a write succeeds again', async () => {
    const dir = tempDir();
    const { state, write } = disk();
    const db = await openDatabase(dir, undefined, { writeFile: write });
    const heartbeat = heartbeatJob(dir, () => storeProblems(db));
    const health = () => spawnSync(process.execPath, [path.resolve('src/bin/computehub.js'), 'health'], { encoding: 'utf8', cwd: dir, env: { ...process.env, COMPUTEHUB_DATA_DIR: dir }, timeout: 60_000 });

    state.fail = 'ENOSPC';
    await expect(db.update((data) => data.members.push(member('9')))).rejects.toThrow(StoreWriteError);
    await expect(heartbeat.run()).rejects.toThrow('The disk is full: nothing was changed.');
    const sick = health();
    expect(sick.status).toBe(1);
    expect(sick.stderr).toContain('unhealthy:');
    expect(sick.stderr).toContain('db.json cannot be saved since');
    expect(sick.stderr).toContain('The disk is full: nothing was changed.');

    state.fail = undefined;
    await heartbeat.run();
    expect(db.writeFailure).toBeUndefined();
    const well = health();
    expect(well.stdout).toContain('healthy: heartbeat');
    expect(well.status).toBe(0);
  });
});
