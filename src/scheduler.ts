// Recurring jobs (node-schedule). A job never overlaps itself, and a failure is logged and retried
// at the next tick, so one broken provider cannot stop the others or the bot.
import path from 'node:path';
import schedule from 'node-schedule';
import type { Logger } from './log.ts';
import { writeFileAtomic, type Store } from '#store/db.ts';

export interface Job {
  name: string;
  everySeconds: number;
  run: () => Promise<unknown>;
}

export const HEARTBEAT_FILE = 'heartbeat';
/** A heartbeat older than this means the process is stuck (used by `computehub health`). */
export const HEARTBEAT_STALE_SECONDS = 120;

/** What the heartbeat file holds: when, and anything `computehub health` must report as unhealthy. */
export interface Heartbeat {
  at: string;
  problems: string[];
}

/**
 * Writes the heartbeat with the problems `check` finds (a failing database write, say); a problem
 * also fails the job, so the log says so at every tick until it is fixed.
 */
export function heartbeatJob(dataDir: string, check: () => Promise<string[]> = async () => []): Job {
  return {
    name: 'heartbeat',
    everySeconds: 30,
    run: async () => {
      const problems = await check();
      const heartbeat: Heartbeat = { at: new Date().toISOString(), problems };
      await writeFileAtomic(path.join(dataDir, HEARTBEAT_FILE), `${JSON.stringify(heartbeat)}\n`);
      if (problems.length) throw new Error(problems.join(' '));
    },
  };
}

/** A store whose last write failed is a problem until a retry succeeds. */
export async function storeProblems(store: Pick<Store, 'file' | 'writeFailure' | 'retryFailedWrite'>): Promise<string[]> {
  await store.retryFailedWrite();
  const failure = store.writeFailure;
  return failure ? [`${store.file} cannot be saved since ${failure.since.toISOString()}: ${failure.error.message}`] : [];
}

export class Scheduler {
  private readonly pending = new Map<string, schedule.Job>();
  private stopped = false;

  constructor(private readonly log: Logger) {}

  /** Runs the job now, then again `everySeconds` after each run finishes (so runs never overlap). */
  add(job: Job): void {
    const tick = async () => {
      const started = Date.now();
      try {
        await job.run();
        this.log.debug({ job: job.name, ms: Date.now() - started }, 'job done');
      } catch (error) {
        this.log.error({ job: job.name, err: error }, 'job failed; it runs again at the next tick');
      }
      if (this.stopped) return;
      const next = schedule.scheduleJob(new Date(Date.now() + job.everySeconds * 1000), () => void tick());
      if (next) this.pending.set(job.name, next);
    };
    void tick();
  }

  stop(): void {
    this.stopped = true;
    for (const job of this.pending.values()) job.cancel();
    this.pending.clear();
  }
}
