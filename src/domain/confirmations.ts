// A pending confirmation: what a preview showed, pinned, so its Confirm button carries out exactly
// that once, within a time limit. Pure rules here; the store and the registry do the rest.
import { createHash } from 'node:crypto';

/** What a preview fixed beyond the command's options, checked again when Confirm is pressed. */
export interface Pins {
  /** The $/h the deploy preview showed: a higher price at confirm time asks again. */
  pricePerHour?: number | undefined;
}

export type ConfirmationState = 'pending' | 'confirmed' | 'cancelled';

/** The deploy token a confirmation stands for: two presses, or a press after a restart, rent once. */
export function deployTokenFor(confirmationId: string, part = ''): string {
  const digest = createHash('sha256').update(`deploy:${confirmationId}:${part}`).digest();
  return BigInt(`0x${digest.subarray(0, 8).toString('hex')}`).toString(36).padStart(13, '0').slice(-10);
}

/** Whether a price shown in a preview has risen by the time it is confirmed (to the micro-dollar). */
export function priceRose(previewed: number | undefined, now: number): boolean {
  return previewed !== undefined && Math.round(now * 1e6) > Math.round(previewed * 1e6);
}
