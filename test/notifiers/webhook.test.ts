import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWebhookSecret, sendWebhook, signWebhook, webhookSecretKey } from '#notifiers/webhook.ts';
import type { AlertPayload } from '#domain/alerts/index.ts';
import { createLogger } from '#src/log.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';

const log = createLogger({ level: 'debug', format: 'json', file: process.env.LOG_FILE });
const SECRET = `whsec_${Buffer.from(TEST_SECRETS.webhookSecret.padEnd(32, '!')).toString('base64')}`;

const payload: AlertPayload = {
  type: 'down',
  status: 'firing',
  severity: 'critical',
  startsAt: '2026-03-01T12:00:00.000Z',
  instance: 'i3',
  message: 'i3 (RTX 4090, vast) stopped unexpectedly',
  alerts: [],
};

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback receiver that answers each request with the next planned status (then 200). */
class Receiver {
  readonly received: Received[] = [];
  plan: { status: number; headers?: Record<string, string>; hang?: boolean }[] = [];
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        const next = this.plan.shift() ?? { status: 200 };
        if (next.hang) return;
        response.writeHead(next.status, next.headers ?? {}).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('webhook notifier', () => {
  const receiver = new Receiver();
  let base = '';
  beforeAll(async () => {
    base = await receiver.start();
  });
  afterAll(() => receiver.stop());

  /** standardwebhooks throws unless the signature, id and timestamp are right. */
  const verified = (entry: Received, secret = SECRET) =>
    new Webhook(secret).verify(entry.body, {
      'webhook-id': String(entry.headers['webhook-id']),
      'webhook-timestamp': String(entry.headers['webhook-timestamp']),
      'webhook-signature': String(entry.headers['webhook-signature']),
    });

  it('posts the alert as JSON, signed so that standardwebhooks verifies it', async () => {
    const result = await sendWebhook({ url: `${base}/hooks/computehub?token=abc123def`, secret: SECRET }, 'alert_ab12_1', payload, { log, timeoutMs: 5_000 });
    expect(result).toEqual({ outcome: 'delivered' });
    const entry = receiver.received.at(-1)!;
    expect(entry.path).toBe('/hooks/computehub?token=abc123def');
    expect(entry.headers['content-type']).toBe('application/json');
    expect(entry.headers['webhook-id']).toBe('alert_ab12_1');
    expect(Math.abs(Number(entry.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(verified(entry)).toEqual(payload);
    expect(JSON.parse(entry.body)).toMatchObject({ type: 'down', status: 'firing', severity: 'critical', startsAt: payload.startsAt, instance: 'i3', message: payload.message });
  });

  it('keeps the webhook-id on every retry, re-signs each attempt, and classifies the answers', async () => {
    const target = { url: `${base}/retry`, secret: SECRET };
    receiver.plan = [{ status: 503, headers: { 'retry-after': '7' } }, { status: 429 }, { status: 408 }, { status: 500 }];
    const outcomes = [];
    for (let attempt = 0; attempt < 5; attempt++) outcomes.push(await sendWebhook(target, 'alert_retry_2', { ...payload, status: 'resolved', endsAt: '2026-03-01T12:30:00.000Z' }, { log, timeoutMs: 5_000 }));
    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['retryable', 'retryable', 'retryable', 'retryable', 'delivered']);
    expect(outcomes[0]).toMatchObject({ reason: expect.stringContaining('HTTP 503'), retryAfterMs: 7_000 });
    const attempts = receiver.received.filter((entry) => entry.path === '/retry');
    expect(attempts).toHaveLength(5);
    expect(new Set(attempts.map((entry) => entry.headers['webhook-id']))).toEqual(new Set(['alert_retry_2']));
    for (const entry of attempts) expect(verified(entry)).toMatchObject({ status: 'resolved', endsAt: '2026-03-01T12:30:00.000Z' });
  });

  it('gives up at once on a refusal or a redirect, naming only the origin', async () => {
    for (const status of [400, 401, 404, 410, 301]) {
      receiver.plan = [{ status, headers: status === 301 ? { location: '/elsewhere' } : {} }];
      const result = await sendWebhook({ url: `${base}/secret-path-token`, secret: SECRET }, `alert_x_${status}`, payload, { log, timeoutMs: 5_000 });
      expect(result.outcome).toBe('permanent');
      if (result.outcome !== 'permanent') continue;
      expect(result.reason).toContain(`HTTP ${status}`);
      expect(result.reason).toContain(base);
      expect(result.reason).not.toContain('secret-path-token');
    }
  });

  it('retries a receiver that does not answer in time, or cannot be reached', async () => {
    receiver.plan = [{ status: 200, hang: true }];
    const slow = await sendWebhook({ url: `${base}/slow`, secret: SECRET }, 'alert_slow_1', payload, { log, timeoutMs: 300 });
    expect(slow).toEqual({ outcome: 'retryable', reason: `The webhook at ${base} did not answer within 0.3 s.` });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await sendWebhook({ url: `http://127.0.0.1:${port}/`, secret: SECRET }, 'alert_refused_1', payload, { log, timeoutMs: 2_000 });
    expect(refused).toMatchObject({ outcome: 'retryable', reason: expect.stringContaining('ECONNREFUSED') });
  });

  it('refuses a bad URL or secret without sending anything', async () => {
    const before = receiver.received.length;
    expect(await sendWebhook({ url: 'ftp://example.com/x', secret: SECRET }, 'a', payload, { log, timeoutMs: 1_000 })).toMatchObject({ outcome: 'permanent', reason: expect.stringContaining('http:// or https://') });
    expect(await sendWebhook({ url: `${base}/x`, secret: 'not-a-secret' }, 'a', payload, { log, timeoutMs: 1_000 })).toMatchObject({ outcome: 'permanent', reason: expect.stringContaining('whsec_') });
    expect(receiver.received.length).toBe(before);
  });

  it('generates whsec_ secrets that standardwebhooks signs with exactly as we do', async () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhookSecretKey(secret)).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
    const at = new Date('2026-03-01T12:00:00Z');
    const body = JSON.stringify(payload);
    expect(signWebhook(secret, 'msg_1', at.getTime() / 1000, body)).toBe(new Webhook(secret).sign('msg_1', at, body));
    const result = await sendWebhook({ url: `${base}/generated`, secret }, 'alert_gen_1', payload, { log, timeoutMs: 5_000 });
    expect(result.outcome).toBe('delivered');
    expect(verified(receiver.received.at(-1)!, secret)).toEqual(payload);
  });
});
