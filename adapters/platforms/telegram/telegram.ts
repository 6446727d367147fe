// The Telegram platform (grammy): long polling, commands as `/prices gpu=4090` (or plain text in a
// private chat), Replies as HTML with inline keyboards, buttons run as the person who pressed them.
import type http from 'node:http';
import { Bot, GrammyError, HttpError, type Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Config } from '#src/config.ts';
import type { Execution, Invocation } from '#core/registry.ts';
import type { Reply } from '#core/reply.ts';
import { registerSecret } from '#src/log.ts';
import { ButtonCommands, EXPIRED_BUTTON_TEXT } from '../buttons.ts';
import { withinDeadline } from '#core/deadline.ts';
import type { BackoffPolicy } from '#domain/backoff.ts';
import { CredentialsRefused, type ChatPlatform, type PlatformDeps, type PostedMessage } from '../platform.ts';
import { PostedMessages } from './telegram-posts.ts';
import { deliverPrivately, prepareAnswer, removeSecretMessage, type SecretNotes } from '../reply-step.ts';
import { publishCommands } from './telegram-menu.ts';
import { ChatPacer, TELEGRAM_PACING, type PacingRules } from './telegram-pacing.ts';
import { MessageSlot } from './telegram-progress.ts';
import { describeError, TELEGRAM_CALLBACK_DATA_BYTES, TelegramSender, type ChatId } from './telegram-send.ts';
import { pacing, pollingBackoff, retryAfter, type RetryOptions } from './telegram-transformers.ts';
import { actorOf, channelOf, commandLine } from './telegram-updates.ts';
import { serveWebhook, type WebhookOptions } from './telegram-webhook.ts';

/** Timings, all defaulting to what suits the real Telegram; tests shorten them. */
export interface TelegramTuning {
  /** How long one getUpdates call may wait for news. */
  pollTimeoutSeconds: number;
  pacing: PacingRules;
  /** Least time between two edits of a progress message. */
  progressIntervalMs: number;
  retry: RetryOptions;
  /** Waits between attempts to reach Telegram during an outage. */
  backoff: BackoffPolicy;
  /** A button answer that is ready this soon shows as a popup for the presser alone. */
  popupWithinMs: number;
}

const DEFAULT_TELEGRAM_TUNING: TelegramTuning = {
  pollTimeoutSeconds: 30,
  pacing: TELEGRAM_PACING,
  progressIntervalMs: 1_500,
  retry: { attempts: 3, maxRetryAfterSeconds: 60 },
  backoff: { baseMs: 1_000, maxMs: 60_000 },
  popupWithinMs: 1_500,
};

/** answerCallbackQuery shows at most 200 characters. */
const POPUP_LIMIT = 200;
const UPDATE_TYPES = ['message', 'callback_query'] as const;

const SECRET_NOTES: SecretNotes = {
  deleted: 'I deleted your message so the secret does not stay in this chat; if it was a real key, consider rotating it.',
  kept: 'I could not delete your message (I need the "Delete messages" admin right in this group): delete it yourself now, and consider rotating the key.',
};

export function createTelegramPlatform(config: Config, deps: PlatformDeps, tuning: Partial<TelegramTuning> = {}): ChatPlatform {
  if (!config.TELEGRAM_BOT_TOKEN) throw new Error('TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and put its token in .env.');
  let webhook: WebhookOptions | undefined;
  if (config.TELEGRAM_WEBHOOK_URL) {
    if (!config.TELEGRAM_WEBHOOK_SECRET) {
      throw new Error('TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not: without it anyone could post fake updates. Generate one with: openssl rand -hex 32');
    }
    webhook = { url: config.TELEGRAM_WEBHOOK_URL, secret: config.TELEGRAM_WEBHOOK_SECRET, port: config.TELEGRAM_WEBHOOK_PORT, allowedUpdates: UPDATE_TYPES };
  }
  const apiRoot = config.TELEGRAM_API_ROOT?.replace(/\/+$/, '');
  return new TelegramPlatform(config.TELEGRAM_BOT_TOKEN, apiRoot, webhook, deps, { ...DEFAULT_TELEGRAM_TUNING, ...tuning });
}

class TelegramPlatform implements ChatPlatform {
  readonly name = 'telegram';
  private readonly bot: Bot;
  private readonly sender: TelegramSender;
  private readonly posts: PostedMessages;
  private readonly buttons = new ButtonCommands(TELEGRAM_CALLBACK_DATA_BYTES);
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;
  private lost: ((error: unknown) => void) | undefined;
  private webhookServer: http.Server | undefined;

  constructor(
    token: string,
    apiRoot: string | undefined,
    private readonly webhook: WebhookOptions | undefined,
    private readonly deps: PlatformDeps,
    private readonly tuning: TelegramTuning,
  ) {
    registerSecret(token);
    this.bot = new Bot(token, { client: apiRoot ? { apiRoot } : {} });
    // The last transformer installed runs first: backoff around retries around pacing.
    this.bot.api.config.use(pacing(new ChatPacer(tuning.pacing)));
    this.bot.api.config.use(...retryAfter(deps.log, tuning.retry));
    this.bot.api.config.use(pollingBackoff(deps.log, tuning.backoff, () => this.bot.isRunning() && !this.stopping));
    this.sender = new TelegramSender(this.bot.api, this.buttons, deps.log);
    this.posts = new PostedMessages(this.sender, deps.log);
    this.bot.on('message:text', (ctx) => this.detach(() => this.onMessage(ctx)));
    this.bot.on('callback_query:data', (ctx) => this.detach(() => this.onPress(ctx)));
    this.bot.catch((error) => deps.log.error({ ...describeError(error.error), updateId: error.ctx.update.update_id }, 'Telegram update failed'));
  }

  async start(lost?: (error: unknown) => void): Promise<void> {
    this.stopping = false;
    this.lost = lost;
    this.bot.botInfo = await this.connect();
    await publishCommands(this.bot.api, this.deps.registry).catch((error) => this.deps.log.warn(describeError(error), 'Could not publish the Telegram command menu; commands still work when typed'));
    if (this.webhook) this.webhookServer = await serveWebhook(this.bot, this.webhook, this.deps.log);
    else this.poll();
    this.deps.log.info({ bot: this.bot.botInfo.username, mode: this.webhook ? 'webhook' : 'long polling' }, 'Telegram connected');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.bot.isRunning()) await this.bot.stop().catch((error) => this.deps.log.debug(describeError(error), 'Telegram stop: could not confirm the last update'));
    // The webhook stays registered: Telegram keeps updates for up to a day until the bot is back.
    const server = this.webhookServer;
    this.webhookServer = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.allSettled([...this.inFlight]);
  }

  async post(channelId: string, message: Reply): Promise<PostedMessage> {
    return { messageId: await this.posts.post(chatIdOf(channelId), message) };
  }

  async edit(channelId: string, messageId: string, message: Reply): Promise<PostedMessage> {
    return { messageId: await this.posts.edit(chatIdOf(channelId), messageId, message) };
  }

  /** getMe: proves the token works. */
  private async connect(): Promise<UserFromGetMe> {
    try {
      return await this.bot.api.getMe();
    } catch (error) {
      if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404)) {
        throw new CredentialsRefused(
          `Telegram refused TELEGRAM_BOT_TOKEN (${error.error_code} ${error.description}). Copy the token again from @BotFather (/mybots → your bot → API Token) into .env.`,
        );
      }
      const detail = error instanceof HttpError ? 'the network request failed' : String((error as Error).message);
      throw new Error(`Cannot reach the Telegram Bot API (${detail}). Check the network, or TELEGRAM_API_ROOT if you run your own Bot API server.`);
    }
  }

  private poll(): void {
    this.bot
      .start({ allowed_updates: [...UPDATE_TYPES], timeout: this.tuning.pollTimeoutSeconds })
      .catch((error: unknown) => {
        if (this.stopping) return;
        if (error instanceof GrammyError && error.error_code === 401) {
          this.deps.log.error('Telegram stopped accepting TELEGRAM_BOT_TOKEN (401): the token was revoked. Create a new one with @BotFather and restart.');
          return;
        }
        const conflict = error instanceof GrammyError && error.error_code === 409;
        this.deps.log.error(
          describeError(error),
          conflict ? 'Another process is polling Telegram with this bot token (409 Conflict); stop it. Retrying.' : 'Telegram polling stopped; restarting it',
        );
        this.lost?.(error);
      });
  }

  /**
   * grammy hands over updates one at a time and waits for each: a long command (a deploy) must not
   * hold up everyone else's, so each update is handled on its own and tracked for stop().
   */
  private detach(work: () => Promise<void>): void {
    const running = work().catch((error) => this.deps.log.error(describeError(error), 'Telegram update failed'));
    this.inFlight.add(running);
    void running.finally(() => this.inFlight.delete(running));
  }

  private async onMessage(ctx: Context): Promise<void> {
    const message = ctx.message;
    if (!message?.text || !message.from || message.from.is_bot) return;
    const line = commandLine({ text: message.text, entities: message.entities, chat: message.chat }, this.bot.botInfo.username);
    if (!line) return;
    const invocation: Invocation = { line, actor: actorOf(message.from), channel: channelOf(message.chat) };
    const shared = invocation.channel.kind === 'shared';
    const slot = this.slot(message.chat.id, { replyTo: shared ? message.message_id : undefined });
    const execution = await this.deps.registry.execute(invocation, slot.progress);
    const remove = () => this.bot.api.deleteMessage(message.chat.id, message.message_id);
    const answer = await prepareAnswer(line, execution, shared ? () => removeSecretMessage(remove, SECRET_NOTES, this.failed) : undefined);
    await this.deliver(slot, invocation, answer.message);
  }

  private async onPress(ctx: Context): Promise<void> {
    const query = ctx.callbackQuery!;
    const answer = (text?: string) =>
      this.bot.api.answerCallbackQuery(query.id, text ? { text, show_alert: true } : {}).catch((error) => this.deps.log.debug(describeError(error), 'callback answer failed'));
    const line = this.buttons.decode(query.data ?? '');
    const pressed = query.message;
    if (!line || !pressed) return void (await answer(EXPIRED_BUTTON_TEXT));
    const invocation: Invocation = { line, actor: actorOf(query.from), channel: channelOf(pressed.chat) };
    // Confirm and Cancel settle the message they sit on, so their outcome replaces it.
    const settlesPrompt = /^(confirm|cancel)(\s|$)/.test(line.trim());
    const slot = this.slot(pressed.chat.id, settlesPrompt ? { messageId: pressed.message_id } : { replyTo: pressed.message_id });
    const running = this.deps.registry.execute(invocation, slot.progress);
    const early = await withinDeadline<Execution | undefined>(running, this.tuning.popupWithinMs, () => undefined);
    // A refusal concerns only the presser: a popup tells them without touching the shared prompt.
    const popup = early && (early.outcome === 'denied' || early.reply.ephemeral) ? popupText(early.reply) : undefined;
    if (popup) return void (await answer(popup));
    await answer();
    const execution = await running;
    const target = execution.outcome === 'denied' ? this.slot(pressed.chat.id, { replyTo: pressed.message_id }) : slot;
    await this.deliver(target, invocation, (await prepareAnswer(line, execution)).message);
  }

  private slot(chatId: ChatId, placement: { replyTo?: number; messageId?: number }): MessageSlot {
    return new MessageSlot(this.sender, chatId, { ...placement, intervalMs: this.tuning.progressIntervalMs }, this.deps.log);
  }

  private readonly failed = (error: unknown, what: string) => this.deps.log.warn(describeError(error), what);

  /** Shows a Reply, then its private part (a secret) to the asker alone: Telegram has no ephemeral messages, so by direct message or not at all. */
  private async deliver(slot: MessageSlot, invocation: Invocation, message: Reply): Promise<void> {
    await this.deliverMain(slot, invocation, message);
    if (!message.privateReply) return;
    await deliverPrivately(message.privateReply, invocation.actor, {
      privately: (secret) => this.sender.send(chatIdOf(invocation.actor.userId), secret),
      inChat: (note) => this.sender.send(chatIdOf(invocation.channel.id), note),
    }, (error, what) => this.deps.log.debug(describeError(error), what));
  }

  /** One meant for the asker alone goes to them privately when the chat is shared. */
  private async deliverMain(slot: MessageSlot, invocation: Invocation, shown: Reply): Promise<void> {
    if (shown.ephemeral && invocation.channel.kind === 'shared') {
      try {
        await this.sender.send(chatIdOf(invocation.actor.userId), shown);
        await slot.finish({ kind: 'info', text: `${invocation.actor.displayName}, I sent you the answer in a private message.` });
        return;
      } catch (error) {
        // The user never opened a chat with the bot (403): answering here is the only way left.
        this.deps.log.debug(describeError(error), 'private answer failed; answering in the chat');
      }
    }
    await slot.finish(shown);
  }
}

function chatIdOf(id: string): ChatId {
  return /^-?\d+$/.test(id) ? Number(id) : id;
}

/** The Reply as a popup, when it is short plain text (a popup shows no markup). */
function popupText(message: Reply): string | undefined {
  if (message.table || message.image || message.buttons?.length || message.code || message.fields?.length) return undefined;
  const text = [message.title, message.text].filter(Boolean).join('\n');
  return text && text.length <= POPUP_LIMIT ? text : undefined;
}
