import { describe, expect, it } from 'vitest';
import { ConfigError, configSecrets, loadConfig } from '#src/config.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';

const load = (environment: Record<string, string>) => loadConfig(environment, '/nonexistent/.env');

describe('SMTP configuration', () => {
  it('reads SMTP_URL and SMTP_FROM, and treats the URL and its password as secrets', () => {
    const url = `smtp://alerts%40example.com:${encodeURIComponent(`${TEST_SECRETS.smtpPassword}@/`)}@mail.example.com:587`;
    const config = load({ SMTP_URL: url, SMTP_FROM: 'ComputeHub <alerts@example.com>' });
    expect(config.SMTP_URL).toBe(url);
    expect(config.SMTP_FROM).toBe('ComputeHub <alerts@example.com>');
    expect(configSecrets(config)).toEqual(expect.arrayContaining([url, `${TEST_SECRETS.smtpPassword}@/`]));
  });

  it('explains a bad SMTP_URL without echoing it, and asks for SMTP_FROM with it', () => {
    const bad = () => load({ SMTP_URL: `https://user:${TEST_SECRETS.smtpPassword}@mail.example.com` });
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (error) {
      expect((error as Error).message).toContain('SMTP_URL: expected smtp://user:password@host:587');
      expect((error as Error).message).not.toContain(TEST_SECRETS.smtpPassword);
    }
    expect(() => load({ SMTP_URL: 'smtp://mail.example.com:25' })).toThrow(/SMTP_FROM: is required with SMTP_URL/);
    expect(() => load({ SMTP_URL: 'smtp://mail.example.com:25', SMTP_FROM: 'not an address' })).toThrow(/SMTP_FROM: expected an address/);
    expect(load({}).SMTP_URL).toBeUndefined();
  });
});
