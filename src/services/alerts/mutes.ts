// `mute <instance|rule|all> <duration> [reason]`, `mute list`, `unmute <id>`: silences with author
// and expiry, kept in the grouping state (the pure part is src/domain/alerts/silences.ts).
import { UsageError, UserError } from '#core/errors.ts';
import { activeSilences, addSilence, removeSilence, SilenceError, type Silence, type SilenceTarget } from '#domain/alerts/index.ts';
import { DURATION_SECONDS, isDurationUnit } from '#domain/rules/units.ts';
import type { Db } from '#store/db.ts';
import { ALERT_KINDS } from './kinds.ts';

/** "2h", "30m", "1d", "90s" in milliseconds; undefined when it is no duration. */
export function parseDurationMs(text: string): number | undefined {
  const match = /^(\d+)([smhd])$/.exec(text.trim().toLowerCase());
  if (!match || !isDurationUnit(match[2]!)) return undefined;
  return Number(match[1]) * DURATION_SECONDS[match[2]] * 1000;
}

export class Mutes {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  /** Mutes an instance, a rule, cap, idle rule or price alert (r1, c1…), an alert kind no rule raised (down…), or all. */
  async add(orgId: string, what: string, duration: string, author: string, reason: string | undefined): Promise<Silence> {
    const durationMs = parseDurationMs(duration);
    if (durationMs === undefined) throw new UsageError(`${duration} is not a duration: say e.g. 30m, 2h or 1d.`);
    const target = this.target(orgId, what);
    const nowMs = this.now().getTime();
    try {
      return await this.db.update((data) => {
        const added = addSilence(data.alerts.state, { orgId, target, durationMs, author, reason }, nowMs);
        data.alerts.state = added.state;
        return added.silence;
      });
    } catch (error) {
      if (error instanceof SilenceError) throw new UsageError(error.message);
      throw error;
    }
  }

  list(orgId: string): Silence[] {
    return activeSilences(this.db.data.alerts.state, orgId, this.now().getTime());
  }

  async remove(orgId: string, id: string): Promise<Silence> {
    const found = this.list(orgId).find((silence) => silence.id === id.toLowerCase());
    if (!found) throw new UserError(`There is no mute ${id} in force in this org. See them with: mute list`);
    await this.db.update((data) => {
      data.alerts.state = removeSilence(data.alerts.state, orgId, found.id);
    });
    return found;
  }

  private target(orgId: string, what: string): SilenceTarget {
    const wanted = what.trim().toLowerCase();
    if (wanted === 'all') return { type: 'all' };
    if (this.db.data.instances.some((record) => record.orgId === orgId && record.id === wanted)) return { type: 'instance', id: wanted };
    const data = this.db.data.automation;
    const isRule = [...data.rules, ...data.caps, ...data.idles, ...data.priceAlerts].some((record) => record.orgId === orgId && record.id === wanted);
    if (isRule || ALERT_KINDS.includes(wanted)) return { type: 'rule', id: wanted };
    throw new UsageError(`${what} is neither an instance, a rule, cap, idle rule or price alert of this org, nor an alert kind (${ALERT_KINDS.join(', ')}). Say e.g. mute i3 2h, mute r1 30m or mute all 1h.`);
  }
}
