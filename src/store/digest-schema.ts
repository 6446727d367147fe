// Store section of the digests: what each posts, when, and where, and the last period it was sent
// for (so a restart never sends a period twice). A top-level key with a default in schema.ts.
import { z } from 'zod';
import { DIGEST_EVERY } from '#domain/digests.ts';
import { eventChannelSchema } from './automation-schema.ts';

const isoTime = z.string().datetime({ offset: true });

export const digestRecordSchema = z.object({
  orgId: z.string(),
  /** d1, d2, … per org; never reused (schema.ts `digestCounters`). */
  id: z.string(),
  every: z.enum(DIGEST_EVERY),
  /** 0 = Sunday … 6 = Saturday for a weekly digest; null for a daily one. */
  weekday: z.number().int().min(0).max(6).nullable(),
  hour: z.number().int().min(0).max(23),
  minute: z.number().int().min(0).max(59),
  timeZone: z.string(),
  /** The chat it posts to: where it was added. */
  channel: eventChannelSchema,
  createdBy: z.string(),
  createdAt: isoTime,
  /** The local date (YYYY-MM-DD) of the last due time it was sent for; null before the first. */
  lastSentPeriod: z.string().nullable(),
});

export type DigestRecord = z.infer<typeof digestRecordSchema>;
