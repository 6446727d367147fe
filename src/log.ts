// One pino logger for the process. Secrets are scrubbed twice: by field name (pino's redact paths)
// and by value (every registered secret string is replaced in the final line), so a key that slips
// into an error message or URL still never reaches the log.
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { SECRET_VARIABLES } from './config.ts';

export type { Logger };

const secretValues = new Set<string>();
const MIN_SECRET_LENGTH = 6;

/** Registers a value that must never appear in a log line (provider keys, tokens, licence keys). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= MIN_SECRET_LENGTH) secretValues.add(value);
}

/** Replaces every registered secret in text. Also used for error messages shown to users. */
export function scrubSecrets(text: string): string {
  let scrubbed = text;
  for (const secret of secretValues) if (scrubbed.includes(secret)) scrubbed = scrubbed.replaceAll(secret, '[REDACTED]');
  return scrubbed;
}

// pino's paths match whole key names ('*' stands for one whole key, never part of one), so each name is
// listed at the top level and one level down; a secret nested deeper is caught by scrubSecrets. A
// top-level `key` is left alone: it names cache entries, not credentials.
const SECRET_FIELDS = ['apiKey', 'api_key', 'token', 'password', 'secret', 'authorization', 'Authorization'];
const REDACT_PATHS = [
  ...SECRET_FIELDS.flatMap((name) => [name, `*.${name}`]),
  '*.key',
  'headers.authorization',
  '*.headers.authorization',
  ...SECRET_VARIABLES.map((name) => `config.${name}`),
];

export interface LogOptions {
  level: string;
  format: 'auto' | 'json' | 'pretty';
  /** Append JSON lines to this file instead of writing to stderr. */
  file?: string | undefined;
}

/** The log holds the claim code: only its owner may read it (0600), however it was created before. */
function privateLogFile(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
  if (statSync(file).isFile()) chmodSync(file, 0o600);
}

export function createLogger(options: LogOptions): Logger {
  const base = {
    level: options.level,
    base: { app: 'computehub' },
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    hooks: { streamWrite: scrubSecrets },
  };
  if (options.file) {
    privateLogFile(options.file);
    return pino(base, pino.destination({ dest: options.file, append: true, sync: true }));
  }
  const usePretty = options.format === 'pretty' || (options.format === 'auto' && process.stderr.isTTY);
  // Logs go to stderr so stdout stays clean for the terminal chat and for `--json` output.
  if (usePretty) return pino(base, pretty({ destination: 2, sync: true, colorize: process.stderr.isTTY }));
  return pino(base, pino.destination({ dest: 2, sync: true }));
}
