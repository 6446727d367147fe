// What Slack sends to the app: slash commands and interactions (form-encoded), Events API callbacks
// (JSON), each signed the way Slack signs them: X-Slack-Signature = v0=HMAC-SHA256(signing secret,
// "v0:{timestamp}:{raw body}") with X-Slack-Request-Timestamp. Tests can sign wrongly on purpose.
import { createHmac } from 'node:crypto';
import { FAKE_BOT, type FakeSlack } from './slack.ts';

type Json = Record<string, any>;

export interface Signing {
  /** Sign with another secret (a forged request). */
  secret?: string;
  /** Unix seconds to claim (a replayed, stale request). */
  timestamp?: number;
  /** Send no signature headers at all. */
  unsigned?: boolean;
}

export interface Delivered {
  status: number;
  body: string;
}

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface Person {
  id: string;
  name: string;
}

export interface ButtonRef {
  action_id: string;
  block_id: string;
  value: string;
  text: string;
}

/** The button labelled `label` in a message's blocks. */
export function findButton(blocks: Json[] | undefined, label: string): ButtonRef {
  for (const block of blocks ?? []) {
    if (block.type !== 'actions') continue;
    for (const element of block.elements as Json[]) {
      if (element.text?.text === label) return { action_id: element.action_id, block_id: block.block_id, value: element.value, text: label };
    }
  }
  throw new Error(`no button '${label}' in ${JSON.stringify(blocks)}`);
}

export class SlackSender {
  private sequence = 0;

  constructor(private readonly receiverUrl: string, private readonly signingSecret: string, private readonly fake: FakeSlack) {}

  async send(body: string, contentType: string, signing: Signing = {}): Promise<Delivered> {
    const timestamp = signing.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = { 'content-type': contentType };
    if (!signing.unsigned) {
      headers['x-slack-request-timestamp'] = String(timestamp);
      headers['x-slack-signature'] = slackSignature(signing.secret ?? this.signingSecret, timestamp, body);
    }
    const response = await fetch(this.receiverUrl, { method: 'POST', headers, body });
    return { status: response.status, body: await response.text() };
  }

  /** `/computehub <text>` typed by `user` in `channel`. */
  async slashCommand(text: string, user: Person, channel: { id: string; name: string }, signing?: Signing): Promise<Delivered & { responseUrl: string }> {
    const responseUrl = this.fake.responseUrl();
    const form = new URLSearchParams({
      token: 'verification-token-unused',
      team_id: FAKE_BOT.teamId,
      team_domain: 'fake',
      channel_id: channel.id,
      channel_name: channel.name,
      user_id: user.id,
      user_name: user.name,
      command: '/computehub',
      text,
      api_app_id: 'A0FAKE01',
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: `trigger-${++this.sequence}`,
    });
    return { ...(await this.send(form.toString(), 'application/x-www-form-urlencoded', signing)), responseUrl };
  }

  /** `user` presses `button` on the message `messageTs` in `channel`. */
  async press(button: ButtonRef, user: Person, channel: { id: string; name: string }, message: { ts: string; ephemeral?: boolean }): Promise<Delivered & { responseUrl: string }> {
    const responseUrl = this.fake.responseUrl();
    const payload = {
      type: 'block_actions',
      user: { id: user.id, username: user.name, name: user.name, team_id: FAKE_BOT.teamId },
      api_app_id: 'A0FAKE01',
      token: 'verification-token-unused',
      container: { type: 'message', message_ts: message.ts, channel_id: channel.id, is_ephemeral: message.ephemeral ?? false },
      trigger_id: `trigger-${++this.sequence}`,
      team: { id: FAKE_BOT.teamId, domain: 'fake' },
      channel: { id: channel.id, name: channel.name },
      message: { type: 'message', ts: message.ts, text: '' },
      state: { values: {} },
      response_url: responseUrl,
      actions: [{ ...button, type: 'button', text: { type: 'plain_text', text: button.text }, action_ts: String(Date.now() / 1000) }],
    };
    const form = new URLSearchParams({ payload: JSON.stringify(payload) });
    return { ...(await this.send(form.toString(), 'application/x-www-form-urlencoded')), responseUrl };
  }

  /** An Events API callback (app_mention, message.im). */
  async event(event: Json): Promise<Delivered> {
    const body = {
      token: 'verification-token-unused',
      team_id: FAKE_BOT.teamId,
      api_app_id: 'A0FAKE01',
      event: { event_ts: event.ts, ...event },
      type: 'event_callback',
      event_id: `Ev${++this.sequence}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: FAKE_BOT.teamId, user_id: FAKE_BOT.userId, is_bot: true, is_enterprise_install: false }],
    };
    return this.send(JSON.stringify(body), 'application/json');
  }
}
