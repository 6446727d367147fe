// Messages posted unprompted (alerts) and edited later (resolved): the chart rides as an attachment
// the embed shows (attachment://<file>), the buttons as components. The id handed out names every
// Discord message the Reply became, so an edit replaces each in place (its old attachments dropped,
// the new chart uploaded), adds what is new and deletes what is no longer needed. An image Discord
// refuses (too large, bad form) goes as its description instead.
import { RESTJSONErrorCodes, type Client, type SendableChannels } from 'discord.js';
import { imageAsText, type Reply } from '#core/reply.ts';
import type { Logger } from '#src/log.ts';
import type { DiscordMessage } from './discord-render.ts';
import { describeDiscordError, isRefusal } from './discord-responder.ts';

type Put = (index: number, part: DiscordMessage) => Promise<string>;

function isUnknownMessage(error: unknown): boolean {
  return (error as { code?: unknown }).code === RESTJSONErrorCodes.UnknownMessage;
}

/** The channel to post in, when the bot is connected and may send there. */
export async function sendableChannel(client: Client | undefined, channelId: string): Promise<SendableChannels> {
  if (!client?.isReady()) throw new Error('Discord is not connected right now (it reconnects by itself), so the message was not posted. It can be sent again once the bot is back.');
  const channel = await client.channels.fetch(channelId, { allowUnknownGuild: true });
  if (!channel?.isSendable()) {
    throw new Error(`Discord channel ${channelId} does not take messages from the bot. Check the channel id, and that the bot is in that server with View Channel, Send Messages, Embed Links and Attach Files.`);
  }
  return channel;
}

export class DiscordPosts {
  constructor(private readonly render: (message: Reply) => DiscordMessage[], private readonly log: Logger) {}

  async post(channel: SendableChannels, message: Reply): Promise<string> {
    return (await this.write(message, async (_index, part) => (await channel.send(part)).id)).join('.');
  }

  async edit(channel: SendableChannels, messageId: string, message: Reply): Promise<string> {
    const old = messageId.split('.');
    const ids = await this.write(message, async (index, part) => {
      const existing = old[index];
      if (existing) {
        try {
          // An empty list drops the old chart; the new one (if any) is added to it by discord.js.
          return (await channel.messages.edit(existing, { ...part, attachments: [] })).id;
        } catch (error) {
          if (!isUnknownMessage(error)) throw error;
          this.log.info({ channel: channel.id, message: existing }, 'the posted Discord message is gone; posting it again');
        }
      }
      return (await channel.send(part)).id;
    });
    for (const surplus of old.slice(ids.length)) {
      await channel.messages.delete(surplus).catch((error: unknown) => this.log.debug({ err: describeDiscordError(error) }, 'could not delete a surplus part of an edited message'));
    }
    return ids.join('.');
  }

  /** Puts each part; when Discord refuses the part carrying the image, it and the rest go again as text. */
  private async write(message: Reply, put: Put): Promise<string[]> {
    const parts = this.render(message);
    const ids: string[] = [];
    for (const [index, part] of parts.entries()) {
      try {
        ids.push(await put(index, part));
      } catch (error) {
        if (!part.files.length || !isRefusal(error)) throw error;
        this.log.warn({ err: describeDiscordError(error) }, 'Discord refused the image; posting the message with its description instead');
        for (const [offset, text] of this.render(imageAsText(message)).slice(index).entries()) ids.push(await put(index + offset, text));
        return ids;
      }
    }
    return ids;
  }
}
