// Messages posted unprompted (alerts) and edited later (resolved). The chart is uploaded first as a
// file private to the bot (filesUploadV2 without a channel: files.getUploadURLExternal, the bytes,
// files.completeUploadExternal), then the message is posted with an image block showing it
// (slack_file) above its buttons, so chart and buttons are one message. Slack takes a moment to
// process a fresh upload and refuses the block ("invalid slack file") until then: the post is retried
// a few times, then sent with the image's description instead. The id handed out is the
// conversation and the ts of each message the Reply became, for chat.update.
import type { webApi } from '@slack/bolt';
import { imageAsText, type Reply } from '#core/reply.ts';
import type { Logger } from '#src/log.ts';
import type { ButtonCommands } from '../buttons.ts';
import { renderSlack, type SlackMessage } from './slack-blocks.ts';
import { describeSlackError, slackErrorCode } from './slack-errors.ts';

/** Waits before posting again while Slack is still processing the uploaded chart. */
export const FILE_READY_WAITS_MS = [500, 1_000, 2_000];

interface Posted {
  channel: string;
  ts: string[];
}

type Put = (index: number, part: SlackMessage) => Promise<{ channel: string; ts: string }>;

function encode(posted: Posted): string {
  return `${posted.channel}:${posted.ts.join(',')}`;
}

function decode(messageId: string): Posted {
  const [channel, list] = messageId.split(':');
  if (!channel || !list) throw new Error(`'${messageId}' is not the id of a posted Slack message`);
  return { channel, ts: list.split(',') };
}

/** Slack has not (yet) got the uploaded file the image block names. */
function isFileNotReady(error: unknown): boolean {
  const errors = (error as { data?: { errors?: unknown } }).data?.errors;
  return slackErrorCode(error) === 'invalid_blocks' && Array.isArray(errors) && errors.some((entry) => /slack_file|slack file/i.test(String(entry)));
}

export class SlackPosts {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly buttons: ButtonCommands,
    private readonly log: Logger,
    private readonly waitsMs: readonly number[] = FILE_READY_WAITS_MS,
  ) {}

  async post(channel: string, message: Reply): Promise<string> {
    let where = channel;
    const ts = await this.write(message, async (_index, part) => {
      const posted = await this.client.chat.postMessage({ channel: where, ...part });
      where = posted.channel ?? where;
      return { channel: where, ts: posted.ts! };
    });
    return encode({ channel: where, ts });
  }

  async edit(messageId: string, message: Reply): Promise<string> {
    const old = decode(messageId);
    const ts = await this.write(message, async (index, part) => {
      const existing = old.ts[index];
      if (existing) {
        try {
          await this.client.chat.update({ channel: old.channel, ts: existing, ...part });
          return { channel: old.channel, ts: existing };
        } catch (error) {
          if (slackErrorCode(error) !== 'message_not_found') throw error;
          this.log.info({ channel: old.channel, ts: existing }, 'Slack: the posted message is gone; posting it again');
        }
      }
      const posted = await this.client.chat.postMessage({ channel: old.channel, ...part });
      return { channel: old.channel, ts: posted.ts! };
    });
    for (const surplus of old.ts.slice(ts.length)) {
      await this.client.chat.delete({ channel: old.channel, ts: surplus }).catch((error: unknown) => this.log.debug({ error: describeSlackError(error) }, 'Slack: could not delete a surplus part of an edited message'));
    }
    return encode({ channel: old.channel, ts });
  }

  /** Uploads the chart, then puts each part; without the chart when Slack will not take it. */
  private async write(message: Reply, put: Put): Promise<string[]> {
    const fileId = message.image ? await this.upload(message) : undefined;
    const parts = fileId ? renderSlack(message, this.buttons, fileId) : renderSlack(imageAsText(message), this.buttons);
    const ts: string[] = [];
    for (const [index, part] of parts.entries()) ts.push((await this.putWhenReady(index, part, put, message)).ts);
    return ts;
  }

  private async putWhenReady(index: number, part: SlackMessage, put: Put, message: Reply): Promise<{ ts: string }> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await put(index, part);
      } catch (error) {
        if (!isFileNotReady(error)) throw error;
        const waitMs = this.waitsMs[attempt];
        if (waitMs === undefined) {
          this.log.warn({ error: describeSlackError(error) }, 'Slack: the uploaded chart never became usable; posting its description instead');
          return put(index, renderSlack(imageAsText(message), this.buttons)[index] ?? part);
        }
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }

  /** The chart as a file only the bot can see so far; undefined (logged) when Slack refuses it. */
  private async upload(message: Reply): Promise<string | undefined> {
    const image = message.image!;
    try {
      const result = await this.client.filesUploadV2({ file: Buffer.from(image.png), filename: image.filename, title: image.alt, alt_text: image.alt });
      const completed = (result as { files?: { files?: { id?: string }[] }[] }).files?.[0]?.files?.[0]?.id;
      if (!completed) throw new Error('Slack answered the upload without a file id');
      return completed;
    } catch (error) {
      this.log.warn({ error: describeSlackError(error) }, 'Slack: could not upload the chart; posting its description instead');
      return undefined;
    }
  }
}
