// Pending confirmations: what each preview pinned (the command, its canonical options, the price it
// showed), who asked, until when it may be confirmed, and whether it was. Kept in the store so a
// button survives a restart until it expires; it has a default in schema.ts, so no migration.
import { z } from 'zod';

const isoTime = z.string().datetime({ offset: true });

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
