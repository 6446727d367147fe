// What the alert tests share: an app on a driven clock, automation events as the automation records
// them, a chat that remembers what it was sent, and a Standard Webhooks receiver on loopback that
// verifies every signature with the `standardwebhooks` package.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { Reply } from '#core/reply.ts';
import type { AutomationEvent } from '#services/automation/index.ts';
import type { ChatAddress, ChatSender } from '#services/alerts/index.ts';
import { testApp, type TestApp } from '#test/support/app.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';

export const START_MS = Date.parse('2026-03-02T09:00:00.000Z');
export const WEBHOOK_SECRET = `whsec_${Buffer.from(TEST_SECRETS.webhookSecret.padEnd(32, '!')).toString('base64')}`;

export interface Clock {
  nowMs: number;
  advance(ms: number): void;
}

export function clock(startMs = START_MS): Clock {
  const state: Clock = {
    nowMs: startMs,
    advance(ms) {
      state.nowMs += ms;
    },
  };
  return state;
}

/** An app on the simulator trial (Pro open), its clock driven by the test. */
export function alertApp(time: Clock, env: Record<string, string> = {}): Promise<TestApp> {
  return testApp(env, { now: () => new Date(time.nowMs) });
}

let eventId = 0;

/** An event as the automation records it. */
export function automationEvent(time: Clock, event: Omit<AutomationEvent, 'id' | 'at' | 'orgId' | 'result'> & { orgId?: string; result?: string }): AutomationEvent {
  return { id: ++eventId, at: new Date(time.nowMs).toISOString(), orgId: 'default', result: event.kind === 'resolved' ? 'resolved' : 'detected', ...event };
}

/** Moves the clock in steps, running the scheduler's alert job after each. */
export async function tickFor(app: TestApp, time: Clock, ms: number, stepMs = 5_000): Promise<void> {
  for (let passed = 0; passed < ms; passed += stepMs) {
    time.advance(Math.min(stepMs, ms - passed));
    await app.services.alerts.tick();
  }
}

/** A chat that keeps every post and edit; posts answer message ids m1, m2, … */
export class RecordingChat implements ChatSender {
  readonly posts: { channel: ChatAddress; message: Reply; messageId: string }[] = [];
  readonly edits: { channel: ChatAddress; messageId: string; message: Reply }[] = [];

  async post(channel: ChatAddress, message: Reply): Promise<{ messageId: string }> {
    const messageId = `m${this.posts.length + 1}`;
    this.posts.push({ channel, message, messageId });
    return { messageId };
  }

  async edit(channel: ChatAddress, messageId: string, message: Reply): Promise<void> {
    this.edits.push({ channel, messageId, message });
  }
}

export interface Received {
  id: string;
  status: number;
  payload: { type: string; status: string; severity: string; rule?: string; instance?: string; message: string; alerts: unknown[] };
}

/** A webhook receiver: verifies each delivery's signature, answers `answer()` (200 by default). */
export class WebhookReceiver {
  readonly received: Received[] = [];
  readonly badSignatures: string[] = [];
  answer: () => number | 'hang' = () => 200;
  private server!: Server;
  private verifier: Webhook;

  constructor(secret = WEBHOOK_SECRET) {
    this.verifier = new Webhook(secret);
  }

  /** Verifies from now on with this secret (one ComputeHub generated). */
  useSecret(secret: string): void {
    this.verifier = new Webhook(secret);
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const id = String(request.headers['webhook-id']);
        try {
          this.verifier.verify(body, request.headers as Record<string, string>);
        } catch (error) {
          this.badSignatures.push(`${id}: ${(error as Error).message}`);
        }
        const status = this.answer();
        if (status === 'hang') return;
        this.received.push({ id, status, payload: JSON.parse(body) });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/computehub`;
  }

  /** Deliveries accepted (2xx), by webhook-id: how many times each. */
  accepted(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const delivery of this.received) if (delivery.status < 300) counts.set(delivery.id, (counts.get(delivery.id) ?? 0) + 1);
    return counts;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
