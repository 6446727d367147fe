// Where one command's answer goes in Slack, and how it changes while the command runs.
// Progress and the final answer share one message: posted once (chat.postMessage), then edited
// (chat.update), so a slow deploy does not flood the channel. Answers meant for the asker alone
// go ephemeral (response_url when Slack gave one, else chat.postEphemeral). Where the bot is not a
// member (a channel it was never invited to, a DM between two people) it can only answer through
// the response_url, privately: an in_channel response would make Slack echo the typed command to
// everyone, and a command line may carry a secret.
import type { RespondArguments, RespondFn, webApi } from '@slack/bolt';
import { imageAsText, type Reply, type ReplyImage } from '#core/reply.ts';
import type { Logger } from '#src/log.ts';
import type { ButtonCommands } from '../buttons.ts';
import { renderSlack, type SlackMessage } from './slack-blocks.ts';
import { describeSlackError, slackErrorCode } from './slack-errors.ts';

/** Slack accepts at most five posts to one response_url (docs: "Handling user interaction"). */
const RESPONSE_URL_BUDGET = 5;

/** Errors that mean "the bot cannot post here", not "Slack is broken". */
const NOT_A_MEMBER = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action']);

const PRIVATE_IMAGE_NOTE = 'Slack cannot show an image in a private reply; run this in a direct message with me to see the chart.';
const NOT_A_MEMBER_NOTE = 'Only you can see this: I am not a member of this conversation. Invite me (/invite @ComputeHub) to answer everyone here.';

export interface AnswerPlace {
  client: webApi.WebClient;
  channel: string;
  /** The asker, for chat.postEphemeral. */
  user: string;
  /** A direct message is private already: nothing needs to be ephemeral there. */
  direct: boolean;
  /** Answer inside this thread (a mention written in a thread). */
  threadTs?: string;
  /** Slash commands and button presses carry a response_url. */
  respond?: RespondFn;
  /** A button press: the message the button was on, which the answer replaces. */
  pressed?: { ts: string | undefined; ephemeral: boolean };
}

export class SlackAnswer {
  /** The normal message that shows this answer, once there is one. */
  private ts: string | undefined;
  /** Where that message is: posting to a user id lands in their direct message, whose id Slack returns. */
  private channel: string;
  /** True when this answer posted `ts` itself (so it may delete it), false for a pressed message. */
  private ownsMessage = false;
  /** Answers go through the response_url: the pressed message was ephemeral, or the bot is not a member. */
  private viaResponseUrl: boolean;
  /** Something was already shown through the response_url, so the next post replaces it. */
  private shownViaResponseUrl: boolean;
  private responseUrlUses = 0;
  private pending: Reply | undefined;
  private draining: Promise<void> | undefined;

  constructor(private readonly place: AnswerPlace, private readonly buttons: ButtonCommands, private readonly log: Logger) {
    this.channel = place.channel;
    const pressedEphemeral = place.pressed?.ephemeral ?? false;
    this.viaResponseUrl = pressedEphemeral;
    this.shownViaResponseUrl = pressedEphemeral;
    if (place.pressed && !pressedEphemeral) this.ts = place.pressed.ts;
  }

  /**
   * Replaces what the answer shows so far. Returns at once: the command never waits on Slack, and
   * updates that arrive while one is being sent collapse into the latest (chat.update is rate-limited).
   */
  progress(update: Reply): Promise<void> {
    this.pending = update;
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
    return Promise.resolve();
  }

  /** Shows the final answer: in place of the progress, or privately to the asker. */
  async finish(final: Reply, options: { private: boolean }): Promise<void> {
    // Progress still queued is out of date now; only the one being sent is waited for.
    this.pending = undefined;
    while (this.draining) await this.draining;
    if (options.private && !this.place.direct) {
      await this.showPrivate(final);
      // The public progress message would otherwise stay behind, frozen half-way.
      if (this.ownsMessage && this.ts) await this.place.client.chat.delete({ channel: this.channel, ts: this.ts }).catch((error: unknown) => this.warn(error, 'delete the progress message'));
    } else {
      await this.showPublic(final, true);
    }
    if (final.privateReply) await this.showSecret(final.privateReply);
  }

  /** A secret for the asker alone: a new message in a direct conversation, else ephemeral (never in_channel). */
  private async showSecret(secret: Reply): Promise<void> {
    const { respond, client, channel, user, threadTs, direct } = this.place;
    for (const part of renderSlack(secret, this.buttons)) {
      if (direct) await client.chat.postMessage({ channel: this.channel, ...part });
      else if (respond) await respond({ response_type: 'ephemeral', replace_original: false, ...part });
      else await client.chat.postEphemeral({ channel, user, ...part, ...(threadTs ? { thread_ts: threadTs } : {}) });
    }
  }

  private async drain(): Promise<void> {
    while (this.pending) {
      const next = this.pending;
      this.pending = undefined;
      // Keep the response_url's last use for the final answer.
      if (this.viaResponseUrl && this.responseUrlUses >= RESPONSE_URL_BUDGET - 1) continue;
      await this.showPublic(next, false).catch((error: unknown) => this.warn(error, 'show progress'));
    }
  }

  private async showPublic(message: Reply, final: boolean): Promise<void> {
    if (!this.viaResponseUrl) {
      try {
        await this.putMessages(renderSlack(message, this.buttons), final);
        if (final && message.image) await this.upload(message.image).catch((error: unknown) => this.describeImage(message, error));
        return;
      } catch (error) {
        if (!this.place.respond || !NOT_A_MEMBER.has(slackErrorCode(error) ?? '')) throw error;
        this.viaResponseUrl = true;
      }
    }
    const note = this.place.pressed?.ephemeral ? undefined : NOT_A_MEMBER_NOTE;
    await this.respondWith(renderSlack(withNote(message, message.image ? `${note ? `${note} ` : ''}${PRIVATE_IMAGE_NOTE}` : note), this.buttons), !final);
  }

  private async showPrivate(message: Reply): Promise<void> {
    const messages = renderSlack(withNote(message, message.image ? PRIVATE_IMAGE_NOTE : undefined), this.buttons);
    // Already answering privately through the response_url: replace that answer rather than add one.
    if (this.viaResponseUrl) return this.respondWith(messages, false);
    const { respond, client, channel, user, threadTs } = this.place;
    for (const part of messages) {
      if (respond) await respond({ response_type: 'ephemeral', replace_original: false, ...part });
      else await client.chat.postEphemeral({ channel, user, ...part, ...(threadTs ? { thread_ts: threadTs } : {}) });
    }
  }

  /** Posts (or edits) the normal message; only a final answer posts its overflow messages. */
  private async putMessages(messages: SlackMessage[], final: boolean): Promise<void> {
    const { client, threadTs } = this.place;
    const [first, ...rest] = messages;
    const thread = threadTs ? { thread_ts: threadTs } : {};
    if (this.ts) {
      await client.chat.update({ channel: this.channel, ts: this.ts, ...first! });
    } else {
      const posted = await client.chat.postMessage({ channel: this.channel, ...first!, ...thread });
      this.ts = posted.ts;
      this.channel = posted.channel ?? this.channel;
      this.ownsMessage = true;
    }
    if (final) for (const part of rest) await client.chat.postMessage({ channel: this.channel, ...part, ...thread });
  }

  private async respondWith(messages: SlackMessage[], progress: boolean): Promise<void> {
    const respond = this.place.respond!;
    for (const [index, part] of (progress ? messages.slice(0, 1) : messages).entries()) {
      const body: RespondArguments = { response_type: 'ephemeral', replace_original: index === 0 && this.shownViaResponseUrl, ...part };
      this.responseUrlUses += 1;
      await respond(body);
      this.shownViaResponseUrl = true;
    }
  }

  /** files.uploadV2: getUploadURLExternal → POST the bytes → completeUploadExternal into the channel. */
  private async upload(image: ReplyImage): Promise<void> {
    const { client, threadTs } = this.place;
    const channel = this.channel;
    const upload = { file: Buffer.from(image.png), filename: image.filename, title: image.alt, alt_text: image.alt };
    await client.filesUploadV2(threadTs ? { ...upload, channel_id: channel, thread_ts: threadTs } : { ...upload, channel_id: channel });
  }

  /** Slack refused the image: the message already shown gains the image's description instead. */
  private async describeImage(message: Reply, error: unknown): Promise<void> {
    this.warn(error, 'upload the image; showing its description instead');
    await this.putMessages(renderSlack(imageAsText(message), this.buttons), false);
  }

  private warn(error: unknown, what: string): void {
    this.log.warn({ platform: 'slack', error: describeSlackError(error) }, `Slack: could not ${what}`);
  }
}

function withNote(message: Reply, note: string | undefined): Reply {
  if (!note) return message;
  return { ...message, footer: message.footer ? `${message.footer}\n${note}` : note };
}
