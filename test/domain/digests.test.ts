import schedule from 'node-schedule';
import { describe, expect, it } from 'vitest';
import { digestCron, lastDue, nextDue, parseDigestSchedule, periodOf, type DigestSchedule } from '#domain/digests.ts';

function parsed(text: string, tz = 'UTC'): DigestSchedule {
  const result = parseDigestSchedule(text, tz);
  if ('problem' in result) throw new Error(result.problem);
  return result;
}

/** When node-schedule itself would first run the cron rule after `fromMs` (no timer is left running). */
function nodeScheduleNext(rule: DigestSchedule, fromMs: number): number {
  const job = schedule.scheduleJob({ start: new Date(fromMs), rule: digestCron(rule), tz: rule.timeZone }, () => undefined);
  const next = job!.nextInvocation()!.getTime();
  job!.cancel();
  return next;
}

const berlinNine = () => parsed('daily 09:00', 'Europe/Berlin');

describe('digest schedules', () => {
  it('reads daily and weekly schedules, and says how to write a wrong one', () => {
    expect(parsed('daily 09:00', 'Europe/Berlin')).toEqual({ every: 'daily', weekday: null, hour: 9, minute: 0, timeZone: 'Europe/Berlin' });
    expect(parsed('weekly Monday 7:30')).toEqual({ every: 'weekly', weekday: 1, hour: 7, minute: 30, timeZone: 'UTC' });
    expect(parseDigestSchedule('hourly 09:00', 'UTC')).toMatchObject({ problem: expect.stringContaining('daily or weekly') });
    expect(parseDigestSchedule('weekly 09:00', 'UTC')).toMatchObject({ problem: expect.stringContaining('Name the day') });
    expect(parseDigestSchedule('daily 25:00', 'UTC')).toMatchObject({ problem: expect.stringContaining('HH:MM') });
    expect(parseDigestSchedule('daily 09:00', 'Mars/Olympus')).toMatchObject({ problem: expect.stringContaining('not a time zone') });
  });

  it('is due at 09:00 Berlin: 08:00 UTC in winter, 07:00 UTC once the clocks go forward (29 March 2026), back to 08:00 after 25 October', () => {
    const rule = berlinNine();
    expect(new Date(nextDue(rule, Date.UTC(2026, 2, 28, 12))).toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(new Date(nextDue(rule, Date.UTC(2026, 2, 27, 12))).toISOString()).toBe('2026-03-28T08:00:00.000Z');
    expect(new Date(nextDue(rule, Date.UTC(2026, 9, 24, 12))).toISOString()).toBe('2026-10-25T08:00:00.000Z');
    expect(new Date(nextDue(rule, Date.UTC(2026, 9, 23, 12))).toISOString()).toBe('2026-10-24T07:00:00.000Z');
  });

  it('agrees with node-schedule, which runs it, on every day around both DST changes', () => {
    const weekly = parsed('weekly mon 09:00', 'Europe/Berlin');
    // In 2027 (node-schedule counts from the later of now and `start`): clocks change on 28 March and 31 October.
    for (const start of [Date.UTC(2027, 2, 20), Date.UTC(2027, 9, 24)]) {
      for (let hour = 0; hour < 14 * 24; hour += 5) {
        const from = start + hour * 3_600_000;
        expect(nextDue(berlinNine(), from), new Date(from).toISOString()).toBe(nodeScheduleNext(berlinNine(), from));
        expect(nextDue(weekly, from), new Date(from).toISOString()).toBe(nodeScheduleNext(weekly, from));
      }
    }
  });

  it('finds the last due time across a 23-hour day, and names each sending by its local date', () => {
    const rule = berlinNine();
    // 00:30 Berlin on Monday 30 March, the night after the 23-hour Sunday: last due was Sunday 09:00 (07:00 UTC).
    const due = lastDue(rule, Date.UTC(2026, 2, 29, 22, 30));
    expect(new Date(due).toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(periodOf(rule, due)).toBe('2026-03-29');
    expect(periodOf(parsed('daily 00:30', 'America/New_York'), Date.UTC(2026, 11, 3, 5, 30))).toBe('2026-12-03');
  });
});
