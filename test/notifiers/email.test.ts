import type { ParsedMail } from 'mailparser';
import type { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmailNotifier } from '#notifiers/email.ts';
import type { AlertPayload } from '#domain/alerts/index.ts';
import { createLogger } from '#src/log.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';
import { png } from '#test/support/test-commands.ts';
import { SMTP_USER as USER, smtpUrl, startSmtpServer as startServer } from '#test/support/smtp.ts';

const log = createLogger({ level: 'debug', format: 'json', file: process.env.LOG_FILE });

const payload: AlertPayload = {
  type: 'down',
  status: 'firing',
  severity: 'critical',
  startsAt: '2026-03-01T12:00:00.000Z',
  instance: 'i3',
  message: 'i3 (RTX 4090, vast, $0.42/h) stopped <unexpectedly>',
  alerts: [{ type: 'down', status: 'firing', severity: 'critical', startsAt: '2026-03-01T12:00:00.000Z', instance: 'i3', message: 'i3 (RTX 4090, vast, $0.42/h) stopped <unexpectedly>' }],
};

describe('email notifier', () => {
  const received: { envelopeTo: string[]; mail: ParsedMail }[] = [];
  let server: SMTPServer;
  let port = 0;
  beforeAll(async () => {
    ({ server, port } = await startServer(received));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('delivers the alert with HTML, text and the chart as an inline PNG, to a real SMTP server', async () => {
    const notifier = new EmailNotifier({ smtpUrl: smtpUrl(port), from: 'ComputeHub <alerts@example.test>', log, timeoutMs: 5_000 });
    const chart = png();
    const result = await notifier.send({ id: 'alert_ab12_1', to: ['ops@example.test', 'lead@example.test'], payload, chart });
    notifier.close();
    expect(result).toEqual({ outcome: 'delivered' });
    const { envelopeTo, mail } = received.at(-1)!;
    expect(envelopeTo).toEqual(['ops@example.test', 'lead@example.test']);
    expect(mail.messageId).toBe('<alert_ab12_1@computehub>');
    expect(mail.from?.value).toEqual([{ name: 'ComputeHub', address: 'alerts@example.test' }]);
    expect(mail.subject).toBe('[FIRING] critical: down — instance i3: i3 (RTX 4090, vast, $0.42/h) stopped <unexpectedly>');
    expect(mail.text).toContain('[critical] i3 (RTX 4090, vast, $0.42/h) stopped <unexpectedly>');
    expect(mail.html).toContain('stopped &lt;unexpectedly&gt;');
    expect(mail.html).toContain('<img src="cid:chart@computehub"');
    expect(mail.attachments).toHaveLength(1);
    const [image] = mail.attachments;
    expect(image).toMatchObject({ contentType: 'image/png', cid: 'chart@computehub', contentDisposition: 'inline' });
    expect(image!.content.equals(chart)).toBe(true);
  });

  it('sends the resolution as a reply to the alert it resolves', async () => {
    const notifier = new EmailNotifier({ smtpUrl: smtpUrl(port), from: 'alerts@example.test', log, timeoutMs: 5_000 });
    const resolved: AlertPayload = { ...payload, status: 'resolved', endsAt: '2026-03-01T12:40:00.000Z', alerts: payload.alerts.map((alert) => ({ ...alert, status: 'resolved' as const })) };
    expect(await notifier.send({ id: 'alert_ab12_2', to: ['ops@example.test'], payload: resolved, follows: ['alert_ab12_1'] })).toEqual({ outcome: 'delivered' });
    notifier.close();
    const { mail } = received.at(-1)!;
    expect(mail.subject).toMatch(/^\[RESOLVED\] critical: down/);
    expect(mail.inReplyTo).toBe('<alert_ab12_1@computehub>');
    expect(mail.text).toContain('resolved 2026-03-01T12:40:00.000Z');
    expect(mail.attachments).toHaveLength(0);
  });

  it('reports a wrong password as permanent without ever showing it', async () => {
    const wrong = `smtp://${encodeURIComponent(USER)}:${encodeURIComponent(`${TEST_SECRETS.smtpPassword}x`)}@127.0.0.1:${port}`;
    const notifier = new EmailNotifier({ smtpUrl: wrong, from: 'alerts@example.test', log, timeoutMs: 5_000 });
    const result = await notifier.send({ id: 'alert_auth_1', to: ['ops@example.test'], payload });
    notifier.close();
    expect(result).toMatchObject({ outcome: 'permanent', reason: expect.stringContaining(`127.0.0.1:${port} refused the login`) });
    expect(JSON.stringify(result)).not.toContain(TEST_SECRETS.smtpPassword);
  });

  it('tells a temporary refusal (4xx) from a permanent one (5xx), and retries an unreachable server', async () => {
    const results = [];
    for (const reject of [{ code: 451, message: 'Try again later' }, { code: 550, message: 'Mailbox unavailable' }]) {
      const other = await startServer([], reject);
      const notifier = new EmailNotifier({ smtpUrl: smtpUrl(other.port), from: 'alerts@example.test', log, timeoutMs: 5_000 });
      results.push(await notifier.send({ id: `alert_rej_${reject.code}`, to: ['ops@example.test'], payload }));
      notifier.close();
      await new Promise<void>((resolve) => other.server.close(() => resolve()));
    }
    expect(results.map((result) => result.outcome)).toEqual(['retryable', 'permanent']);
    const closed = await startServer([]);
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    const notifier = new EmailNotifier({ smtpUrl: `smtp://127.0.0.1:${closed.port}`, from: 'alerts@example.test', log, timeoutMs: 2_000 });
    expect(await notifier.send({ id: 'alert_down_1', to: ['ops@example.test'], payload })).toMatchObject({ outcome: 'retryable' });
    notifier.close();
  });
});
