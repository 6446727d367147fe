// Messages posted unprompted (alerts) and edited later (resolved): the id handed out names every
// Telegram message the Reply became, and which is the photo, so an edit changes them in place. A photo
// takes a new chart and caption (editMessageMedia) or a new caption alone (editMessageCaption); the
// text messages after it are edited, added or deleted to match. A text message cannot become a photo,
// so a Reply posted without its image stays text, with the image's description.
import { InputFile } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import { imageAsText, type Reply } from '#core/reply.ts';
import type { Logger } from '#src/log.ts';
import { renderCaption, renderHtmlMessages } from './telegram-html.ts';
import { describeError, isImageRefusal, isNotModified, isUneditable, withFallback, type ChatId, type PostedPart, type TelegramSender } from './telegram-send.ts';

const KIND_MARK = { photo: 'p', text: 't' } as const;

/** `p12.t13`: the photo 12 and the text 13 after it. */
export function postedId(parts: readonly PostedPart[]): string {
  return parts.map((part) => `${KIND_MARK[part.kind]}${part.id}`).join('.');
}

export function parsePostedId(messageId: string): PostedPart[] {
  const parts = messageId.split('.').map((piece) => ({ kind: piece.startsWith('p') ? ('photo' as const) : ('text' as const), id: Number(piece.slice(1)) }));
  if (parts.length === 0 || parts.some((part) => !Number.isInteger(part.id) || part.id <= 0)) throw new Error(`'${messageId}' is not the id of a posted Telegram message`);
  return parts;
}

export class PostedMessages {
  constructor(private readonly sender: TelegramSender, private readonly log: Logger) {}

  async post(chatId: ChatId, message: Reply): Promise<string> {
    return postedId(await this.sender.send(chatId, message));
  }

  /** Shows `message` in the posted messages; returns their id now (a deleted message is posted anew). */
  async edit(chatId: ChatId, messageId: string, message: Reply): Promise<string> {
    const [head, ...followUps] = parsePostedId(messageId);
    const keyboard = this.sender.keyboard(message.buttons);
    let rest: string[] | undefined;
    try {
      rest = head!.kind === 'photo' ? await this.editPhoto(chatId, head!.id, message, keyboard) : await this.editHead(chatId, head!.id, message, keyboard);
    } catch (error) {
      if (!isUneditable(error)) throw error;
    }
    if (!rest) {
      this.log.info({ chatId, messageId }, 'the posted Telegram message is gone; posting it again');
      return this.post(chatId, message);
    }
    const texts = await this.syncFollowUps(chatId, followUps, rest, keyboard);
    return postedId([head!, ...texts]);
  }

  /** A photo message: a new chart (or, refused, the caption alone); returns the text parts still to show. */
  private async editPhoto(chatId: ChatId, photoId: number, message: Reply, keyboard: InlineKeyboardMarkup | undefined): Promise<string[]> {
    const { caption, complete } = renderCaption(message);
    const markup = complete ? keyboard : undefined;
    if (message.image) {
      const { png, filename } = message.image;
      try {
        await this.sender.api.editMessageMedia(chatId, photoId, { type: 'photo', media: new InputFile(Buffer.from(png), filename), caption, parse_mode: 'HTML' }, { reply_markup: markup });
        return complete ? [] : renderHtmlMessages(message);
      } catch (error) {
        if (isNotModified(error)) return complete ? [] : renderHtmlMessages(message);
        if (!isImageRefusal(error) || isUneditable(error)) throw error;
        this.log.warn({ ...describeError(error), image: filename }, 'Telegram refused the new image; editing the caption alone');
        return this.editCaption(chatId, photoId, imageAsText(message), keyboard);
      }
    }
    return this.editCaption(chatId, photoId, message, keyboard);
  }

  private async editCaption(chatId: ChatId, photoId: number, message: Reply, keyboard: InlineKeyboardMarkup | undefined): Promise<string[]> {
    const { caption, complete } = renderCaption(message);
    try {
      await this.sender.api.editMessageCaption(chatId, photoId, { caption, parse_mode: 'HTML', reply_markup: complete ? keyboard : undefined });
    } catch (error) {
      if (!isNotModified(error)) throw error;
    }
    return complete ? [] : renderHtmlMessages(message);
  }

  /** A text message stays text: its first part here, the rest returned (undefined: it is gone). */
  private async editHead(chatId: ChatId, textId: number, message: Reply, keyboard: InlineKeyboardMarkup | undefined): Promise<string[] | undefined> {
    const shown = imageAsText(message);
    const [first, ...rest] = withFallback(renderHtmlMessages(shown), shown);
    return (await this.sender.edit(chatId, textId, first!, rest.length ? undefined : keyboard)) ? rest : undefined;
  }

  /** The text messages after the head: edited in order, more sent, surplus deleted; the keyboard on the last. */
  private async syncFollowUps(chatId: ChatId, old: readonly PostedPart[], parts: readonly string[], keyboard: InlineKeyboardMarkup | undefined): Promise<PostedPart[]> {
    const kept: PostedPart[] = [];
    for (const [index, html] of parts.entries()) {
      const markup = index === parts.length - 1 ? keyboard : undefined;
      const existing = old[index];
      if (existing && (await this.sender.edit(chatId, existing.id, html, markup))) kept.push(existing);
      else kept.push({ id: await this.sender.sendText(chatId, html, markup, {}), kind: 'text' });
    }
    for (const surplus of old.slice(parts.length)) {
      await this.sender.api.deleteMessage(chatId, surplus.id).catch((error: unknown) => this.log.debug(describeError(error), 'could not delete a surplus part of an edited message'));
    }
    return kept;
  }
}
