// Recurring jobs (node-schedule). A job never overlaps itself, and a failure is logged and retried
// at the next tick, so one broken provider cannot stop the others or the bot.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import schedule from 'node-schedule';
import type { Logger } from './log.ts';

export interface Job {
  name: string;
  everySeconds: number;
  run: () => Promise<unknown>;
}

export const HEARTBEAT_FILE = 'heartbeat';
/** A heartbeat older than this means the process is stuck (used by `computehub health`). */
export const HEARTBEAT_STALE_SECONDS = 120;

export function heartbeatJob(dataDir: string): Job {
  return {
    name: 'heartbeat',
    everySeconds: 30,
    run: () => writeFile(path.join(dataDir, HEARTBEAT_FILE), `${new Date().toISOString()}\n`),
  };
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
