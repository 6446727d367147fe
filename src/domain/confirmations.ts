// A pending confirmation: what a preview showed, pinned, so its Confirm button carries out exactly
// that once, within a time limit. Pure rules here; the store and the registry do the rest.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isoTime } from './fleet-records.ts';
import { formatUsd, usdToMicros } from './ledger.ts';

/** What a preview fixed beyond the command's options, checked again when Confirm is pressed. */
export interface Pins {
  /** The $/h the deploy preview showed: a rise it could show (priceRose) asks again at confirm time. */
  pricePerHour?: number | undefined;
}

/** The deploy token a confirmation stands for: two presses, or a press after a restart, rent once. */
export function deployTokenFor(confirmationId: string, part = ''): string {
  const digest = createHash('sha256').update(`deploy:${confirmationId}:${part}`).digest();
  return BigInt(`0x${digest.subarray(0, 8).toString('hex')}`).toString(36).padStart(13, '0').slice(-10);
}

/**
 * Whether a price shown in a preview has risen by the time it is confirmed, as the person would see it:
 * at the precision the preview printed (formatUsd: cents, or four decimals under a cent), so a new
 * preview never says "rose from $0.41/h to $0.41/h" over a fraction of a cent nobody was shown.
 */
export function priceRose(previewed: number | undefined, now: number): boolean {
  if (previewed === undefined) return false;
  const shown = (usd: number) => Number(formatUsd(usdToMicros(usd)).slice(1));
  return now > previewed && shown(now) > shown(previewed);
}

/** A pending confirmation as the store keeps it (src/store/confirmation-schema.ts) and the registry carries it out. */
export const pendingConfirmationSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  /** Who asked for the preview. */
  owner: z.object({ platform: z.string(), userId: z.string(), displayName: z.string() }),
  /** The command's full name, e.g. `batch destroy`. */
  command: z.string(),
  /** The line as previewed (what to type to see a fresh preview). */
  previewLine: z.string(),
  /** The pinned line: canonical targets (instance ids, the exact offer), never names or selectors. */
  line: z.string(),
  /** The options the confirmed run receives (never a secret: commands with a secret are not confirmed). */
  options: z.record(z.string(), z.unknown()),
  pins: z.object({ pricePerHour: z.number().optional() }).default({}),
  createdAt: isoTime,
  expiresAt: isoTime,
  state: z.enum(['pending', 'confirmed', 'cancelled']).default('pending'),
  settledAt: isoTime.optional(),
  /** `platform:userId` of who confirmed or cancelled it. */
  settledBy: z.string().optional(),
});

export type PendingConfirmation = z.infer<typeof pendingConfirmationSchema>;
