// Alerts (Pro): events become alerts grouped the Alertmanager way (src/domain/alerts), due groups
// are flushed into a durable outbox, and the outbox is drained to the org's notify channels: chat
// (through a ChatSender src/main.ts wires to the platforms), email, signed webhooks. `tick` does
// both and never overlaps itself; the scheduler calls it every few seconds.
import { randomBytes } from 'node:crypto';
import type { Config } from '#src/config.ts';
import { DEFAULT_GROUPING, nextFlushAt, type AlertEvent, type Delivery, type GroupingParams } from '#domain/alerts/index.ts';
import type { Logger } from '#src/log.ts';
import type { Db } from '#store/db.ts';
import type { EventChannel } from '#store/automation-schema.ts';
import type { NotifyChannel, OutboxEntry } from '#store/alerts-schema.ts';
import type { Vault } from '#store/vault.ts';
import { EmailNotifier } from '#notifiers/email.ts';
import type { AutomationEvent } from '../automation/index.ts';
import { accepts, addChannel, findChannel, removeChannel, type ChannelRequest } from './channels.ts';
import { alertInput, goneInstanceResolutions, kindsResolvedBy, resolutionEvents } from './from-events.ts';
import { ALERT_SEVERITY } from './kinds.ts';
import { entriesByChannel, entryId, newEntry, pruneSent, recordDelivered, recordFailure } from './outbox.ts';
import { flushIntoOutbox, receiveAll } from './pipeline.ts';
import { ChatRateLimits } from './rate-limits.ts';
import { attempt, type AlertChart, type AlertRenderer, type ChatSender, type SenderDeps } from './senders.ts';
import { Mutes } from './mutes.ts';
import { deployAlert, keyFailingNotices, licenceNotices, takeDaily, type DailyNotice } from './sources.ts';
import type { InstanceRecord } from '#store/fleet-schema.ts';
import type { SyncReport } from '../fleet/sync.ts';

export type { ChatSender, ChatAddress, AlertRenderer, AlertChart } from './senders.ts';
export { describeTarget, describeFilter } from './channels.ts';
export { ALERT_KINDS } from './kinds.ts';

export interface AlertServiceOptions {
  config: Pick<Config, 'ALERT_GROUP_WAIT_SECONDS' | 'ALERT_GROUP_INTERVAL_SECONDS' | 'ALERT_REPEAT_INTERVAL_SECONDS' | 'SMTP_URL' | 'SMTP_FROM' | 'HTTP_TIMEOUT_MS'>;
  db: Db;
  vault: Vault;
  /** The chat message of a delivery (src/services/alerts/alert-renderer.ts: chart and buttons). */
  render: AlertRenderer;
  /** The chart of a delivery alone (inline in the email). */
  chart: AlertChart;
  log: Logger;
  now: () => Date;
  /** When the licence in force ends, if it does (its alert comes a week before). */
  licenceExpiry?: () => string | undefined;
}

/** What `notify status` shows of one org's outbox. */
export interface OutboxStatus {
  pending: OutboxEntry[];
  retrying: OutboxEntry[];
  dead: { id: string; channelId: string; failedAt: string; attempts: number; reason: string; label: string }[];
}

export class AlertService {
  readonly grouping: GroupingParams;
  readonly mutes: Mutes;
  private readonly email: EmailNotifier | undefined;
  private readonly limits = new ChatRateLimits();
  private chat: ChatSender | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: AlertServiceOptions) {
    const { config } = options;
    this.grouping = {
      ...DEFAULT_GROUPING,
      groupWaitMs: config.ALERT_GROUP_WAIT_SECONDS * 1000,
      groupIntervalMs: config.ALERT_GROUP_INTERVAL_SECONDS * 1000,
      repeatIntervalMs: config.ALERT_REPEAT_INTERVAL_SECONDS * 1000,
    };
    this.email = config.SMTP_URL && config.SMTP_FROM ? new EmailNotifier({ smtpUrl: config.SMTP_URL, from: config.SMTP_FROM, log: options.log, timeoutMs: config.HTTP_TIMEOUT_MS }) : undefined;
    this.mutes = new Mutes(options.db, options.now);
  }

  /** The chat platforms (src/main.ts); until set, chat deliveries wait in the outbox. */
  setChatSender(sender: ChatSender): void {
    this.chat = sender;
  }

  get emailReady(): boolean {
    return this.email !== undefined;
  }

  // Events in

  /** The automation's listener: records the event as an alert; answers the chat channels that will show it. */
  async hear(event: AutomationEvent): Promise<EventChannel[]> {
    const channels = this.channels(event.orgId);
    const input = channels.length ? alertInput(event, this.options.db.data) : undefined;
    if (!input) return [];
    if (input.type === 'fire') {
      await this.raise(input.event);
      return chatChannels(channels.filter((channel) => accepts(channel, input.event.kind, input.event.severity)));
    }
    const nowMs = this.options.now().getTime();
    await this.options.db.update((data) => receiveAll(data, resolutionEvents(data.alerts.state, input.resolution), nowMs, this.grouping));
    const kinds = kindsResolvedBy(input.resolution.ruleId);
    return chatChannels(channels.filter((channel) => kinds.some((kind) => accepts(channel, kind, ALERT_SEVERITY[kind]!))));
  }

  /** Records an alert from any source (deploy outcomes, provider keys, the licence). */
  async raise(event: AlertEvent): Promise<void> {
    if (this.channels(event.orgId).length === 0) return;
    const nowMs = this.options.now().getTime();
    await this.options.db.update((data) => receiveAll(data, [event], nowMs, this.grouping));
  }

  /** The fleet's deploy outcome listener: a deploy that ended goes to the org's channels. */
  deployOutcome(record: InstanceRecord): void {
    const event = deployAlert(record, this.options.now().toISOString());
    if (event) this.raise(event).catch((error: unknown) => this.options.log.error({ err: error, instanceId: record.id }, 'could not record a deploy alert'));
  }

  /** After each sync: a provider that refused an org's key (once a day). */
  afterSync(report: Pick<SyncReport, 'failed'>): Promise<void> {
    return this.raiseDaily(keyFailingNotices(report, this.options.now().toISOString()));
  }

  private async raiseDaily(notices: readonly DailyNotice[]): Promise<void> {
    const nowMs = this.options.now().getTime();
    const today = new Date(nowMs).toISOString().slice(0, 10);
    const wanted = notices.filter((notice) => this.channels(notice.event.orgId).length > 0 && this.options.db.data.alerts.noticeDays[notice.key] !== today);
    if (wanted.length === 0) return;
    await this.options.db.update((data) => receiveAll(data, takeDaily(data, wanted, nowMs), nowMs, this.grouping));
  }

  // The scheduler's job

  /** Flushes the groups that are due into the outbox, then makes the deliveries that are due. Never two at once. */
  tick(): Promise<void> {
    this.running ??= this.tickOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async tickOnce(): Promise<void> {
    const { db } = this.options;
    const nowMs = this.options.now().getTime();
    await this.raiseDaily(licenceNotices(db.data, this.options.licenceExpiry?.(), nowMs));
    const ended = goneInstanceResolutions(db.data.alerts.state, db.data, new Date(nowMs).toISOString());
    const due = nextFlushAt(db.data.alerts.state);
    if (ended.length || (due !== null && due <= nowMs)) {
      await db.update((data) => {
        receiveAll(data, ended, nowMs, this.grouping);
        flushIntoOutbox(data, nowMs, this.grouping);
        pruneSent(data.alerts, nowMs);
      });
    }
    await this.drain();
  }

  private async drain(): Promise<void> {
    const byChannel = entriesByChannel(this.options.db.data.alerts.outbox);
    await Promise.all([...byChannel.values()].map((entries) => this.drainChannel(entries)));
  }

  /** In order: a later delivery (an edit) waits for the earlier ones of its channel. */
  private async drainChannel(entries: OutboxEntry[]): Promise<void> {
    const { db, log } = this.options;
    for (const entry of entries) {
      const nowMs = this.options.now().getTime();
      if (Date.parse(entry.nextAttemptAt) > nowMs) return;
      const channel = db.data.notifyChannels.find((candidate) => candidate.orgId === entry.orgId && candidate.id === entry.channelId);
      if (!channel) {
        await db.update((data) => recordDelivered(data.alerts, entry, undefined, new Date(nowMs).toISOString()));
        continue;
      }
      const chat = channel.target.type === 'chat' ? channel.target : undefined;
      const messages = chat ? Math.max(1, entry.delivery.edits.length) : 0;
      if (chat && this.limits.waitMs(chat.platform, chat.chatId, nowMs, messages) > 0) return;
      const result = await attempt(entry, channel, this.senderDeps());
      const doneMs = this.options.now().getTime();
      if (chat) this.limits.record(chat.platform, chat.chatId, doneMs, result.messages ?? messages);
      if (result.outcome === 'delivered') {
        await db.update((data) => recordDelivered(data.alerts, entry, chat ? (result.messageId ?? null) : undefined, new Date(doneMs).toISOString()));
        continue;
      }
      const dead = await db.update((data) => recordFailure(data.alerts, entry, { permanent: result.outcome === 'permanent', reason: result.reason, retryAfterMs: result.outcome === 'retryable' ? result.retryAfterMs : undefined }, doneMs));
      log.warn({ entry: entry.id, channel: channel.id, outcome: result.outcome, dead, reason: result.reason }, dead ? 'alert delivery dead-lettered' : 'alert delivery failed; retrying later');
      if (!dead) return;
    }
  }

  private senderDeps(): SenderDeps {
    const { db, vault, log, config } = this.options;
    return {
      chat: this.chat,
      email: this.email,
      vault,
      log,
      render: this.options.render,
      chart: this.options.chart,
      webhookTimeoutMs: config.HTTP_TIMEOUT_MS,
      postedMessage: (deliveryKey, channel) => db.data.alerts.sent.find((sent) => sent.orgId === channel.orgId && sent.channelId === channel.id && sent.deliveryKey === deliveryKey)?.messageId ?? null,
    };
  }

  // Channels

  channels(orgId: string): NotifyChannel[] {
    return this.options.db.data.notifyChannels.filter((channel) => channel.orgId === orgId);
  }

  addChannel(orgId: string, request: ChannelRequest): Promise<{ channel: NotifyChannel; generatedSecret?: string }> {
    return addChannel(this.options.db, this.options.vault, orgId, request, this.emailReady, this.options.now().toISOString());
  }

  removeChannel(orgId: string, id: string): Promise<NotifyChannel> {
    return removeChannel(this.options.db, orgId, id);
  }

  /** Sends a test alert to one channel (or all of the org's) at once; answers what became of each. */
  async test(orgId: string, id?: string): Promise<{ channel: NotifyChannel; outcome: 'delivered' | 'retrying' | 'failed'; reason?: string }[]> {
    const channels = id ? [findChannel(this.options.db, orgId, id)] : this.channels(orgId);
    const nowIso = this.options.now().toISOString();
    const delivery: Delivery = {
      key: `test_${randomBytes(6).toString('hex')}`,
      groupKey: `${orgId}/test`,
      orgId,
      label: 'test',
      status: 'firing',
      severity: 'info',
      reason: 'new',
      edits: [],
      alerts: [{ key: `${orgId}/test`, kind: 'test', severity: 'info', orgId, status: 'firing', startsAt: nowIso, message: 'Test alert from ComputeHub: alerts reach this channel.', shown: true }],
      at: nowIso,
    };
    await this.options.db.update((data) => {
      for (const channel of channels) data.alerts.outbox.push(newEntry(delivery, channel, nowIso));
    });
    // A tick already running may have read the outbox before these entries: the next one has them.
    await this.tick();
    await this.tick();
    const { outbox, deadLetters } = this.options.db.data.alerts;
    return channels.map((channel) => {
      const entryKey = entryId(delivery.key, channel.id);
      const waiting = outbox.find((entry) => entry.id === entryKey);
      const dead = deadLetters.find((entry) => entry.id === entryKey);
      if (dead) return { channel, outcome: 'failed', reason: dead.reason };
      if (waiting) return { channel, outcome: 'retrying', reason: waiting.lastError ?? 'waiting for its turn (rate limit)' };
      return { channel, outcome: 'delivered' };
    });
  }

  status(orgId: string): OutboxStatus {
    const { outbox, deadLetters } = this.options.db.data.alerts;
    const own = outbox.filter((entry) => entry.orgId === orgId);
    return {
      pending: own.filter((entry) => entry.attempts === 0),
      retrying: own.filter((entry) => entry.attempts > 0),
      dead: deadLetters.filter((entry) => entry.orgId === orgId).map((entry) => ({ id: entry.id, channelId: entry.channelId, failedAt: entry.failedAt, attempts: entry.attempts, reason: entry.reason, label: entry.delivery.label })),
    };
  }

  close(): void {
    this.email?.close();
  }
}

function chatChannels(channels: readonly NotifyChannel[]): EventChannel[] {
  return channels.flatMap((channel) => (channel.target.type === 'chat' ? [{ platform: channel.target.platform, id: channel.target.chatId }] : []));
}
