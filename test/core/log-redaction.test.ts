// The field-name half of log redaction: what the documented paths really redact.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '#src/log.ts';

function logged(fields: Record<string, unknown>): Record<string, any> {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'computehub-redact-')), 'log.jsonl');
  createLogger({ level: 'info', format: 'json', file }).info(fields, 'line');
  return JSON.parse(readFileSync(file, 'utf8').trim());
}

describe('log redaction by field name', () => {
  it('redacts secret-named fields at the top level and one level down', () => {
    const line = logged({ token: 'plain-token-1', request: { apiKey: 'plain-key-22', password: 'plain-pass-3' }, headers: { authorization: 'Bearer x' } });
    expect(line.token).toBe('[REDACTED]');
    expect(line.request).toEqual({ apiKey: '[REDACTED]', password: '[REDACTED]' });
    expect(line.headers.authorization).toBe('[REDACTED]');
  });

  it('redacts every secret variable of a logged configuration, and keeps the rest readable', () => {
    const line = logged({ config: { VAST_API_KEY: 'cfg-value-1', TELEGRAM_BOT_TOKEN: 'cfg-value-2', LOG_LEVEL: 'info' }, key: 'default:vast' });
    expect(line.config).toEqual({ VAST_API_KEY: '[REDACTED]', TELEGRAM_BOT_TOKEN: '[REDACTED]', LOG_LEVEL: 'info' });
    expect(line.key).toBe('default:vast');
  });
});
