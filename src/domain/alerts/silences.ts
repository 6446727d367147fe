// Silences (`mute <instance|rule|all> <duration> [reason]`): the pure part — making one, matching
// alerts against the org's active ones, forgetting expired ones.
import type { Alert, AlertState, Silence, SilenceTarget } from './types.ts';

/** The longest mute: a forgotten one must not hide an outage for ever. */
export const MAX_SILENCE_MS = 30 * 24 * 3_600_000;

export interface NewSilence {
  orgId: string;
  target: SilenceTarget;
  durationMs: number;
  author: string;
  reason?: string | undefined;
}

export class SilenceError extends Error {
  override name = 'SilenceError';
}

/** Adds a silence starting now; throws SilenceError (a message for the user) for a duration out of range. */
export function addSilence(state: AlertState, request: NewSilence, nowMs: number): { state: AlertState; silence: Silence } {
  if (!Number.isFinite(request.durationMs) || request.durationMs <= 0) throw new SilenceError('A mute needs a duration above zero, e.g. 2h or 30m.');
  if (request.durationMs > MAX_SILENCE_MS) throw new SilenceError('A mute lasts at most 30 days (30d); mute again when it ends if you still need it.');
  const id = `m${state.silenceCount + 1}`;
  const reason = request.reason?.trim();
  const silence: Silence = {
    id,
    orgId: request.orgId,
    target: request.target,
    author: request.author,
    reason: reason ? reason : null,
    createdAt: new Date(nowMs).toISOString(),
    endsAt: new Date(nowMs + request.durationMs).toISOString(),
  };
  return { state: { ...state, silences: [...state.silences, silence], silenceCount: state.silenceCount + 1 }, silence };
}

/** Ends an org's silence now (unmute); the same state when there is no such silence. */
export function removeSilence(state: AlertState, orgId: string, id: string): AlertState {
  const silences = state.silences.filter((silence) => !(silence.orgId === orgId && silence.id === id));
  return silences.length === state.silences.length ? state : { ...state, silences };
}

export function isActive(silence: Silence, nowMs: number): boolean {
  return Date.parse(silence.createdAt) <= nowMs && nowMs < Date.parse(silence.endsAt);
}

/** The org's silences in force now, soonest to end first (for `mute list`). */
export function activeSilences(state: AlertState, orgId: string, nowMs: number): Silence[] {
  return state.silences
    .filter((silence) => silence.orgId === orgId && isActive(silence, nowMs))
    .sort((a, b) => Date.parse(a.endsAt) - Date.parse(b.endsAt));
}

/** A rule silence names the rule id, or the kind of alert no rule raised (`mute idle 2h`). */
export function silenceMatches(silence: Silence, alert: Pick<Alert, 'orgId' | 'kind' | 'ruleId' | 'instanceId'>): boolean {
  if (silence.orgId !== alert.orgId) return false;
  const target = silence.target;
  if (target.type === 'all') return true;
  if (target.type === 'instance') return alert.instanceId === target.id;
  return (alert.ruleId ?? alert.kind) === target.id;
}

/** The first active silence that mutes this alert now, if any. */
export function silencing(silences: readonly Silence[], alert: Pick<Alert, 'orgId' | 'kind' | 'ruleId' | 'instanceId'>, nowMs: number): Silence | undefined {
  return silences.find((silence) => isActive(silence, nowMs) && silenceMatches(silence, alert));
}

/** Forgets silences that have ended. */
export function pruneSilences(state: AlertState, nowMs: number): AlertState {
  const silences = state.silences.filter((silence) => Date.parse(silence.endsAt) > nowMs);
  return silences.length === state.silences.length ? state : { ...state, silences };
}
