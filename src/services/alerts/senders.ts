// One attempt of one outbox entry on its channel: a chat post (or an edit of the messages the
// group posted there before), an email, a signed webhook. Never throws: the answer says whether it
// was made, or why not and whether another attempt may help.
import type { Reply, ReplyImage } from '#core/reply.ts';
import { alertPayload, type Delivery } from '#domain/alerts/index.ts';
import { scrubSecrets, type Logger } from '#src/log.ts';
import type { NotifyChannel, OutboxEntry } from '#store/alerts-schema.ts';
import type { Vault } from '#store/vault.ts';
import type { EmailNotifier } from '#notifiers/email.ts';
import type { NotifyResult } from '#notifiers/types.ts';
import { sendWebhook } from '#notifiers/webhook.ts';
import { webhookSecrets } from './channels.ts';
import { entryId } from './outbox.ts';

export interface ChatAddress {
  platform: string;
  id: string;
}

/** The chat platforms as alerts see them; src/main.ts wires it. */
export interface ChatSender {
  /** Posts a message; its id when the platform can edit it later (null: it cannot). */
  post(channel: ChatAddress, message: Reply): Promise<{ messageId: string | null }>;
  edit(channel: ChatAddress, messageId: string, message: Reply): Promise<void>;
}

/** Draws a delivery as the chat message: its facts, chart and buttons (alert-renderer.ts). */
export type AlertRenderer = (delivery: Delivery) => Promise<Reply>;

/** The chart an alert shows (inline in the email). */
export type AlertChart = (delivery: Delivery) => Promise<ReplyImage | undefined>;

export interface SenderDeps {
  chat: ChatSender | undefined;
  email: EmailNotifier | undefined;
  vault: Vault;
  log: Logger;
  render: AlertRenderer;
  chart: AlertChart;
  webhookTimeoutMs: number;
  /** The chat message an earlier delivery posted on this channel, if it is known and editable. */
  postedMessage: (deliveryKey: string, channel: NotifyChannel) => string | null;
}

/** What an attempt came to; `messageId` (chat only) is the message a later edit changes. */
export type Attempt = NotifyResult & { messages?: number; messageId?: string | null };

export async function attempt(entry: OutboxEntry, channel: NotifyChannel, deps: SenderDeps): Promise<Attempt> {
  const target = channel.target;
  if (target.type === 'chat') return attemptChat(entry, { platform: target.platform, id: target.chatId }, channel, deps);
  if (target.type === 'email') {
    if (!deps.email) return { outcome: 'permanent', reason: 'Email alerts need SMTP_URL and SMTP_FROM set in the configuration.' };
    const chart = await deps.chart(entry.delivery).catch((error: unknown) => {
      deps.log.warn({ err: error, entry: entry.id }, 'the alert chart could not be drawn; the email goes without it');
      return undefined;
    });
    const follows = entry.delivery.edits.map((key) => entryId(key, channel.id));
    return deps.email.send({ id: entry.id, to: [target.address], payload: alertPayload(entry.delivery), chart: chart ? Buffer.from(chart.png) : undefined, follows });
  }
  let secrets: { url: string; secret: string };
  try {
    secrets = webhookSecrets(deps.vault, channel);
  } catch (error) {
    return { outcome: 'permanent', reason: (error as Error).message };
  }
  return sendWebhook(secrets, entry.id, alertPayload(entry.delivery), { log: deps.log, timeoutMs: deps.webhookTimeoutMs });
}

/** Edits the group's earlier messages here when they are known, else posts (a resolution then says "resolved" anew). */
async function attemptChat(entry: OutboxEntry, address: ChatAddress, channel: NotifyChannel, deps: SenderDeps): Promise<Attempt> {
  if (!deps.chat) return { outcome: 'retryable', reason: 'No chat platform is connected yet.' };
  try {
    const message = await deps.render(entry.delivery);
    const earlier = entry.delivery.edits.map((key) => deps.postedMessage(key, channel)).filter((id): id is string => id !== null);
    if (earlier.length > 0) {
      for (const messageId of earlier) await deps.chat.edit(address, messageId, message);
      return { outcome: 'delivered', messages: earlier.length, messageId: null };
    }
    const posted = await deps.chat.post(address, message);
    return { outcome: 'delivered', messages: 1, messageId: posted.messageId };
  } catch (error) {
    const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
    return { outcome: 'retryable', reason: `Could not post to ${address.platform}: ${scrubSecrets((error as Error).message ?? String(error)).slice(0, 300)}`, ...(typeof retryAfterMs === 'number' && { retryAfterMs }) };
  }
}
