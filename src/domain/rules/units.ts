// Values with units in the rule language: durations (30s 10m 2h 1d), dollars ($1.5) and percents
// (80%). Each is read and written one way, so the canonical text of a rule reads back to the same rule.

/** What a value measures; `number` is a plain number (°C, or a value whose unit the other side gives). */
export type Kind = 'duration' | 'money' | 'percent' | 'number' | 'word';

export const DURATION_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
export type DurationUnit = keyof typeof DURATION_SECONDS;

/** Literals above this are refused: no rule needs them and they would print in exponent form. */
export const MAX_LITERAL = 1e12;
/** Decimals kept; with MAX_LITERAL this keeps String(value) free of exponents. */
export const MAX_DECIMALS = 6;

export function roundDecimals(value: number): number {
  return Math.round(value * 10 ** MAX_DECIMALS) / 10 ** MAX_DECIMALS;
}

export function isDurationUnit(text: string): text is DurationUnit {
  return Object.hasOwn(DURATION_SECONDS, text);
}

/** 5400 → "90m", 86400 → "1d", 1.5 → "1.5s": the largest unit that divides it exactly. */
export function formatDuration(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  const magnitude = Math.abs(seconds);
  for (const unit of ['d', 'h', 'm'] as const) {
    const size = DURATION_SECONDS[unit];
    if (magnitude >= size && Number.isInteger(magnitude / size)) return `${sign}${magnitude / size}${unit}`;
  }
  return `${sign}${magnitude}s`;
}

/** A duration for people: 5400 → "1h 30m", 45 → "45s". */
export function describeDuration(seconds: number): string {
  const parts: string[] = [];
  let rest = Math.round(Math.abs(seconds));
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = DURATION_SECONDS[unit];
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
  }
  return parts.slice(0, 2).join(' ') || '0s';
}

/** How a value of a kind is written in rule text (literals and the values a decision saw). */
export function formatValue(kind: Kind, value: number | string): string {
  if (typeof value === 'string') return value;
  switch (kind) {
    case 'duration':
      return formatDuration(value);
    case 'money':
      return value < 0 ? `-$${-value}` : `$${value}`;
    case 'percent':
      return `${value}%`;
    default:
      return String(value);
  }
}

export const KIND_NAMES: Record<Kind, string> = {
  duration: 'a duration',
  money: 'a dollar amount',
  percent: 'a percentage',
  number: 'a number',
  word: 'a word',
};

/** An example literal of each kind, for messages that say what to write. */
export const KIND_EXAMPLES: Record<Kind, string> = {
  duration: '30s, 10m, 2h or 1d',
  money: '$1.5',
  percent: '80%',
  number: '80',
  word: 'H100 or "my box"',
};
