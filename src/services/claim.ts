// First-admin claim: a fresh install has no chat admin until someone proves they can read the
// bot's log. The code is one-time, lives only in memory, and is replaced at every start.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Actor } from '#core/command.ts';
import type { Db } from '#store/db.ts';
import { DEFAULT_ORG_ID } from '#store/schema.ts';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export type ClaimResult = 'claimed' | 'wrong-code' | 'already-claimed';

export class ClaimService {
  private code: string | undefined;

  constructor(private readonly db: Db, private readonly now: () => Date) {}

  /** True once a chat user (not the terminal) is an admin of the default org, i.e. an operator of the install. */
  hasChatAdmin(): boolean {
    return this.db.data.members.some((member) => member.orgId === DEFAULT_ORG_ID && member.role === 'admin' && member.platform !== 'console');
  }

  /** A new one-time code when nobody has claimed the install yet; undefined otherwise. */
  issueCode(): string | undefined {
    if (this.hasChatAdmin()) return undefined;
    const bytes = randomBytes(8);
    this.code = [...bytes].map((byte) => ALPHABET[byte % ALPHABET.length]).join('');
    return this.code;
  }

  async claim(actor: Actor, code: string): Promise<ClaimResult> {
    if (this.hasChatAdmin() || !this.code) return 'already-claimed';
    const given = Buffer.from(code.trim().toUpperCase());
    const expected = Buffer.from(this.code);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'wrong-code';
    this.code = undefined;
    await this.db.update((data) => {
      const existing = data.members.find((member) => member.orgId === DEFAULT_ORG_ID && member.platform === actor.platform && member.userId === actor.userId);
      if (existing) existing.role = 'admin';
      else data.members.push({ orgId: DEFAULT_ORG_ID, platform: actor.platform, userId: actor.userId, displayName: actor.displayName, role: 'admin', addedAt: this.now().toISOString() });
    });
    return 'claimed';
  }
}
