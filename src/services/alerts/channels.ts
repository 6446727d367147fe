// Notify channels (`notify add | list | remove`): where an org's alerts go, which kinds and from
// which severity. A webhook's URL (it may carry a token) and signing secret are sealed in the vault.
import { UsageError, UserError } from '#core/errors.ts';
import { SEVERITIES, type Delivery, type Severity } from '#domain/alerts/index.ts';
import type { Db } from '#store/db.ts';
import type { NotifyChannel, NotifyTarget } from '#store/alerts-schema.ts';
import type { Vault } from '#store/vault.ts';
import { generateWebhookSecret, webhookSecretKey, webhookUrlProblem, WebhookSecretError } from '#notifiers/webhook.ts';
import { ALERT_KINDS, atLeast } from './kinds.ts';
import { dropChannel } from './outbox.ts';

export type ChannelTargetRequest =
  | { type: 'chat'; platform: string; chatId: string }
  | { type: 'email'; address: string }
  | { type: 'webhook'; url: string; secret?: string | undefined };

export interface ChannelRequest {
  target: ChannelTargetRequest;
  /** Event kinds; undefined: all. */
  events?: string[] | undefined;
  minSeverity?: Severity | undefined;
  by: string;
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/** Adds a channel; with a webhook and no secret, the generated secret to show once. */
export async function addChannel(db: Db, vault: Vault, orgId: string, request: ChannelRequest, smtpReady: boolean, nowIso: string): Promise<{ channel: NotifyChannel; generatedSecret?: string }> {
  const events = request.events?.map((kind) => kind.trim().toLowerCase()).filter(Boolean);
  const unknown = events?.filter((kind) => !ALERT_KINDS.includes(kind)) ?? [];
  if (unknown.length) throw new UsageError(`Unknown event kind ${unknown.join(', ')}. Use some of: ${ALERT_KINDS.join(', ')}.`);
  const target = request.target;
  if (target.type === 'email') {
    if (!smtpReady) throw new UserError('Email alerts need an SMTP server: set SMTP_URL (e.g. smtp://user:password@host:587) and SMTP_FROM in the configuration, then restart.');
    if (!EMAIL.test(target.address)) throw new UsageError(`${target.address} is not an email address, e.g. ops@example.com.`);
  }
  let generatedSecret: string | undefined;
  let webhook: { url: string; secret: string } | undefined;
  if (target.type === 'webhook') {
    const problem = webhookUrlProblem(target.url);
    if (problem) throw new UsageError(problem);
    try {
      if (target.secret) webhookSecretKey(target.secret);
    } catch (error) {
      if (error instanceof WebhookSecretError) throw new UsageError(error.message);
      throw error;
    }
    generatedSecret = target.secret ? undefined : generateWebhookSecret();
    webhook = { url: target.url, secret: target.secret ?? generatedSecret! };
  }
  const duplicate = db.data.notifyChannels.find((channel) => channel.orgId === orgId && sameTarget(channel.target, target, vault, channel));
  if (duplicate) throw new UserError(`That is already ${duplicate.id} (${describeTarget(duplicate.target)}). Remove it first to change it: notify remove ${duplicate.id}`);
  const channel = await db.update((data) => {
    const number = (data.alerts.channelCounters[orgId] ?? 0) + 1;
    data.alerts.channelCounters[orgId] = number;
    const id = `n${number}`;
    const stored: NotifyTarget = webhook
      ? { type: 'webhook', origin: new URL(webhook.url).origin, urlSealed: vault.seal(purpose(orgId, id, 'url'), webhook.url), secretSealed: vault.seal(purpose(orgId, id, 'secret'), webhook.secret) }
      : (target as NotifyTarget);
    const record: NotifyChannel = { orgId, id, target: stored, events: events?.length ? events : null, minSeverity: request.minSeverity ?? 'info', createdBy: request.by, createdAt: nowIso };
    data.notifyChannels.push(record);
    return record;
  });
  return { channel, ...(generatedSecret && { generatedSecret }) };
}

export async function removeChannel(db: Db, orgId: string, id: string): Promise<NotifyChannel> {
  const found = findChannel(db, orgId, id);
  await db.update((data) => {
    data.notifyChannels = data.notifyChannels.filter((channel) => !(channel.orgId === orgId && channel.id === found.id));
    dropChannel(data.alerts, orgId, found.id);
  });
  return found;
}

export function findChannel(db: Db, orgId: string, id: string): NotifyChannel {
  const found = db.data.notifyChannels.find((channel) => channel.orgId === orgId && channel.id === id.toLowerCase());
  if (!found) throw new UserError(`There is no notify channel ${id} in this org. See them with: notify list`);
  return found;
}

/** Whether this channel takes an alert of this kind and severity. */
export function accepts(channel: NotifyChannel, kind: string, severity: Severity): boolean {
  return (channel.events === null || channel.events.includes(kind)) && atLeast(severity, channel.minSeverity);
}

/** The org's channels that take at least one alert of the delivery. */
export function channelsFor(channels: readonly NotifyChannel[], delivery: Delivery): NotifyChannel[] {
  return channels.filter((channel) => channel.orgId === delivery.orgId && delivery.alerts.some((alert) => accepts(channel, alert.kind, alert.severity)));
}

export function webhookSecrets(vault: Vault, channel: NotifyChannel): { url: string; secret: string } {
  if (channel.target.type !== 'webhook') throw new Error(`${channel.id} is not a webhook`);
  return { url: vault.open(purpose(channel.orgId, channel.id, 'url'), channel.target.urlSealed), secret: vault.open(purpose(channel.orgId, channel.id, 'secret'), channel.target.secretSealed) };
}

/** A channel in words, secrets left out: "telegram chat -100123", "email ops@example.com", "webhook https://hooks.example.com". */
export function describeTarget(target: NotifyTarget): string {
  if (target.type === 'chat') return `${target.platform} chat ${target.chatId}`;
  if (target.type === 'email') return `email ${target.address}`;
  return `webhook ${target.origin}`;
}

export function describeFilter(channel: NotifyChannel): string {
  const kinds = channel.events ? channel.events.join(', ') : 'all events';
  return channel.minSeverity === SEVERITIES[0] ? kinds : `${kinds}, ${channel.minSeverity} and above`;
}

function sameTarget(stored: NotifyTarget, wanted: ChannelTargetRequest, vault: Vault, channel: NotifyChannel): boolean {
  if (stored.type === 'chat' && wanted.type === 'chat') return stored.platform === wanted.platform && stored.chatId === wanted.chatId;
  if (stored.type === 'email' && wanted.type === 'email') return stored.address.toLowerCase() === wanted.address.toLowerCase();
  if (stored.type === 'webhook' && wanted.type === 'webhook') return stored.origin === new URL(wanted.url).origin && webhookSecrets(vault, channel).url === wanted.url;
  return false;
}

function purpose(orgId: string, id: string, part: 'url' | 'secret'): string {
  return `notify:${orgId}:${id}:${part}`;
}
