// One message that shows one flow: the first progress update posts it (or takes over the message
// whose button was pressed), later updates edit it, and the final Reply replaces it. Updates that
// arrive faster than Telegram lets a bot edit are coalesced: only the newest is shown.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Reply } from '#core/reply.ts';
import type { Logger } from '#src/log.ts';
import { renderHtmlMessages } from './telegram-html.ts';
import { describeError, type ChatId, type Placement, type TelegramSender } from './telegram-send.ts';

export interface SlotOptions extends Placement {
  /** An existing bot message to edit from the start (the one whose button was pressed). */
  messageId?: number;
  /** Least time between two edits of the message. */
  intervalMs: number;
}

export class MessageSlot {
  private messageId: number | undefined;
  private pending: Reply | undefined;
  private pumping: Promise<void> | undefined;
  private lastShownAt = 0;
  private readonly finished = new AbortController();

  constructor(
    private readonly sender: TelegramSender,
    private readonly chatId: ChatId,
    private readonly options: SlotOptions,
    private readonly log: Logger,
  ) {
    this.messageId = options.messageId;
  }

  /** The ProgressSink handed to the registry: returns at once, the edit follows in the background. */
  readonly progress = async (update: Reply): Promise<void> => {
    if (this.finished.signal.aborted) return;
    this.pending = update;
    this.pumping ??= this.pump().finally(() => {
      this.pumping = undefined;
      if (this.pending && !this.finished.signal.aborted) void this.progress(this.pending);
    });
  };

  /** Shows the final Reply: in the flow's message when there is one, else as a new message. */
  async finish(message: Reply): Promise<void> {
    this.finished.abort();
    this.pending = undefined;
    await this.pumping;
    if (this.messageId === undefined) await this.sender.send(this.chatId, message, this.options);
    else await this.sender.replace(this.chatId, this.messageId, message);
  }

  private async pump(): Promise<void> {
    while (this.pending && !this.finished.signal.aborted) {
      const wait = this.lastShownAt + this.options.intervalMs - Date.now();
      if (wait > 0) {
        try {
          await sleep(wait, undefined, { signal: this.finished.signal });
        } catch {
          return; // finished while waiting: the final Reply supersedes this update
        }
      }
      const update = this.pending;
      this.pending = undefined;
      if (!update) return;
      try {
        await this.show(update);
      } catch (error) {
        this.log.warn(describeError(error), 'Telegram progress update failed');
      }
      this.lastShownAt = Date.now();
    }
  }

  private async show(update: Reply): Promise<void> {
    const [html = '…'] = renderHtmlMessages({ ...update, image: undefined });
    const keyboard = this.sender.keyboard(update.buttons);
    if (this.messageId !== undefined && (await this.sender.edit(this.chatId, this.messageId, html, keyboard))) return;
    this.messageId = await this.sender.sendText(this.chatId, html, keyboard, this.options);
  }
}
