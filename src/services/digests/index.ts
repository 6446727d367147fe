// Digests: a daily or weekly summary (cost with its chart, the automation's events, money leaks)
// posted to the chat each was added in, on a node-schedule cron rule in its time zone. Each sending
// first records the period it covers, so a restart never sends a period twice; a bot that was down
// when one was due sends it on start, within MISSED_DIGEST_GRACE_MS.
import schedule from 'node-schedule';
import { UserError } from '#core/errors.ts';
import type { Reply } from '#core/reply.ts';
import { describeSchedule, digestCron, lastDue, MISSED_DIGEST_GRACE_MS, nextDue, parseDigestSchedule, periodOf, type DigestSchedule } from '#domain/digests.ts';
import type { EventChannel } from '#store/automation-schema.ts';
import type { DigestRecord } from '#store/digest-schema.ts';
import { digestMessages, type DigestSources } from './content.ts';

/** Delivers a message to a chat channel; src/main.ts wires it to the chat platforms. */
export type DigestPoster = (channel: EventChannel, message: Reply) => Promise<unknown>;

export type SendResult = 'sent' | 'already-sent' | 'not-due';

const keyOf = (record: Pick<DigestRecord, 'orgId' | 'id'>) => `${record.orgId}/${record.id}`;

export function scheduleOf(record: DigestRecord): DigestSchedule {
  return { every: record.every, weekday: record.weekday, hour: record.hour, minute: record.minute, timeZone: record.timeZone };
}

export class DigestService {
  private poster: DigestPoster | undefined;
  private readonly jobs = new Map<string, schedule.Job>();
  private started = false;

  constructor(private readonly sources: DigestSources) {}

  setPoster(poster: DigestPoster): void {
    this.poster = poster;
  }

  list(orgId: string): DigestRecord[] {
    return this.sources.db.data.digests.filter((record) => record.orgId === orgId);
  }

  /** When it is next due (ISO 8601). */
  nextRun(record: DigestRecord): string {
    return new Date(nextDue(scheduleOf(record), this.sources.now().getTime())).toISOString();
  }

  async add(orgId: string, text: string, timeZone: string, author: { by: string; channel: EventChannel }): Promise<DigestRecord> {
    const parsed = parseDigestSchedule(text, timeZone);
    if ('problem' in parsed) throw new UserError(parsed.problem);
    const record = await this.sources.db.update((data) => {
      // Digests made before the counter existed count too: the next number is past all of them.
      const highest = Math.max(data.digestCounters[orgId] ?? 0, ...data.digests.filter((digest) => digest.orgId === orgId).map((digest) => Number(digest.id.slice(1))));
      data.digestCounters[orgId] = highest + 1;
      const added: DigestRecord = { orgId, id: `d${highest + 1}`, ...parsed, channel: author.channel, createdBy: author.by, createdAt: this.sources.now().toISOString(), lastSentPeriod: null };
      data.digests.push(added);
      return added;
    });
    if (this.started) this.schedule(record);
    return record;
  }

  async remove(orgId: string, id: string): Promise<DigestRecord> {
    const found = this.list(orgId).find((record) => record.id === id.toLowerCase());
    if (!found) throw new UserError(`There is no digest ${id} in this org. See them with: digest list`);
    await this.sources.db.update((data) => {
      data.digests = data.digests.filter((record) => keyOf(record) !== keyOf(found));
    });
    this.jobs.get(keyOf(found))?.cancel();
    this.jobs.delete(keyOf(found));
    return found;
  }

  /** Schedules every digest and sends the ones missed while the bot was down (the bot calls this once). */
  async start(): Promise<void> {
    this.started = true;
    for (const record of this.sources.db.data.digests) this.schedule(record);
    await this.sendMissed();
  }

  stop(): void {
    this.started = false;
    for (const job of this.jobs.values()) job.cancel();
    this.jobs.clear();
  }

  /** Every digest whose last due time passed within the grace and whose period is not sent yet. */
  async sendMissed(): Promise<void> {
    for (const record of [...this.sources.db.data.digests]) await this.send(record.orgId, record.id, MISSED_DIGEST_GRACE_MS);
  }

  private schedule(record: DigestRecord): void {
    this.jobs.get(keyOf(record))?.cancel();
    const job = schedule.scheduleJob({ rule: digestCron(scheduleOf(record)), tz: record.timeZone }, () => void this.send(record.orgId, record.id, MISSED_DIGEST_GRACE_MS));
    if (job) this.jobs.set(keyOf(record), job);
  }

  /**
   * Sends the digest for its latest due time when that is at most `withinMs` ago and its period is
   * not sent yet. The period is recorded before anything is posted: a crash mid-post loses that
   * digest rather than sending it twice.
   */
  async send(orgId: string, id: string, withinMs: number): Promise<SendResult> {
    const record = this.list(orgId).find((candidate) => candidate.id === id);
    if (!record) return 'not-due';
    const nowMs = this.sources.now().getTime();
    const due = lastDue(scheduleOf(record), nowMs);
    if (nowMs - due > withinMs || due < Date.parse(record.createdAt)) return 'not-due';
    const period = periodOf(scheduleOf(record), due);
    if (record.lastSentPeriod === period) return 'already-sent';
    await this.sources.db.update((data) => {
      const stored = data.digests.find((candidate) => keyOf(candidate) === keyOf(record));
      if (stored) stored.lastSentPeriod = period;
    });
    const label = `${record.every === 'daily' ? 'Daily' : 'Weekly'} digest ${record.id} (${period})`;
    const problem = (error: unknown) => this.sources.log.warn({ err: error, orgId, digest: record.id, period }, 'digest could not be composed or posted');
    const messages = await digestMessages(this.sources, orgId, record.every, label).catch((error: unknown) => (problem(error), []));
    // One part that cannot be posted does not hold back the others.
    for (const message of messages) await this.post(record, message).catch(problem);
    return 'sent';
  }

  private async post(record: DigestRecord, message: Reply): Promise<void> {
    if (!this.poster) throw new Error('no chat is connected to post digests to');
    await this.poster(record.channel, message);
  }

  describe(record: DigestRecord): string {
    return describeSchedule(scheduleOf(record));
  }
}
