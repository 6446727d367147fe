// The chat platforms, one entry each: the variable that turns it on, its secrets, how it is built
// and what it can do. src/main.ts starts and lists what the configuration turns on from this table;
// the log hides each entry's secrets; docs/ARCHITECTURE.md shows the capabilities (a test keeps it
// true). The terminal chat is not here: it needs no token and is not a ChatPlatform (it owns stdin).
import type { Config } from '#src/config.ts';
import { BUTTON_PAYLOAD_LIMIT, MESSAGE_LIMITS } from './discord/discord-render.ts';
import { createDiscordPlatform } from './discord/discord.ts';
import type { BackoffPolicy } from '#domain/backoff.ts';
import type { ChatPlatformName } from '#domain/platform-names.ts';
import { ConnectionKeeper, RECONNECT_BACKOFF } from './connection.ts';
import type { ChatPlatform, PlatformDeps } from './platform.ts';
import { SLACK_LIMITS } from './slack/slack-blocks.ts';
import { createSlackPlatform } from './slack/slack.ts';
import { BUTTONS_PER_ROW, MAX_BUTTONS, TELEGRAM_CALLBACK_DATA_BYTES } from './telegram/telegram-send.ts';
import { createTelegramPlatform } from './telegram/telegram.ts';

export interface PlatformCapabilities {
  /** An answer only the asker sees in a shared chat; without it, such answers go by direct message. */
  ephemeralReplies: boolean;
  /** People can talk to the bot one to one (where secrets are accepted). */
  directMessages: boolean;
  /** A sent message can be edited, so progress shows in one message. */
  edits: boolean;
  /** How an image is sent, and the platform's published limit. */
  images: string;
  /** How buttons are laid out and how many fit; the bytes each carries (a longer command line stays in buttons.ts, the button carries a reference). */
  buttons: { layout: string; payloadBytes: number };
  /** The sending limits the platform sets, and who keeps the bot under them. */
  rateLimits: string;
}

export interface PlatformEntry {
  /** The name in member references (`telegram:12345`), logs and the start banner: one of src/domain/platform-names.ts. */
  name: ChatPlatformName;
  label: string;
  /** Setting this variable turns the platform on (config.ts checks the rest of its set). */
  tokenVariable: keyof Config;
  /** Every variable of this platform whose value is a secret. */
  secretVariables: readonly (keyof Config)[];
  create: (config: Config, deps: PlatformDeps) => ChatPlatform;
  capabilities: PlatformCapabilities;
}

export const PLATFORMS = [
  {
    name: 'telegram',
    label: 'Telegram',
    tokenVariable: 'TELEGRAM_BOT_TOKEN',
    secretVariables: ['TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET'],
    create: createTelegramPlatform,
    capabilities: {
      ephemeralReplies: false,
      directMessages: true,
      edits: true,
      images: 'sendPhoto with the caption (photos up to 10 MB, captions up to 1024 characters: the rest follows as text); an alert’s photo is edited in place (editMessageMedia); a refused photo becomes its text description',
      buttons: { layout: `rows of ${BUTTONS_PER_ROW}, at most ${MAX_BUTTONS}; more are not shown`, payloadBytes: TELEGRAM_CALLBACK_DATA_BYTES },
      rateLimits: 'about 1 message a second per chat, 20 a minute per group, 30 a second overall: paced before sending; a 429 waits its retry_after',
    },
  },
  {
    name: 'discord',
    label: 'Discord',
    tokenVariable: 'DISCORD_TOKEN',
    secretVariables: ['DISCORD_TOKEN'],
    create: createDiscordPlatform,
    capabilities: {
      ephemeralReplies: true,
      directMessages: true,
      edits: true,
      images: 'an attachment shown in the embed (10 MB for bots); an alert’s edit replaces it; a refused attachment becomes its text description',
      buttons: { layout: `rows of ${MESSAGE_LIMITS.buttonsPerRow}, ${MESSAGE_LIMITS.buttonsPerRow * MESSAGE_LIMITS.rows} a message; more follow in further messages`, payloadBytes: BUTTON_PAYLOAD_LIMIT },
      rateLimits: "per-route buckets from Discord's rate-limit headers, queued by discord.js",
    },
  },
  {
    name: 'slack',
    label: 'Slack',
    tokenVariable: 'SLACK_BOT_TOKEN',
    secretVariables: ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'],
    create: createSlackPlatform,
    capabilities: {
      ephemeralReplies: true,
      directMessages: true,
      edits: true,
      images: 'files.uploadV2 into the conversation (not in ephemeral answers); an alert’s chart is uploaded privately and shown in an image block above its buttons; a refused upload becomes its text description',
      buttons: { layout: `actions blocks of ${SLACK_LIMITS.actionsElements}; a long answer splits every ${SLACK_LIMITS.blocksPerMessage} blocks`, payloadBytes: SLACK_LIMITS.buttonValue },
      rateLimits: 'Web API tiers (chat.update about once a second per channel): progress edits coalesce; a 429 waits its Retry-After',
    },
  },
] as const satisfies readonly PlatformEntry[];

/** The platforms whose token is set, in table order (config.ts has checked that each set is complete). */
export function configuredPlatforms<Entry extends PlatformEntry>(config: Config, table: readonly Entry[]): Entry[] {
  return table.filter((entry) => Boolean(config[entry.tokenVariable]));
}

export interface RunningPlatforms {
  platforms: ChatPlatform[];
  /** Stops reconnecting, then each platform (they finish the answers in flight). */
  stop(): Promise<void>;
}

/** Builds each platform and keeps it connected: one platform being down never stops the others. */
export function startPlatforms(entries: readonly PlatformEntry[], config: Config, deps: PlatformDeps, reconnect: BackoffPolicy = RECONNECT_BACKOFF): RunningPlatforms {
  const platforms = entries.map((entry) => entry.create(config, deps));
  const keepers = platforms.map((platform) => new ConnectionKeeper(platform, deps.log, reconnect));
  for (const keeper of keepers) void keeper.keep();
  return { platforms, stop: async () => void (await Promise.allSettled(keepers.map((keeper) => keeper.stop()))) };
}
