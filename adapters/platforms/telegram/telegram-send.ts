// Puts a Reply into a Telegram chat: HTML text split under the 4096-character limit, the buttons as
// an inline keyboard under the last part, an image as a photo with a caption.
import { GrammyError, InputFile, type Api } from 'grammy';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import { imageAsText, type Button, type Reply } from '#core/reply.ts';
import type { Logger } from '#src/log.ts';
import type { ButtonCommands } from '../buttons.ts';
import { renderCaption, renderHtmlMessages } from './telegram-html.ts';

/** Telegram's own cap on callback_data, in bytes. */
export const TELEGRAM_CALLBACK_DATA_BYTES = 64;

export const BUTTONS_PER_ROW = 3;
export const MAX_BUTTONS = 100;

export type ChatId = number | string;

/** One message a Reply was posted as: a photo (with its caption) or a text. */
export interface PostedPart {
  id: number;
  kind: 'photo' | 'text';
}

/** Where a new message goes: threaded under the message it answers (in groups), or not. */
export interface Placement {
  replyTo?: number;
}

export function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && /message is not modified/i.test(error.description);
}

/** The message cannot take a text edit any more (deleted, too old, or a photo): send a new one. */
export function isUneditable(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && /message to edit not found|message can't be edited|no text in the message to edit/i.test(error.description);
}

/** What a Bot API failure says, without the request payload (it may hold a user's text). */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof GrammyError) return { method: error.method, code: error.error_code, description: error.description };
  return { problem: error instanceof Error ? error.message : String(error) };
}

export class TelegramSender {
  constructor(
    readonly api: Api,
    private readonly buttons: ButtonCommands,
    private readonly log: Logger,
  ) {}

  keyboard(buttons: readonly Button[] | undefined): InlineKeyboardMarkup | undefined {
    if (!buttons?.length) return undefined;
    const cells: InlineKeyboardButton[] = buttons.slice(0, MAX_BUTTONS).map((button) => ({
      text: button.label,
      callback_data: this.buttons.encode(button.command),
    }));
    const rows: InlineKeyboardButton[][] = [];
    for (let index = 0; index < cells.length; index += BUTTONS_PER_ROW) rows.push(cells.slice(index, index + BUTTONS_PER_ROW));
    return { inline_keyboard: rows };
  }

  /** Posts a Reply as new messages (as text alone when Telegram refuses its image); returns them in order. */
  async send(chatId: ChatId, message: Reply, placement: Placement = {}): Promise<PostedPart[]> {
    const keyboard = this.keyboard(message.buttons);
    const photo = message.image ? await this.sendPhoto(chatId, message, placement) : undefined;
    if (photo) return [{ id: photo.id, kind: 'photo' }, ...texts(await this.sendTexts(chatId, photo.rest, keyboard, {}))];
    const text = imageAsText(message);
    return texts(await this.sendTexts(chatId, withFallback(renderHtmlMessages(text), text), keyboard, placement));
  }

  /**
   * Replaces an existing message with a Reply: the first part edits it, any further parts (and an
   * image, which a text message cannot become) are sent after it.
   */
  async replace(chatId: ChatId, messageId: number, message: Reply): Promise<void> {
    const parts = message.image ? (await this.sendPhoto(chatId, message, {}))?.rest : undefined;
    if (parts) {
      if (parts.length === 0) {
        // The photo carries everything; the message that showed progress would only be stale.
        await this.api.deleteMessage(chatId, messageId).catch((error) => this.log.debug(describeError(error), 'could not delete the progress message'));
        return;
      }
      await this.editThenSend(chatId, messageId, parts, this.keyboard(message.buttons));
      return;
    }
    const text = imageAsText(message);
    await this.editThenSend(chatId, messageId, withFallback(renderHtmlMessages(text), text), this.keyboard(message.buttons));
  }

  /** Edits a message to show one HTML text; returns false when it cannot be edited. */
  async edit(chatId: ChatId, messageId: number, html: string, keyboard?: InlineKeyboardMarkup): Promise<boolean> {
    try {
      await this.api.editMessageText(chatId, messageId, html, { parse_mode: 'HTML', reply_markup: keyboard });
      return true;
    } catch (error) {
      if (isNotModified(error)) return true;
      if (isUneditable(error)) return false;
      throw error;
    }
  }

  async sendText(chatId: ChatId, html: string, keyboard: InlineKeyboardMarkup | undefined, placement: Placement): Promise<number> {
    const sent = await this.api.sendMessage(chatId, html, {
      parse_mode: 'HTML',
      reply_markup: keyboard,
      link_preview_options: { is_disabled: true },
      reply_parameters: placement.replyTo ? { message_id: placement.replyTo, allow_sending_without_reply: true } : undefined,
    });
    return sent.message_id;
  }

  private async editThenSend(chatId: ChatId, messageId: number, parts: string[], keyboard: InlineKeyboardMarkup | undefined): Promise<void> {
    const [first, ...more] = parts;
    const edited = await this.edit(chatId, messageId, first!, more.length ? undefined : keyboard);
    if (!edited) {
      await this.sendTexts(chatId, parts, keyboard, {});
      return;
    }
    if (more.length) await this.sendTexts(chatId, more, keyboard, {});
  }

  async sendTexts(chatId: ChatId, parts: string[], keyboard: InlineKeyboardMarkup | undefined, placement: Placement): Promise<number[]> {
    const ids: number[] = [];
    for (const [index, part] of parts.entries()) {
      const isLast = index === parts.length - 1;
      ids.push(await this.sendText(chatId, part, isLast ? keyboard : undefined, index === 0 ? placement : {}));
    }
    return ids;
  }

  /**
   * Sends the image; returns its message and the text parts still to send (none when the caption held
   * it all), or undefined when Telegram refused the photo (PHOTO_INVALID_DIMENSIONS, 413 too large, no
   * right to send photos in the chat): the caller then sends the Reply as text, with the image's description.
   */
  private async sendPhoto(chatId: ChatId, message: Reply, placement: Placement): Promise<{ id: number; rest: string[] } | undefined> {
    const image = message.image!;
    const { caption, complete } = renderCaption(message);
    try {
      const sent = await this.api.sendPhoto(chatId, new InputFile(Buffer.from(image.png), image.filename), {
        caption: caption || undefined,
        parse_mode: 'HTML',
        reply_markup: complete ? this.keyboard(message.buttons) : undefined,
        reply_parameters: placement.replyTo ? { message_id: placement.replyTo, allow_sending_without_reply: true } : undefined,
      });
      return { id: sent.message_id, rest: complete ? [] : renderHtmlMessages(message) };
    } catch (error) {
      if (!isImageRefusal(error)) throw error;
      this.log.warn({ ...describeError(error), image: image.filename, bytes: image.png.byteLength }, 'Telegram refused the image; sending the reply as text');
      return undefined;
    }
  }
}

/** Telegram refused the picture itself (a Bot API error other than flood control), not the connection. */
export function isImageRefusal(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code !== 429;
}

function texts(ids: number[]): PostedPart[] {
  return ids.map((id) => ({ id, kind: 'text' as const }));
}

/** A text message cannot be empty: a Reply with only buttons still gets a line to hang them on. */
export function withFallback(parts: string[], message: Reply): string[] {
  if (parts.length > 0) return parts;
  return [message.buttons?.length ? 'Choose:' : 'Done.'];
}
