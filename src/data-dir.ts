// The data directory has one writer at a time: a lock file made with O_EXCL names the process that
// holds it (a running bot, or a one-shot command). It also keeps the directory private: 0700, with
// every file the bot writes 0600, and a list of anything in it that others could read.
import { constants, readFileSync, unlinkSync } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HEARTBEAT_FILE, HEARTBEAT_STALE_SECONDS } from './scheduler.ts';

export const LOCK_FILE = 'computehub.lock';

export interface LockOwner {
  pid: number;
  hostname: string;
  startedAt: string;
  /** A running bot answers on the control socket; a one-shot command finishes soon. */
  kind: 'bot' | 'command';
}

/** Someone else holds the data directory. */
export class DataDirBusyError extends Error {
  constructor(readonly dataDir: string, readonly owner: LockOwner) {
    const who = owner.kind === 'bot' ? 'A ComputeHub bot' : 'A computehub command';
    const where = owner.hostname === os.hostname() ? '' : ` on host ${owner.hostname}`;
    super(
      `${who} (pid ${owner.pid}${where}, started ${owner.startedAt}) is already using the data directory ${dataDir}.\n` +
        (owner.kind === 'bot'
          ? 'Only one bot may run on one data directory. Stop that one first, or give this one another COMPUTEHUB_DATA_DIR.'
          : 'Wait until it has finished, then try again.'),
    );
    this.name = 'DataDirBusyError';
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    if (typeof owner.pid !== 'number' || typeof owner.hostname !== 'string') return undefined;
    return { pid: owner.pid, hostname: owner.hostname, startedAt: String(owner.startedAt ?? 'unknown'), kind: owner.kind === 'bot' ? 'bot' : 'command' };
  } catch {
    return undefined;
  }
}

async function ageSeconds(file: string): Promise<number> {
  try {
    return (Date.now() - (await stat(file)).mtimeMs) / 1000;
  } catch {
    return Infinity;
  }
}

/**
 * Whether the lock's owner still runs. On this host the pid says so; a lock from another host (a
 * shared volume, or a container that was recreated) counts while its heartbeat or lock file is fresh.
 */
async function ownerAlive(dataDir: string, owner: LockOwner): Promise<boolean> {
  if (owner.hostname !== os.hostname()) {
    const freshest = Math.min(await ageSeconds(path.join(dataDir, HEARTBEAT_FILE)), await ageSeconds(path.join(dataDir, LOCK_FILE)));
    return freshest <= HEARTBEAT_STALE_SECONDS;
  }
  // A restarted container runs the bot under the same pid as before: that old lock is ours to take.
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class DataDirLock {
  private released = false;
  private readonly releaseOnExit = () => this.releaseSync();

  private constructor(
    readonly file: string,
    private readonly text: string,
    /** The dead process whose lock was taken over, for the log. */
    readonly tookOverFrom: LockOwner | undefined,
  ) {
    process.once('exit', this.releaseOnExit);
  }

  /**
   * Takes the lock, taking over one whose owner is gone. While another command holds it this waits
   * up to `waitMs`; a live bot (or a command still running after the wait) is a DataDirBusyError.
   */
  static async acquire(dataDir: string, kind: LockOwner['kind'], waitMs: number): Promise<DataDirLock> {
    const file = path.join(dataDir, LOCK_FILE);
    const owner: LockOwner = { pid: process.pid, hostname: os.hostname(), startedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(), kind };
    const text = `${JSON.stringify(owner)}\n`;
    const deadline = Date.now() + waitMs;
    let tookOverFrom: LockOwner | undefined;
    for (;;) {
      try {
        const handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
        try {
          await handle.writeFile(text);
          await handle.sync();
        } finally {
          await handle.close();
        }
        return new DataDirLock(file, text, tookOverFrom);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const found = await readFile(file, 'utf8').catch(() => '');
      const holder = parseOwner(found);
      if (holder && (await ownerAlive(dataDir, holder))) {
        if (holder.kind === 'bot' || Date.now() >= deadline) throw new DataDirBusyError(dataDir, holder);
        await sleep(200);
        continue;
      }
      // Stale (or half-written by a process that died at once): remove it if it is still the one we judged.
      if ((await readFile(file, 'utf8').catch(() => undefined)) === found) {
        await unlink(file).catch(() => undefined);
        tookOverFrom = holder ?? { pid: 0, hostname: 'unknown', startedAt: 'unknown', kind: 'command' };
      }
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    process.removeListener('exit', this.releaseOnExit);
    if ((await readFile(this.file, 'utf8').catch(() => undefined)) === this.text) await unlink(this.file).catch(() => undefined);
  }

  private releaseSync(): void {
    if (this.released) return;
    this.released = true;
    try {
      // The process is exiting, so only synchronous calls still run.
      if (readFileSync(this.file, 'utf8') === this.text) unlinkSync(this.file);
    } catch {
      // Left behind, it is stale: the next start takes it over.
    }
  }
}

export interface LooseEntry {
  path: string;
  mode: number;
}

const MAX_REPORTED = 20;

/** Everything under `dir` that its group or others may read, write or enter (a bounded walk). */
async function looseEntries(dir: string, depth = 0, found: LooseEntry[] = []): Promise<LooseEntry[]> {
  for (const name of (await readdir(dir).catch(() => [] as string[])).sort()) {
    if (found.length >= MAX_REPORTED) break;
    const entry = path.join(dir, name);
    const info = await lstat(entry).catch(() => undefined);
    if (!info || info.isSymbolicLink()) continue;
    if (info.mode & 0o077) found.push({ path: entry, mode: info.mode & 0o777 });
    if (info.isDirectory() && depth < 3) await looseEntries(entry, depth + 1, found);
  }
  return found;
}

/**
 * Creates the data directory if needed and makes it private (0700). Returns what was looser than
 * that before: the directory itself and, with `listContents` (the bot's warning at start; a one-shot
 * command skips the walk), anything in it.
 */
export async function secureDataDir(dataDir: string, { listContents = true } = {}): Promise<LooseEntry[]> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const mode = (await stat(dataDir)).mode & 0o777;
  const loose = mode & 0o077 ? [{ path: dataDir, mode }] : [];
  // Not ours to change (another owner): the warning still names it.
  if (mode !== 0o700) await chmod(dataDir, 0o700).catch(() => undefined);
  return listContents ? [...loose, ...(await looseEntries(dataDir))] : loose;
}

export function describeLoose(entries: readonly LooseEntry[]): string {
  const listed = entries.map((entry) => `${entry.path} (${entry.mode.toString(8).padStart(4, '0')})`).join(', ');
  return `Others on this machine could read or change these in the data directory: ${listed}. ` +
    'The directory is now 0700 and the bot writes its files 0600; run chmod 600 on the files listed (chmod 700 on folders) to tighten them too.';
}
