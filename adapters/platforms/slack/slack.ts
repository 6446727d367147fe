// Slack via @slack/bolt: the /computehub slash command, mentions of the bot and direct messages
// become command lines; button presses run the button's command as the person who pressed it.
// Every request is acknowledged before any work starts (Slack gives up after three seconds), and
// the answer follows through the Web API or the response_url (see slack-answer.ts).
// Transport: the HTTP receiver on SLACK_PORT (Slack signs each request; Bolt rejects bad or stale
// signatures before any listener runs), or Socket Mode when SLACK_APP_TOKEN is set.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, type webApi } from '@slack/bolt';
import type { Config } from '#src/config.ts';
import type { Actor, Channel } from '#core/command.ts';
import type { Reply } from '#core/reply.ts';
import type { Logger } from '#src/log.ts';
import { ButtonCommands, EXPIRED_BUTTON_TEXT } from '../buttons.ts';
import type { ChatPlatform, PlatformDeps, PostedMessage } from '../platform.ts';
import { SlackPosts } from './slack-posts.ts';
import { prepareAnswer, removeSecretMessage, type SecretNotes } from '../reply-step.ts';
import { SlackAnswer, type AnswerPlace } from './slack-answer.ts';
import { ACTION_PREFIX, SLACK_LIMITS } from './slack-blocks.ts';
import { describeSlackError, explainStartError, slackErrorCode } from './slack-errors.ts';
import { slackCommandLine } from './slack-input.ts';
import { slackLogger } from './slack-logger.ts';
import { SLASH_COMMAND } from './slack-manifest.ts';

const DEFAULT_API_URL = 'https://slack.com/api/';

/**
 * Retries for the Web API: 5xx, network failures and 429 (after its Retry-After) are retried a few
 * times over about half a minute. Slack's default keeps retrying for thirty minutes, by which time
 * an answer is useless and the person has retyped the command.
 */
const RETRY_CONFIG: webApi.RetryOptions = { retries: 4, factor: 2, minTimeout: 1_000, maxTimeout: 10_000, randomize: true };

const NAME_CACHE_SIZE = 1_000;

const SLASH_SECRET_NOTE = 'Slack never shows a slash command to anyone else, so the secret was not exposed.';
const SECRET_NOTES: SecretNotes = {
  deleted: 'I deleted your message so the secret no longer shows in the channel; rotate it if anyone may have seen it.',
  kept: 'I could not delete your message: Slack lets a bot delete only its own messages (deleting yours would need a user token, which ComputeHub does not use). Delete it yourself now (hover it, ⋯, Delete message) and rotate that secret.',
};

export interface SlackPlatformOptions {
  /** Where the HTTP receiver listens (default: every interface, SLACK_PORT). Tests use 127.0.0.1 and port 0. */
  host?: string;
  port?: number;
  /** The Web API client's retry policy (tests shorten it). */
  retryConfig?: webApi.RetryOptions;
  /** Waits for Slack to process an uploaded chart before an alert shows it (tests shorten them). */
  fileReadyWaitsMs?: readonly number[];
}

function slackActor(userId: string, displayName: string | undefined): Actor {
  return { platform: 'slack', userId, displayName: displayName || userId };
}

/** Slack conversation ids say what they are: D… is a direct message, C…/G… a channel or group. */
function slackChannel(id: string, direct = id.startsWith('D')): Channel {
  return { platform: 'slack', id, kind: direct ? 'direct' : 'shared' };
}

export class SlackPlatform implements ChatPlatform {
  readonly name = 'slack' as const;
  private readonly app: App;
  private readonly log: Logger;
  private readonly buttons = new ButtonCommands(SLACK_LIMITS.buttonValue);
  private readonly posts: SlackPosts;
  private readonly names = new Map<string, string>();
  private readonly socketMode: boolean;
  private readonly apiUrl: string;
  private readonly listenPort: number;
  private server: Server | undefined;
  private started = false;

  constructor(config: Config, private readonly deps: PlatformDeps, private readonly options: SlackPlatformOptions = {}) {
    const { SLACK_BOT_TOKEN: token, SLACK_SIGNING_SECRET: signingSecret, SLACK_APP_TOKEN: appToken } = config;
    if (!token) throw new Error('SLACK_BOT_TOKEN is not set. Copy the Bot User OAuth Token (xoxb-…) from your Slack app\'s "OAuth & Permissions" page.');
    if (!appToken && !signingSecret) {
      throw new Error('Slack needs SLACK_SIGNING_SECRET (Basic Information → App Credentials) to verify requests, or SLACK_APP_TOKEN (xapp-…, with connections:write) to use Socket Mode instead.');
    }
    this.log = deps.log.child({ platform: 'slack' });
    this.socketMode = Boolean(appToken);
    this.apiUrl = config.SLACK_API_URL ?? DEFAULT_API_URL;
    this.listenPort = options.port ?? config.SLACK_PORT;
    const connection = { slackApiUrl: this.apiUrl, timeout: config.HTTP_TIMEOUT_MS };
    this.app = new App({
      token,
      // Socket Mode reconnects through apps.connections.open with its own, far more patient retry
      // policy (a bot that gives up reconnecting goes deaf); it gets the address, not our retries.
      ...(appToken ? { appToken, socketMode: true, installerOptions: { clientOptions: connection } } : { signingSecret }),
      // start() checks the token (auth.test) and explains a refusal; constructing makes no call.
      deferInitialization: true,
      logger: slackLogger(deps.log),
      clientOptions: { ...connection, retryConfig: options.retryConfig ?? RETRY_CONFIG },
    });
    this.posts = new SlackPosts(this.app.client, this.buttons, this.log, options.fileReadyWaitsMs);
    this.listen();
  }

  /** The HTTP receiver's port once started (undefined in Socket Mode). */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async start(): Promise<void> {
    try {
      await this.app.init();
    } catch (error) {
      throw new Error(explainStartError(error, this.apiUrl, 'SLACK_BOT_TOKEN'));
    }
    try {
      if (this.socketMode) await this.app.start();
      else this.server = (await this.app.start({ port: this.listenPort, ...(this.options.host ? { host: this.options.host } : {}) })) as Server;
    } catch (error) {
      // A half-started receiver (a Socket Mode client about to retry) must not linger after a refusal.
      await this.app.stop().catch(() => undefined);
      throw new Error(explainStartError(error, this.apiUrl, this.socketMode ? 'SLACK_APP_TOKEN' : 'SLACK_BOT_TOKEN'));
    }
    this.started = true;
    this.log.info({ mode: this.socketMode ? 'socket' : 'http', port: this.port }, 'Slack connected');
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.app.stop();
  }

  async post(channelId: string, message: Reply): Promise<PostedMessage> {
    return { messageId: await this.posts.post(channelId, message) };
  }

  async edit(_channelId: string, messageId: string, message: Reply): Promise<PostedMessage> {
    return { messageId: await this.posts.edit(messageId, message) };
  }

  private answerIn(place: AnswerPlace): SlackAnswer {
    return new SlackAnswer(place, this.buttons, this.log);
  }

  private listen(): void {
    const { app } = this;

    app.command(SLASH_COMMAND, async ({ command, ack, respond, client }) => {
      await ack();
      await this.safely('slash command', async () => {
        const channel = slackChannel(command.channel_id);
        const answer = this.answerIn({ client, channel: command.channel_id, user: command.user_id, direct: channel.kind === 'direct', respond });
        const line = slackCommandLine(command.text) || 'help';
        await this.run(line, slackActor(command.user_id, command.user_name), channel, answer, async () => SLASH_SECRET_NOTE);
      });
    });

    app.event('app_mention', async ({ event, client, context }) => {
      await this.safely('mention', async () => {
        if (!event.user) return;
        const channel = slackChannel(event.channel);
        const threadTs = event.thread_ts;
        const answer = this.answerIn({ client, channel: event.channel, user: event.user, direct: channel.kind === 'direct', ...(threadTs ? { threadTs } : {}) });
        const line = slackCommandLine(event.text, context.botUserId) || 'help';
        const actor = slackActor(event.user, await this.displayName(client, event.user));
        await this.run(line, actor, channel, answer, () => this.deleteMessage(client, event.channel, event.ts));
      });
    });

    app.message(async ({ message, client, context }) => {
      // Only what a person types in their direct message with the bot: not edits, joins or bots.
      if (message.subtype !== undefined || message.channel_type !== 'im' || message.bot_id || !message.text || !message.user) return;
      const { user, text } = message;
      await this.safely('direct message', async () => {
        const answer = this.answerIn({ client, channel: message.channel, user, direct: true });
        const line = slackCommandLine(text, context.botUserId) || 'help';
        const actor = slackActor(user, await this.displayName(client, user));
        await this.run(line, actor, slackChannel(message.channel, true), answer, () => this.deleteMessage(client, message.channel, message.ts));
      });
    });

    app.action({ type: 'block_actions', action_id: new RegExp(`^${ACTION_PREFIX}`) }, async ({ ack, body, action, respond, client }) => {
      await ack();
      await this.safely('button press', async () => {
        const line = action.type === 'button' && action.value ? this.buttons.decode(action.value) : undefined;
        if (!line) {
          await respond({ response_type: 'ephemeral', replace_original: false, text: EXPIRED_BUTTON_TEXT });
          return;
        }
        const channelId = body.channel?.id ?? body.container.channel_id;
        const channel = slackChannel(channelId);
        const answer = this.answerIn({
          client,
          channel: channelId,
          user: body.user.id,
          direct: channel.kind === 'direct',
          respond,
          pressed: { ts: body.container.message_ts ?? body.message?.ts, ephemeral: Boolean(body.container.is_ephemeral) },
        });
        const actor = slackActor(body.user.id, body.user.username ?? body.user.name);
        // A button's command line never carries a secret (Confirm shows secrets as ***): nothing to delete.
        await this.run(line, actor, channel, answer);
      });
    });

    app.error(async (error) => {
      this.log.error({ error: describeSlackError(error) }, 'Slack: a request failed');
    });
  }

  /** Runs a command line through the registry and answers it; `secretNote` deals with a secret typed in the open. */
  private async run(line: string, actor: Actor, channel: Channel, answer: SlackAnswer, secretNote?: () => Promise<string>): Promise<void> {
    const execution = await this.deps.registry.execute({ line, actor, channel }, (update) => answer.progress(update));
    const { message, askerOnly } = await prepareAnswer(line, execution, secretNote);
    await answer.finish(message, { private: askerOnly });
  }

  /** A secret was typed into a shared conversation: remove it where Slack allows, and say which happened. */
  private deleteMessage(client: webApi.WebClient, channel: string, ts: string): Promise<string> {
    return removeSecretMessage(() => client.chat.delete({ channel, ts }), SECRET_NOTES, (error, what) => this.log.info({ error: describeSlackError(error) }, `Slack: ${what}`));
  }

  /** Events carry only a user id; the name (for the audit log) costs one users.info, remembered. */
  private async displayName(client: webApi.WebClient, userId: string): Promise<string> {
    const known = this.names.get(userId);
    if (known) return known;
    try {
      const { user } = await client.users.info({ user: userId });
      const name = user?.profile?.display_name || user?.real_name || user?.name || userId;
      if (this.names.size >= NAME_CACHE_SIZE) this.names.delete(this.names.keys().next().value!);
      this.names.set(userId, name);
      return name;
    } catch (error) {
      this.log.debug({ error: describeSlackError(error), code: slackErrorCode(error) }, 'Slack: users.info failed; using the user id as the name');
      return userId;
    }
  }

  /** A failure answering one request is logged; it never reaches Bolt's handler or stops the process. */
  private async safely(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.log.error({ error: describeSlackError(error) }, `Slack: could not answer a ${what}`);
    }
  }
}

export function createSlackPlatform(config: Config, deps: PlatformDeps, options: SlackPlatformOptions = {}): SlackPlatform {
  return new SlackPlatform(config, deps, options);
}
