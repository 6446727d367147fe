// Digest schedules: "daily 09:00" or "weekly mon 09:00" in an IANA time zone, as a cron rule for
// node-schedule, and the calendar arithmetic the digest service needs beside it: when one was last
// due (a restarted bot catches up on a missed one) and which period a sending covers (so a period is
// sent once). Pure: time zones through Intl, no I/O.

export const DIGEST_EVERY = ['daily', 'weekly'] as const;
export type DigestEvery = (typeof DIGEST_EVERY)[number];

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export interface DigestSchedule {
  every: DigestEvery;
  /** 0 = Sunday … 6 = Saturday, for weekly digests; null for daily ones. */
  weekday: number | null;
  hour: number;
  minute: number;
  /** IANA time zone, e.g. Europe/Berlin. */
  timeZone: string;
}

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** "daily 09:00" / "weekly mon 09:00" → a schedule, or the reason it is not one. */
export function parseDigestSchedule(text: string, timeZone: string): DigestSchedule | { problem: string } {
  const words = text.trim().toLowerCase().split(/\s+/);
  const usage = 'Write it as: daily 09:00, or weekly mon 09:00 (add tz=Europe/Berlin for a time zone other than UTC).';
  const every = words[0];
  if (every !== 'daily' && every !== 'weekly') return { problem: `A digest is daily or weekly. ${usage}` };
  const weekday = every === 'weekly' ? WEEKDAYS.findIndex((day) => words[1]?.startsWith(day)) : null;
  if (weekday === -1) return { problem: `Name the day of a weekly digest: mon, tue, wed, thu, fri, sat or sun. ${usage}` };
  const time = words[every === 'weekly' ? 2 : 1];
  const match = time ? /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(time) : null;
  if (!match || words.length > (every === 'weekly' ? 3 : 2)) return { problem: `Give the time as HH:MM on a 24-hour clock. ${usage}` };
  if (!isTimeZone(timeZone)) return { problem: `'${timeZone}' is not a time zone. Use an IANA name such as Europe/Berlin, America/New_York or UTC.` };
  return { every, weekday, hour: Number(match[1]), minute: Number(match[2]), timeZone };
}

/** The cron rule node-schedule runs (minute hour day-of-month month day-of-week), in the schedule's zone. */
export function digestCron(schedule: DigestSchedule): string {
  return `${schedule.minute} ${schedule.hour} * * ${schedule.weekday ?? '*'}`;
}

export function describeSchedule(schedule: DigestSchedule): string {
  const clock = `${String(schedule.hour).padStart(2, '0')}:${String(schedule.minute).padStart(2, '0')}`;
  const day = schedule.weekday === null ? 'daily' : `weekly on ${WEEKDAYS[schedule.weekday]}`;
  return `${day} at ${clock} ${schedule.timeZone}`;
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** The wall-clock time in a zone at an instant. */
function localTime(timeZone: string, ms: number): LocalTime {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric'}).formatToParts(ms);
  const part = (type: string) => parts.find((candidate) => candidate.type === type)!.value;
  return {
    year: Number(part('year')),
    month: Number(part('month')),
    day: Number(part('day')),
    hour: Number(part('hour')),
    minute: Number(part('minute')),
  };
}

/** The instant a wall-clock time happens in a zone (in a DST gap, the instant the clocks jump past it). */
function instantOf(timeZone: string, wall: LocalTime): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  let guess = asUtc;
  for (let pass = 0; pass < 3; pass++) {
    const seen = localTime(timeZone, guess);
    const drift = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute) - asUtc;
    if (drift === 0) break;
    guess -= drift;
  }
  return guess;
}

/**
 * When the schedule is due on the local calendar date `offsetDays` from the one of `nowMs` (undefined
 * on a day a weekly digest skips). Dates are stepped on the calendar, not in 24-hour steps, which a
 * 23-hour DST day would skip over.
 */
function dueOnDay(schedule: DigestSchedule, nowMs: number, offsetDays: number): number | undefined {
  const today = localTime(schedule.timeZone, nowMs);
  const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offsetDays));
  if (schedule.weekday !== null && date.getUTCDay() !== schedule.weekday) return undefined;
  return instantOf(schedule.timeZone, { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: schedule.hour, minute: schedule.minute });
}

/** The latest instant at or before `nowMs` the schedule was due. */
export function lastDue(schedule: DigestSchedule, nowMs: number): number {
  for (let back = 0; back <= 8; back++) {
    const due = dueOnDay(schedule, nowMs, -back);
    if (due !== undefined && due <= nowMs) return due;
  }
  throw new Error(`no due time found for ${describeSchedule(schedule)}`);
}

/** The first instant after `nowMs` the schedule is due. */
export function nextDue(schedule: DigestSchedule, nowMs: number): number {
  for (let ahead = 0; ahead <= 8; ahead++) {
    const due = dueOnDay(schedule, nowMs, ahead);
    if (due !== undefined && due > nowMs) return due;
  }
  throw new Error(`no due time found for ${describeSchedule(schedule)}`);
}

/** Which period a sending due at `dueMs` covers: its local date (YYYY-MM-DD), one sending each. */
export function periodOf(schedule: DigestSchedule, dueMs: number): string {
  const date = localTime(schedule.timeZone, dueMs);
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

/** How far back a digest looks: the day, or the week, before it is due. */
export function digestWindowMs(schedule: Pick<DigestSchedule, 'every'>): number {
  return schedule.every === 'daily' ? MS_PER_DAY : 7 * MS_PER_DAY;
}

/** A due time missed by less than this (the bot was down) is sent when the bot starts again. */
export const MISSED_DIGEST_GRACE_MS = 6 * 60 * MS_PER_MINUTE;
