// Every environment variable ComputeHub reads, validated once. `.env.example` documents the same list.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { DEFAULT_RETENTION } from '#store/retention.ts';
import { PROVIDER_TABLE } from '#domain/provider-table.ts';
import { PROVIDER_KEY_VARIABLES } from '#domain/providers.ts';
import { isPlatformName, platformNamesInWords } from '#domain/platform-names.ts';

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const httpOrigin = (fallback: string) =>
  z
    .string()
    .trim()
    .default(fallback)
    .refine((value) => /^https?:\/\/[^\s/]+(\/.*)?$/.test(value), {
      message: 'expected an http(s) URL such as https://example.com',
    })
    .transform((value) => value.replace(/\/+$/, ''));

const positiveInt = (fallback: number, what: string) =>
  z
    .string()
    .trim()
    .default(String(fallback))
    .refine((value) => /^\d+$/.test(value) && Number(value) > 0, { message: `expected ${what}` })
    .transform(Number);

const base64Key = z
  .string()
  .trim()
  .refine((value) => Buffer.from(value, 'base64').length === 32 && /^[A-Za-z0-9+/]+=*$/.test(value), {
    message: 'expected 32 random bytes in base64 (generate one with: openssl rand -base64 32)',
  });

const adminList = z
  .string()
  .trim()
  .default('')
  .transform((value, ctx) => {
    const admins: { platform: string; userId: string }[] = [];
    for (const entry of value.split(',').map((part) => part.trim()).filter(Boolean)) {
      const match = /^([^:\s]+):(\S+)$/.exec(entry);
      if (!match || !isPlatformName(match[1]!)) {
        ctx.addIssue({
          code: 'custom',
          message: `'${entry}' is not platform:userId (platform is ${platformNamesInWords()}), e.g. telegram:12345`,
        });
        continue;
      }
      admins.push({ platform: match[1]!, userId: match[2]! });
    }
    return admins;
  });

type ProviderTableEntry = (typeof PROVIDER_TABLE)[number];
type ProviderVariables = { [Entry in ProviderTableEntry as Entry['urlVariable']]: ReturnType<typeof httpOrigin> } & {
  [Entry in ProviderTableEntry as Entry['keyVariable']]: typeof optionalText;
};

/** Per provider of the table: its API origin (default: the public API; the simulator sets it) and its key. */
function providerVariables(): ProviderVariables {
  return Object.fromEntries(PROVIDER_TABLE.flatMap((entry) => [[entry.urlVariable, httpOrigin(entry.defaultUrl)], [entry.keyVariable, optionalText]])) as ProviderVariables;
}

export const configSchema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  LOG_FILE: optionalText,
  COMPUTEHUB_DATA_DIR: z.string().trim().min(1).default('./data'),
  COMPUTEHUB_SECRET_KEY: base64Key.optional().or(z.literal('').transform(() => undefined)),
  COMPUTEHUB_LICENCE_KEY: optionalText,
  COMPUTEHUB_ADMINS: adminList,
  COMPUTEHUB_CONSOLE: z.enum(['auto', 'on', 'off']).default('auto'),
  SYNC_INTERVAL_SECONDS: positiveInt(60, 'a whole number of seconds, e.g. 60'),
  /** Public key installed on deployed machines (required by TensorDock, used by Lambda). */
  SSH_PUBLIC_KEY: optionalText.pipe(
    z
      .string()
      .regex(/^(ssh-(ed25519|rsa)|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]+( .*)?$/, 'expected one OpenSSH public key line, e.g. the contents of ~/.ssh/id_ed25519.pub')
      .optional(),
  ),
  DEPLOY_TIMEOUT_SECONDS: positiveInt(1200, 'a whole number of seconds, e.g. 1200'),
  /** How long a preview's Confirm button may be pressed. */
  CONFIRM_TIMEOUT_SECONDS: positiveInt(600, 'a whole number of seconds, e.g. 600'),
  HTTP_TIMEOUT_MS: positiveInt(15_000, 'a whole number of milliseconds, e.g. 15000'),
  PRICES_TTL_SECONDS: positiveInt(300, 'a whole number of seconds, e.g. 300'),
  /** Days of GPU metrics kept at sync resolution, then as hourly means for METRICS_HOURLY_RETENTION_DAYS. */
  METRICS_RETENTION_DAYS: positiveInt(DEFAULT_RETENTION.metricsDays, 'a whole number of days, e.g. 7'),
  METRICS_HOURLY_RETENTION_DAYS: positiveInt(DEFAULT_RETENTION.metricsHourlyDays, 'a whole number of days, e.g. 365'),
  AUDIT_RETENTION_DAYS: positiveInt(DEFAULT_RETENTION.auditDays, 'a whole number of days, e.g. 365'),
  /** Days of cost-ledger entries kept for reports; what each instance has cost in total is kept regardless. */
  LEDGER_RETENTION_DAYS: positiveInt(DEFAULT_RETENTION.ledgerDays, 'a whole number of days, e.g. 1095'),
  PRICES_DEADLINE_MS: positiveInt(3_000, 'a whole number of milliseconds, e.g. 3000'),
  QUICKCHART_URL: optionalText.pipe(
    z
      .string()
      .regex(/^https?:\/\//, 'expected an http(s) URL such as https://quickchart.io')
      .optional(),
  ),

  ...providerVariables(),

  TELEGRAM_BOT_TOKEN: optionalText,
  TELEGRAM_API_ROOT: optionalText,
  TELEGRAM_WEBHOOK_URL: optionalText.pipe(
    z
      .string()
      .regex(/^https?:\/\/[^\s/]+/, 'expected the public URL Telegram posts updates to, e.g. https://bot.example.com/telegram')
      .optional(),
  ),
  TELEGRAM_WEBHOOK_SECRET: optionalText.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, 'expected 1-256 characters of A-Z a-z 0-9 _ - (generate one with: openssl rand -hex 32)')
      .optional(),
  ),
  TELEGRAM_WEBHOOK_PORT: positiveInt(8443, 'a TCP port number, e.g. 8443'),
  DISCORD_TOKEN: optionalText,
  DISCORD_APPLICATION_ID: optionalText,
  DISCORD_API_URL: optionalText,
  /** Register slash commands in this one server only: they update instantly (handy while testing). */
  DISCORD_GUILD_ID: optionalText,
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_PORT: positiveInt(3000, 'a TCP port number, e.g. 3000'),
  SLACK_API_URL: optionalText,

  /** Alertmanager's group_wait: how long a new alert group gathers alerts before its first message. */
  ALERT_GROUP_WAIT_SECONDS: positiveInt(30, 'a whole number of seconds, e.g. 30'),
  /** Alertmanager's group_interval: the least time between two notifications of one group (new alerts, resolutions). */
  ALERT_GROUP_INTERVAL_SECONDS: positiveInt(300, 'a whole number of seconds, e.g. 300'),
  /** Alertmanager's repeat_interval: a group still firing is announced again after this long without news. */
  ALERT_REPEAT_INTERVAL_SECONDS: positiveInt(14_400, 'a whole number of seconds, e.g. 14400'),
  /** The SMTP server email alerts go through; its password is a secret. */
  SMTP_URL: optionalText.pipe(
    z
      .string()
      .refine((value) => URL.canParse(value) && /^smtps?:$/.test(new URL(value).protocol) && new URL(value).hostname !== '', {
        message: 'expected smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465 (TLS); percent-encode @ : / in the user or password',
      })
      .optional(),
  ),
  /** The sender of email alerts, e.g. "ComputeHub <alerts@example.com>". */
  SMTP_FROM: optionalText.pipe(
    z
      .string()
      .regex(/^([^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'expected an address, e.g. alerts@example.com or "ComputeHub <alerts@example.com>"')
      .optional(),
  ),
});

/** A platform's credentials come in sets: half a set is a mistake to report, not to ignore. */
export const checkedConfigSchema = configSchema.superRefine((config, ctx) => {
  const need = (when: boolean, name: keyof typeof config, message: string) => {
    if (when && !config[name]) ctx.addIssue({ code: 'custom', path: [name], message });
  };
  need(Boolean(config.DISCORD_APPLICATION_ID), 'DISCORD_TOKEN', 'is required with DISCORD_APPLICATION_ID (Developer Portal → Bot → Reset Token)');
  need(Boolean(config.SLACK_BOT_TOKEN) && !config.SLACK_APP_TOKEN, 'SLACK_SIGNING_SECRET', 'is required with SLACK_BOT_TOKEN unless SLACK_APP_TOKEN (Socket Mode) is set (Slack app → Basic Information → Signing Secret)');
  need(Boolean(config.SMTP_URL), 'SMTP_FROM', 'is required with SMTP_URL: the address email alerts come from, e.g. alerts@example.com');
  need(Boolean(config.SLACK_APP_TOKEN || config.SLACK_SIGNING_SECRET), 'SLACK_BOT_TOKEN', 'is required with SLACK_SIGNING_SECRET / SLACK_APP_TOKEN (Slack app → OAuth & Permissions → Bot User OAuth Token, xoxb-...)');
});

export type Config = z.infer<typeof configSchema>;

/** The variables whose values are secrets: never logged, never echoed. */
export const SECRET_VARIABLES = [
  'COMPUTEHUB_SECRET_KEY',
  'COMPUTEHUB_LICENCE_KEY',
  ...PROVIDER_KEY_VARIABLES,
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_WEBHOOK_SECRET',
  'DISCORD_TOKEN',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'SMTP_URL',
] as const satisfies readonly (keyof Config)[];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `ComputeHub cannot start: the configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((problem) => `  - ${problem}`).join('\n') +
        '\nFix them in the environment or in .env (see .env.example), then start again.',
    );
    this.name = 'ConfigError';
  }
}

/**
 * Reads `.env` from the working directory (values already in the environment win), validates
 * everything, and reports every problem at once.
 */
export function loadConfig(
  environment: NodeJS.ProcessEnv = process.env,
  envFile = path.resolve('.env'),
): Config {
  // Node's own .env reader: quotes, `#` comments, `export`, multi-line quoted values, as dotenv reads them.
  const fromFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, 'utf8')) : {};
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const [name, value] of Object.entries(environment)) if (value !== undefined) merged[name] = value;

  const result = checkedConfigSchema.safeParse(merged);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'configuration');
    const secret = (SECRET_VARIABLES as readonly string[]).includes(name);
    const got = merged[name];
    const shown = got === undefined || secret ? '' : ` (got '${got}')`;
    return `${name}: ${issue.message}${shown}`;
  });
  throw new ConfigError(problems);
}

/** Secret values present in the configuration, for the log redactor (SMTP_URL's password on its own too). */
export function configSecrets(config: Config): string[] {
  const values = SECRET_VARIABLES.map((name) => config[name]).filter((value): value is string => typeof value === 'string');
  const password = config.SMTP_URL ? new URL(config.SMTP_URL).password : '';
  return password ? [...values, password, safeDecode(password)] : values;
}

/** Percent-decoding that keeps a malformed escape as written instead of throwing. */
export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
