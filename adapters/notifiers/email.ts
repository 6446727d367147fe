// Email notifier: nodemailer over SMTP_URL (smtp://user:pass@host:587 upgrades with STARTTLS when the
// server offers it; smtps:// is TLS from the start). HTML and text bodies, the chart as an inline PNG.
// The Message-ID is the delivery's idempotency key, and a resolution refers to the message it
// resolves, so mail clients thread them. The password is registered as a secret and never shown.
import nodemailer from 'nodemailer';
import { safeDecode } from '#src/config.ts';
import type { AlertPayload } from '#domain/alerts/index.ts';
import { registerSecret, scrubSecrets, type Logger } from '#src/log.ts';
import { CHART_CID, renderAlertEmail } from './email-render.ts';
import type { NotifyResult } from './types.ts';

export interface EmailSettings {
  /** smtp://user:pass@host:587 or smtps://user:pass@host:465. */
  smtpUrl: string;
  /** The sender, e.g. "ComputeHub <alerts@example.com>". */
  from: string;
  log: Logger;
  /** For connecting, the greeting and each SMTP exchange. */
  timeoutMs: number;
}

export interface AlertEmail {
  /** The delivery's idempotency key: the Message-ID, so a retried email is recognisably the same. */
  id: string;
  to: string[];
  payload: AlertPayload;
  /** A PNG shown inline in the HTML body. */
  chart?: Buffer | undefined;
  /** Idempotency keys of earlier emails this one follows up (a resolution names the alert it resolves). */
  follows?: string[] | undefined;
}

// Transport and connection failures that another attempt may get past.
const RETRYABLE_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL']);

export class EmailNotifier {
  private readonly transport: ReturnType<typeof nodemailer.createTransport>;
  private readonly server: string;

  constructor(private readonly settings: EmailSettings) {
    const url = new URL(settings.smtpUrl);
    registerSecret(settings.smtpUrl);
    registerSecret(url.password);
    registerSecret(safeDecode(url.password));
    this.server = `${url.hostname}:${url.port || (url.protocol === 'smtps:' ? '465' : '587')}`;
    this.transport = nodemailer.createTransport({
      url: settings.smtpUrl,
      connectionTimeout: settings.timeoutMs,
      greetingTimeout: settings.timeoutMs,
      socketTimeout: settings.timeoutMs,
      logger: false,
      debug: false,
    });
  }

  /** One attempt of one email; never throws. */
  async send(email: AlertEmail): Promise<NotifyResult> {
    const rendered = renderAlertEmail(email.payload, email.chart !== undefined);
    const references = (email.follows ?? []).map(messageId);
    try {
      await this.transport.sendMail({
        from: this.settings.from,
        to: email.to,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        messageId: messageId(email.id),
        ...(references.length ? { inReplyTo: references[0], references } : {}),
        attachments: email.chart ? [{ filename: 'chart.png', content: email.chart, contentType: 'image/png', cid: CHART_CID }] : [],
      });
      this.settings.log.debug({ smtp: this.server, id: email.id, to: email.to.length }, 'alert email sent');
      return { outcome: 'delivered' };
    } catch (error) {
      const { code, responseCode } = error as { code?: string; responseCode?: number };
      const said = scrubSecrets((error as Error).message).slice(0, 300);
      this.settings.log.warn({ smtp: this.server, id: email.id, code, responseCode }, 'alert email failed');
      if (code === 'EAUTH') return { outcome: 'permanent', reason: `The SMTP server ${this.server} refused the login (${said}). Check the user and password in SMTP_URL.` };
      if (responseCode !== undefined && responseCode >= 500) return { outcome: 'permanent', reason: `The SMTP server ${this.server} refused the email (${said}).` };
      if ((responseCode !== undefined && responseCode >= 400) || (code !== undefined && RETRYABLE_CODES.has(code))) {
        return { outcome: 'retryable', reason: `Could not send the email through ${this.server} (${said}).` };
      }
      return { outcome: 'permanent', reason: `Could not send the email through ${this.server} (${said}).` };
    }
  }

  close(): void {
    this.transport.close();
  }
}

function messageId(key: string): string {
  return `<${key}@computehub>`;
}
