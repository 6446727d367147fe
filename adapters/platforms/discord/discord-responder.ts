// Answers one interaction within Discord's rules: an interaction must be acknowledged within 3
// seconds or its token dies, it is acknowledged exactly once, and everything after that is an edit
// of the original response or a follow-up. Commands take as long as they take, so the answer is
// deferred when the command has not finished quickly, progress edits the one original response,
// and the final Reply replaces it. Calls are queued so a deferral, a progress edit and the final
// answer never race each other.
import { MessageFlags, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { imageAsText, type Reply } from '#core/reply.ts';
import type { Logger } from '#src/log.ts';
import type { PreparedAnswer } from '../reply-step.ts';
import type { ButtonEffect, DiscordMessage } from './discord-render.ts';

export type AnswerableInteraction = ChatInputCommandInteraction | ButtonInteraction;

/** Keeps what is worth logging from a failed Discord call; never the URL (it holds the interaction token) or the body. */
export function describeDiscordError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: String(error) };
  const { status, code, method } = error as { status?: number; code?: number | string; method?: string };
  return { name: error.name, message: error.message, status, code, method };
}

/** Discord refused what was sent (400 bad form, 413 too large), as opposed to an outage or a dead token. */
export function isRefusal(error: unknown): boolean {
  const status = (error as { status?: number }).status;
  return status === 400 || status === 413;
}

type Acknowledged = 'no' | 'deferred' | 'shown';

export interface ResponderOptions {
  interaction: AnswerableInteraction;
  /** 'update' replaces the message a button sits on; 'reply' answers with a new message. */
  effect: ButtonEffect;
  render: (message: Reply) => DiscordMessage[];
  log: Logger;
  /** Defer after this long without an answer (Discord allows 3 s in all). */
  deferAfterMs: number;
}

export class InteractionResponder {
  private acknowledged: Acknowledged = 'no';
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private finished = false;

  constructor(private readonly options: ResponderOptions) {
    this.timer = setTimeout(() => this.enqueue('defer', () => this.defer()), options.deferAfterMs);
  }

  /** The progress sink handed to the registry: shows the update in the one original response. */
  readonly progress = async (update: Reply): Promise<void> => {
    if (this.finished) return;
    await this.enqueue('progress', async () => {
      const [first] = this.options.render(update);
      if (first) await this.show(first);
    });
  };

  /** An answer for the asker alone is shown ephemerally, so the channel stays clean. */
  async finish(answer: PreparedAnswer): Promise<void> {
    this.finished = true;
    clearTimeout(this.timer);
    await this.enqueue('answer', () => this.answer(answer));
  }

  private enqueue(step: string, work: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(work).catch((error: unknown) => {
      this.options.log.warn({ err: describeDiscordError(error), step, interaction: this.options.interaction.id }, 'Discord did not accept an interaction response');
    });
    return this.queue;
  }

  private async defer(): Promise<void> {
    if (this.acknowledged !== 'no' || this.finished) return;
    const { interaction, effect } = this.options;
    if (effect === 'update' && interaction.isButton()) await interaction.deferUpdate();
    else await interaction.deferReply();
    this.acknowledged = 'deferred';
  }

  /** Puts a message in the original response: the first answer, or an edit of it. */
  private async show(message: DiscordMessage): Promise<void> {
    const { interaction, effect } = this.options;
    if (this.acknowledged === 'no') {
      if (effect === 'update' && interaction.isButton()) await interaction.update(edit(message));
      else await interaction.reply(message);
    } else {
      await interaction.editReply(edit(message));
    }
    this.acknowledged = 'shown';
  }

  private async answer({ message: reply, askerOnly }: PreparedAnswer): Promise<void> {
    const messages = this.options.render(reply);
    if (askerOnly) await this.answerPrivately(messages);
    else await this.answerPublicly(reply, messages);
    // A secret for the asker alone follows as ephemeral messages (allowed in servers and DMs alike).
    const secret = reply.privateReply;
    if (secret) for (const message of this.options.render(secret)) await this.options.interaction.followUp({ ...message, flags: MessageFlags.Ephemeral });
  }

  private async answerPublicly(reply: Reply, messages: DiscordMessage[]): Promise<void> {
    for (const [index, message] of messages.entries()) {
      try {
        await this.post(index, message);
      } catch (error) {
        if (!message.files.length || !isRefusal(error)) throw error;
        // Discord refused the attachment (too large, bad form): the rest goes as text, with the image's description.
        this.options.log.warn({ err: describeDiscordError(error), interaction: this.options.interaction.id }, 'Discord refused the image; sending the reply as text');
        for (const [offset, part] of this.options.render(imageAsText(reply)).slice(index).entries()) await this.post(index + offset, part);
        return;
      }
    }
  }

  private async post(index: number, message: DiscordMessage): Promise<void> {
    if (index === 0) await this.show(message);
    else await this.options.interaction.followUp(message);
  }

  /**
   * Visible only to the asker. An ephemeral message cannot replace a public one (acknowledgements
   * are always public here), so a placeholder (deferral or progress) is removed first; a button's
   * message is left as it was.
   */
  private async answerPrivately(messages: DiscordMessage[]): Promise<void> {
    const { interaction, effect } = this.options;
    const flags = MessageFlags.Ephemeral as const;
    let rest = messages;
    if (this.acknowledged === 'no') {
      await interaction.reply({ ...messages[0]!, flags });
      this.acknowledged = 'shown';
      rest = messages.slice(1);
    } else if (effect === 'reply') {
      await interaction.deleteReply();
    }
    for (const message of rest) await interaction.followUp({ ...message, flags });
  }
}

/** Edits replace everything: attachments not re-sent are dropped, components not given are removed. */
function edit(message: DiscordMessage) {
  return { ...message, content: null, attachments: [] };
}
