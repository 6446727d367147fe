// Pending confirmations in the store: created with each preview, carried out at most once, expired
// after a while, cancelled only by who asked or an admin.
import { randomBytes } from 'node:crypto';
import type { Actor } from '#core/command.ts';
import { DeniedError, UserError } from '#core/errors.ts';
import type { NewConfirmation, Unusable } from '#core/ports.ts';
import type { Role } from '#domain/roles.ts';
import type { PendingConfirmation } from '#store/confirmation-schema.ts';
import type { Db } from '#store/db.ts';

/** Settled or expired confirmations are kept this long, so an old button says what became of it. */
const KEPT_AFTER_EXPIRY_MS = 24 * 60 * 60 * 1000;
/** The most kept at once; the oldest go first. */
const MAX_KEPT = 5_000;

const actorKey = (actor: Pick<Actor, 'platform' | 'userId'>) => `${actor.platform}:${actor.userId}`;

export class ConfirmationService {
  /** Ids being carried out right now: the in-memory guard that makes two presses run one. */
  private readonly taking = new Set<string>();

  constructor(private readonly db: Db, private readonly now: () => Date, readonly lifetimeMs: number) {}

  /** A fresh id: 10 lower-case letters and digits, short enough for any button payload. */
  newId(): string {
    return BigInt(`0x${randomBytes(8).toString('hex')}`).toString(36).padStart(13, '0').slice(-10);
  }

  async create(pending: NewConfirmation): Promise<PendingConfirmation> {
    const now = this.now();
    const record: PendingConfirmation = {
      ...pending,
      pins: { ...pending.pins },
      options: JSON.parse(JSON.stringify(pending.options)) as Record<string, unknown>,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.lifetimeMs).toISOString(),
      state: 'pending',
    };
    await this.db.update((data) => {
      const keepFrom = now.getTime() - KEPT_AFTER_EXPIRY_MS;
      data.confirmations = data.confirmations.filter((entry) => Date.parse(entry.expiresAt) >= keepFrom).slice(-(MAX_KEPT - 1));
      data.confirmations.push(record);
    });
    return record;
  }

  /** The confirmation with this id in this org (another org's is as good as unknown). */
  find(id: string, orgId: string | undefined): PendingConfirmation | undefined {
    const wanted = id.trim().toLowerCase();
    return this.db.data.confirmations.find((entry) => entry.id === wanted && entry.orgId === orgId);
  }

  /** The org and command of a confirmation, whatever org it belongs to (to explain a button pressed in the wrong one). */
  orgOf(id: string): { orgId: string; command: string } | undefined {
    const found = this.db.data.confirmations.find((entry) => entry.id === id.trim().toLowerCase());
    return found && { orgId: found.orgId, command: found.command };
  }

  /** Why this confirmation cannot be carried out now, if it cannot. */
  unusable(record: PendingConfirmation | undefined): Unusable | undefined {
    if (!record) return { problem: 'unknown', message: 'There is no such confirmation here (it may be from before a long pause). Run the command again to see a fresh preview.' };
    const when = (iso: string | undefined) => (iso ?? '').slice(11, 16) + ' UTC';
    if (record.state === 'confirmed' || this.taking.has(record.id)) {
      return { problem: 'confirmed', message: `Already done: '${record.line}' was confirmed${record.settledAt ? ` at ${when(record.settledAt)}` : ''}. Nothing was run again.` };
    }
    if (record.state === 'cancelled') return { problem: 'cancelled', message: `'${record.line}' was cancelled at ${when(record.settledAt)}. Nothing was run. To see a fresh preview: ${record.previewLine}` };
    if (Date.parse(record.expiresAt) <= this.now().getTime()) {
      const minutes = Math.round(this.lifetimeMs / 60_000);
      return {
        problem: 'expired',
        message: `This confirmation of '${record.previewLine}' expired at ${when(record.expiresAt)} (a preview can be confirmed for ${minutes} minutes). Nothing was run. To see a fresh preview: ${record.previewLine}`,
      };
    }
    return undefined;
  }

  /**
   * Marks it confirmed before anything runs. The check and the claim happen in one synchronous step,
   * so of two presses arriving together exactly one gets true.
   */
  async take(record: PendingConfirmation, by: Actor): Promise<boolean> {
    // Read again from the store: the record in hand may be from before another press settled it.
    if (this.unusable(this.find(record.id, record.orgId))) return false;
    this.taking.add(record.id);
    try {
      await this.db.update((data) => {
        const stored = data.confirmations.find((entry) => entry.id === record.id);
        if (stored) Object.assign(stored, { state: 'confirmed', settledAt: this.now().toISOString(), settledBy: actorKey(by) });
      });
      return true;
    } finally {
      this.taking.delete(record.id);
    }
  }

  /** Cancels it: only who asked for the preview, or an admin of its org, may. */
  async cancel(id: string, orgId: string, by: Actor, role: Role): Promise<PendingConfirmation> {
    const record = this.find(id, orgId);
    const problem = this.unusable(record);
    if (problem && problem.problem !== 'expired') throw new UserError(problem.message);
    if (actorKey(record!.owner) !== actorKey(by) && role !== 'admin') {
      throw new DeniedError(`Only ${record!.owner.displayName}, who asked for this, or an admin can cancel it.`);
    }
    await this.db.update((data) => {
      const stored = data.confirmations.find((entry) => entry.id === record!.id);
      if (stored) Object.assign(stored, { state: 'cancelled', settledAt: this.now().toISOString(), settledBy: actorKey(by) });
    });
    return record!;
  }
}
