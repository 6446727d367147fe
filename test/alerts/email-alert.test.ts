// Email alerts end to end: nodemailer through a real SMTP server on loopback. The instance's GPU
// chart arrives as an inline PNG; the resolution arrives as a reply to the alert it resolves.
import type { ParsedMail } from 'mailparser';
import type { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpUrl, startSmtpServer } from '#test/support/smtp.ts';
import { alertApp, automationEvent, clock, tickFor } from './support.ts';

const received: { envelopeTo: string[]; mail: ParsedMail }[] = [];
let server: SMTPServer;
let port = 0;
beforeAll(async () => {
  ({ server, port } = await startSmtpServer(received));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('email alerts', () => {
  it('without SMTP_URL, notify add email says what to set', async () => {
    const app = await alertApp(clock());
    const added = await app.run('notify add email ops@example.test');
    await app.close();
    expect(added.outcome).toBe('failed');
    expect(added.reply.text).toContain('set SMTP_URL');
  });

  it('a down alert reaches the mailbox with the GPU chart inline; its resolution follows as a reply', async () => {
    const time = clock();
    const app = await alertApp(time, { SMTP_URL: smtpUrl(port), SMTP_FROM: 'ComputeHub <alerts@example.test>' });
    try {
      expect((await app.run('notify add email ops@example.test severity=warning')).outcome).toBe('ok');
      for (let minute = 60; minute > 0; minute -= 5) {
        await app.services.db.series.metrics.append({ orgId: 'default', instanceId: 'i3', at: new Date(time.nowMs - minute * 60_000).toISOString(), gpuUtilPercent: 90 - minute / 2, gpuTempC: 70 + minute / 10 });
      }
      await app.services.alerts.hear(automationEvent(time, { kind: 'down', ruleId: 'watch', instanceId: 'i3', message: 'i3 (trainer) is down: vast reports it exited.' }));
      await tickFor(app, time, 35_000);
      expect(received).toHaveLength(1);
      const { envelopeTo, mail } = received[0]!;
      expect(envelopeTo).toEqual(['ops@example.test']);
      expect(mail.subject).toBe('[FIRING] critical: down — instance i3: i3 (trainer) is down: vast reports it exited.');
      expect(mail.html).toContain('<img src="cid:chart@computehub"');
      expect(mail.attachments).toHaveLength(1);
      const [chart] = mail.attachments;
      expect(chart).toMatchObject({ contentType: 'image/png', cid: 'chart@computehub', contentDisposition: 'inline' });
      expect(chart!.content.subarray(1, 4).toString()).toBe('PNG');
      expect(chart!.content.length).toBeGreaterThan(5_000);

      // Info alerts are below this channel's severity: nothing is sent for them.
      await app.services.alerts.hear(automationEvent(time, { kind: 'restarted', ruleId: 'watch', instanceId: 'i3', message: 'restarted i3 (attempt 1 of 3).' }));
      await app.services.alerts.hear(automationEvent(time, { kind: 'resolved', ruleId: 'watch', instanceId: 'i3', message: 'i3 (trainer) is running again.' }));
      await tickFor(app, time, 6 * 60_000);
      expect(received).toHaveLength(2);
      const resolved = received[1]!.mail;
      expect(resolved.subject).toMatch(/^\[RESOLVED\] critical: down — instance i3/);
      expect(resolved.inReplyTo).toBe(mail.messageId);
    } finally {
      await app.close();
    }
  });
});
