// The .env file the README describes: read with Node's parseEnv, environment values win.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '#src/config.ts';

function envFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'computehub-env-')), '.env');
  writeFileSync(file, text);
  return file;
}

describe('.env file', () => {
  it('reads quotes, comments, export and multi-line quoted values as dotenv did', () => {
    const file = envFile(
      [
        '# a comment line',
        'export LOG_LEVEL=warn',
        'SSH_PUBLIC_KEY="ssh-ed25519 AAAAC3Nza sim@host"   # trailing comment',
        "COMPUTEHUB_ADMINS='telegram:1,slack:U2'",
        'SYNC_INTERVAL_SECONDS=90 # seconds',
        'SMTP_FROM="ComputeHub <bot@example.com>"',
        'COMPUTEHUB_LICENCE_KEY="line one',
        'line two"',
        '',
      ].join('\r\n'),
    );
    const config = loadConfig({}, file);
    expect(config.LOG_LEVEL).toBe('warn');
    expect(config.SSH_PUBLIC_KEY).toBe('ssh-ed25519 AAAAC3Nza sim@host');
    expect(config.COMPUTEHUB_ADMINS).toEqual(loadConfig({ COMPUTEHUB_ADMINS: 'telegram:1,slack:U2' }, '/nonexistent/.env').COMPUTEHUB_ADMINS);
    expect(config.SYNC_INTERVAL_SECONDS).toBe(90);
    expect(config.SMTP_FROM).toBe('ComputeHub <bot@example.com>');
    expect(config.COMPUTEHUB_LICENCE_KEY).toBe('line one\nline two');
  });

  it('lets the environment win over the file', () => {
    const config = loadConfig({ LOG_LEVEL: 'error' }, envFile('LOG_LEVEL=debug\n'));
    expect(config.LOG_LEVEL).toBe('error');
  });
});
