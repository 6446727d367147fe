export * from './types.ts';
export { addSilence, removeSilence, activeSilences, silenceMatches, silencing, pruneSilences, isActive, SilenceError, MAX_SILENCE_MS, type NewSilence } from './silences.ts';
export { alertKey, groupKey, groupLabel, receive, flush, nextFlushAt, isInhibited } from './grouping.ts';
export { alertPayload, leadAlert, type AlertPayload, type AlertSummary } from './payload.ts';
