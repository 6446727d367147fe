// The real @slack/bolt HTTP receiver and the real Web API client, against a loopback fake of Slack.
// Requests are signed as Slack signs them; assertions look at what reached the fake Web API and
// the response_url endpoints.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackPlatform, type SlackPlatform } from '#platforms/slack/slack.ts';
import { defineCommand, type CommandDefinition, type OptionSpecs } from '#core/command.ts';
import { FakeSlack, FAKE_BOT } from '#test/fakes/slack.ts';
import { findButton, SlackSender } from '#test/fakes/slack-requests.ts';
import { testApp, type TestApp } from '#test/support/app.ts';
import { ALL_TEST_SECRETS, TEST_SECRETS } from '#test/support/secrets.ts';
import { addMember, LONG_GPU, testCommands } from '#test/support/test-commands.ts';

const ALICE = { id: 'UALICE01', name: 'alice' };
const BOB = { id: 'UBOB0001', name: 'bob' };
const OPS = { id: 'C0OPS001', name: 'gpu-ops' };
const OUTSIDE = { id: 'C0OUT001', name: 'random' };
const ALICE_DM = { id: 'DALICE01', name: 'directmessage' };

const fake = new FakeSlack(TEST_SECRETS.slackBotToken, TEST_SECRETS.slackAppToken);
let counted = 0;
let ackSeen: () => void = () => undefined;
const acked = new Promise<void>((resolve) => (ackSeen = resolve));
const { commands: sharedCommands, state, chart } = testCommands({
  prefix: 'sx-',
  slow: {
    // Held until the test has Slack's HTTP response in hand: it can only get it if the ack came first.
    before: () => acked,
    // Wait until Slack shows this step, so every step is one visible edit (no timing guesswork).
    afterStep: async (step) => {
      await fake.waitFor(() => fake.messages.some((message) => message.text.includes(`step ${step} of 3`)), `step ${step}`);
    },
  },
});

function blockText(blocks: unknown): string {
  return JSON.stringify(blocks ?? []);
}

const commands = [
  ...sharedCommands,
  defineCommand({
    name: 'sx-count',
    summary: 'Counts how often it ran',
    examples: ['sx-count'],
    options: {},
    role: 'viewer',
    mutating: false,
    tier: 'free',
    public: true,
    run: () => {
      counted += 1;
      return { kind: 'info', text: `ran ${counted}` };
    },
  }),
  defineCommand({
    name: 'sx-secret',
    summary: 'A public answer with a secret for the asker alone',
    examples: ['sx-secret'],
    options: {},
    role: 'viewer',
    mutating: false,
    tier: 'free',
    run: () => ({ kind: 'info', text: 'Jupyter: http://box:8888/lab', privateReply: { kind: 'info', text: 'token=sl-app-secret-42', ephemeral: true } }),
  }),
  defineCommand({
    name: 'sx-huge',
    summary: 'More than one Slack message can hold',
    examples: ['sx-huge'],
    options: {},
    role: 'viewer',
    mutating: false,
    tier: 'free',
    run: () => ({
      kind: 'info',
      title: 'A very long title that goes on and on '.repeat(6),
      text: 'word & <word> '.repeat(3000),
      fields: Array.from({ length: 23 }, (_, index) => ({ name: `Field ${index}`, value: 'v'.repeat(2500) })),
      table: { columns: [{ header: 'Row' }, { header: 'Text' }], rows: Array.from({ length: 2000 }, (_, index) => [String(index), `line <${index}> & more text here`]) },
      buttons: Array.from({ length: 30 }, (_, index) => ({ label: `Button number ${index} ${'x'.repeat(80)}`, command: `sx-offer gpu=g${index}` })),
      footer: 'f'.repeat(2600),
    }),
  }),
] as unknown as CommandDefinition<OptionSpecs>[];

let app: TestApp;
let platform: SlackPlatform;
let slack: SlackSender;

beforeAll(async () => {
  await fake.start();
  fake.conversations.set(OPS.id, { member: true });
  fake.conversations.set(OUTSIDE.id, { member: false });
  fake.conversations.set(ALICE_DM.id, { member: true });
  fake.users.set(ALICE.id, { name: ALICE.name, display_name: 'Alice A.' });
  app = await testApp(
    {
      SLACK_BOT_TOKEN: TEST_SECRETS.slackBotToken,
      SLACK_SIGNING_SECRET: TEST_SECRETS.slackSigningSecret,
      SLACK_API_URL: fake.apiUrl,
      COMPUTEHUB_ADMINS: `slack:${ALICE.id}`,
    },
    { commands },
  );
  await addMember(app, 'slack', BOB.id, BOB.name, 'viewer');
  platform = createSlackPlatform(app.services.config, { registry: app.services.commands, log: app.services.log }, { host: '127.0.0.1', port: 0, retryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 20 } });
  await platform.start();
  slack = new SlackSender(`http://127.0.0.1:${platform.port}/slack/events`, TEST_SECRETS.slackSigningSecret, fake);
});

afterAll(async () => {
  await platform?.stop();
  await app?.close();
  await fake.stop();
});

describe('Slack: slash command /computehub', () => {
  it('acks at once, then posts Block Kit with a text fallback', async () => {
    const delivered = await slack.slashCommand('help', ALICE, OPS);
    expect(delivered).toMatchObject({ status: 200, body: '' });
    const call = await fake.waitFor(() => fake.callsTo('chat.postMessage').find((candidate) => candidate.args.channel === OPS.id && blockText(candidate.args.blocks).includes('ComputeHub commands')), 'the help message');
    expect(call.result.ok).toBe(true);
    expect(call.args.text).toContain('ComputeHub commands');
    const blocks = call.args.blocks as any[];
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'ComputeHub commands', emoji: true } });
    const table = blocks.find((block) => block.type === 'section' && block.text.text.startsWith('```'));
    expect(table.text.text).toMatch(/^```\nCommand\s+What it does/);
    expect(table.text.text).toMatch(/\n```$/);
    expect(blocks.at(-1)).toMatchObject({ type: 'context' });
    expect(fake.warnings).toEqual([]);
  });

  it('renders a table and buttons; a press runs the follow-up as the presser and updates the message', async () => {
    await slack.slashCommand('sx-offers', ALICE, OPS);
    const call = await fake.waitFor(() => fake.callsTo('chat.postMessage').find((candidate) => blockText(candidate.args.blocks).includes('Offers')), 'the offers message');
    const blocks = call.args.blocks as any[];
    expect(blocks[0].text.text).toBe('Offers <cheap> & fast');
    expect(blocks[1].text).toEqual({ type: 'mrkdwn', text: 'Provider said: &lt;script&gt;alert(1)&lt;/script&gt; &amp; more' });
    const table = blocks[2].text.text as string;
    // Escaped after aligning: Slack shows &lt; as one character, so the columns line up on screen.
    expect(table.split('\n')).toEqual(['```', 'GPU         Provider      $/h', '──────────  ───────────  ────', 'RTX 4090    vast         0.35', 'H100 &lt;SXM&gt;  runpod &amp; co  2.49', '```']);
    const actions = blocks.find((block) => block.type === 'actions');
    expect(actions.elements).toEqual([
      { type: 'button', action_id: 'computehub:0', text: { type: 'plain_text', text: 'Details 4090', emoji: true }, value: 'cmd:sx-offer gpu=4090', style: 'primary' },
      { type: 'button', action_id: 'computehub:1', text: { type: 'plain_text', text: 'Long one', emoji: true }, value: `cmd:sx-offer gpu="${LONG_GPU}"` },
      { type: 'button', action_id: 'computehub:2', text: { type: 'plain_text', text: 'Refresh', emoji: true }, value: 'cmd:sx-offers' },
    ]);
    expect(blocks.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'simulated · 12 s old' }] });

    const ts = call.result.ts as string;
    const pressed = await slack.press(findButton(blocks, 'Details 4090'), BOB, OPS, { ts });
    expect(pressed).toMatchObject({ status: 200, body: '' });
    const update = await fake.waitFor(() => fake.callsTo('chat.update').find((candidate) => candidate.args.ts === ts), 'the press updating the message');
    expect(update.args.channel).toBe(OPS.id);
    expect(update.args.text).toContain(`Offer 4090 for bob (${BOB.id}, viewer)`);
    expect(update.result.ok).toBe(true);
  });

  it('uploads an image with files.getUploadURLExternal, the upload URL and files.completeUploadExternal', async () => {
    await slack.slashCommand('sx-chart', ALICE, OPS);
    const shared = await fake.waitFor(() => fake.files.find((file) => file.filename === 'chart.png'), 'the shared chart');
    expect(shared.channel).toBe(OPS.id);
    expect(shared.title).toBe('RTX 4090 price, 7 days');
    expect(shared.bytes.equals(chart)).toBe(true);
    const asked = fake.callsTo('files.getUploadURLExternal').find((call) => call.args.filename === 'chart.png')!;
    expect(Number(asked.args.length)).toBe(chart.length);
    expect(asked.args.alt_text ?? asked.args.alt_txt).toBe('RTX 4090 price, 7 days');
    const upload = fake.uploads.find((candidate) => candidate.fileId === asked.result.file_id)!;
    expect(upload).toMatchObject({ authorized: true, field: 'body' });
    expect(upload.bytes.equals(chart)).toBe(true);
    const completed = fake.callsTo('files.completeUploadExternal').find((call) => call.args.files[0].id === asked.result.file_id)!;
    expect(completed.args.channel_id).toBe(OPS.id);
    expect(completed.result.ok).toBe(true);
    expect(fake.callsTo('chat.postMessage').some((call) => blockText(call.args.blocks).includes('Price history'))).toBe(true);
  });

  it('shows the chart\'s description in the message when Slack refuses the upload', async () => {
    fake.failNext('files.completeUploadExternal', 'file_too_large');
    const before = fake.callsTo('chat.update').length;
    await slack.slashCommand('sx-chart', ALICE, OPS);
    const update = await fake.waitFor(() => fake.callsTo('chat.update').slice(before).find((call) => blockText(call.args.blocks).includes('Chart: RTX 4090 price, 7 days')), 'the description');
    expect(update.result.ok).toBe(true);
    expect(blockText(update.args.blocks)).toContain('Price history');
    expect(readFileSync(process.env.LOG_FILE!, 'utf8')).toContain('file_too_large');
  });

  it('acks before running, shows progress by editing one message, then the result in the same message', async () => {
    const before = fake.callsTo('chat.postMessage').length;
    const delivered = await slack.slashCommand('sx-slow', ALICE, OPS);
    expect(delivered).toMatchObject({ status: 200, body: '' });
    ackSeen();
    const done = await fake.waitFor(() => fake.callsTo('chat.update').find((call) => String(call.args.text).includes('Deployed')), 'the final edit');
    const posted = fake.callsTo('chat.postMessage').slice(before).filter((call) => String(call.args.text).includes('step'));
    expect(posted).toHaveLength(1);
    expect(posted[0]!.args.text).toContain('step 1 of 3');
    const edits = fake.callsTo('chat.update').filter((call) => call.args.ts === posted[0]!.result.ts);
    expect(edits.map((call) => call.args.text)).toEqual(['Deploying: step 2 of 3', 'Deploying: step 3 of 3', '✓ Deployed: instance i-1 is running']);
    expect(done.args.blocks[0].text.text).toBe('✅ Deployed: instance i-1 is running');
  });

  it('answers where the bot is not a member privately through the response_url', async () => {
    const delivered = await slack.slashCommand('whoami', ALICE, OUTSIDE);
    const refused = await fake.waitFor(() => fake.callsTo('chat.postMessage').find((call) => call.args.channel === OUTSIDE.id), 'the attempt to post');
    expect(refused.result.error).toBe('not_in_channel');
    const answer = await fake.waitFor(() => fake.responses.find((post) => delivered.responseUrl.endsWith(post.id)), 'the response_url answer');
    expect(answer.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(answer.body.text).toContain('alice');
    expect(blockText(answer.body.blocks)).toContain('Invite me');
  });

  it('splits a reply larger than Slack allows into messages Slack accepts', async () => {
    const before = fake.callsTo('chat.postMessage').length;
    await slack.slashCommand('sx-huge', ALICE, OPS);
    await fake.waitFor(() => fake.callsTo('chat.postMessage').slice(before).some((call) => blockText(call.args.blocks).includes('"type":"actions"')), 'the last part');
    const parts = fake.callsTo('chat.postMessage').slice(before);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.result).toMatchObject({ ok: true });
      expect(part.args.text).toBeTruthy();
    }
    expect(parts.reduce((sum, part) => sum + blockText(part.args.blocks).split('line &lt;').length - 1, 0)).toBe(2000);
    expect(fake.warnings).toEqual([]);
  });
});

describe('Slack: roles and confirmation', () => {
  it('refuses a viewer who presses Confirm, and runs it for the admin who asked', async () => {
    await slack.slashCommand('sx-zap box-1', ALICE, OPS);
    const call = await fake.waitFor(() => fake.callsTo('chat.postMessage').find((candidate) => String(candidate.args.text).includes('About to destroy box-1')), 'the confirmation');
    const ts = call.result.ts as string;
    const confirm = findButton(call.args.blocks, 'Confirm');
    expect(call.args.blocks.find((block: any) => block.type === 'actions').elements[0]).toMatchObject({ style: 'danger', value: expect.stringMatching(/^cmd:confirm [a-z0-9]{10}$/) });

    const byBob = await slack.press(confirm, BOB, OPS, { ts });
    const refusal = await fake.waitFor(() => fake.responses.find((post) => byBob.responseUrl.endsWith(post.id)), 'the refusal');
    expect(refusal.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(refusal.body.text).toContain("'sx-zap' needs the dev role; you are a viewer");
    expect(state.destroyed).toEqual([]);
    expect(fake.messages.find((message) => message.ts === ts)!.edits).toBe(0);

    await slack.press(confirm, ALICE, OPS, { ts });
    await fake.waitFor(() => fake.callsTo('chat.update').find((candidate) => candidate.args.ts === ts && String(candidate.args.text).includes('Destroyed box-1')), 'the result replacing the confirmation');
    expect(state.destroyed).toEqual(['box-1']);
    const audit = (await app.services.db.series.audit.series.list()).filter((entry) => entry.command === 'sx-zap');
    expect(audit.map((entry) => [entry.actor.userId, entry.result])).toEqual([
      [BOB.id, 'refused'],
      [ALICE.id, 'ok'],
    ]);
  });

  it('tells the presser that a button from before a restart has expired', async () => {
    const pressed = await slack.press({ action_id: 'computehub:0', block_id: 'computehub-actions-0', value: 'ref:gone', text: 'Old' }, ALICE, OPS, { ts: '1.000001' });
    const note = await fake.waitFor(() => fake.responses.find((post) => pressed.responseUrl.endsWith(post.id)), 'the expiry note');
    expect(note.body).toMatchObject({ response_type: 'ephemeral', replace_original: false, text: expect.stringContaining('expired') });
  });
});

describe('Slack: secrets typed in a shared channel', () => {
  const secret = TEST_SECRETS.vastKey;

  it('refuses a mention carrying a secret, tries to delete it, says honestly that it could not, stores nothing', async () => {
    const typed = fake.userMessage(OPS.id, ALICE.id, `<@${FAKE_BOT.userId}> sx-setkey key=${secret}`);
    await slack.event({ type: 'app_mention', user: ALICE.id, text: typed.text, ts: typed.ts, channel: OPS.id });
    const ephemeral = await fake.waitFor(() => fake.callsTo('chat.postEphemeral').find((call) => String(call.args.text).includes('sx-setkey')), 'the private refusal');
    expect(ephemeral.args).toMatchObject({ channel: OPS.id, user: ALICE.id });
    expect(ephemeral.args.text).toContain('only works in a direct message');
    expect(ephemeral.args.text).toContain('could not delete your message');
    expect(fake.callsTo('chat.delete').find((call) => call.args.ts === typed.ts)?.result.error).toBe('cant_delete_message');
    expect(state.stored).toEqual([]);
  });

  it('posts the public answer in the channel and the secret only ephemerally', async () => {
    const delivered = await slack.slashCommand('sx-secret', ALICE, OPS);
    const shown = await fake.waitFor(() => fake.callsTo('chat.postMessage').find((call) => call.args.channel === OPS.id && JSON.stringify(call.args).includes('http://box:8888/lab')), 'the public answer');
    expect(JSON.stringify(shown.args)).not.toContain('sl-app-secret-42');
    const secret = await fake.waitFor(() => fake.responses.find((post) => delivered.responseUrl.endsWith(post.id) && JSON.stringify(post.body).includes('sl-app-secret-42')), 'the private secret');
    expect(secret.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(fake.messages.some((message) => JSON.stringify(message).includes('sl-app-secret-42'))).toBe(false);
  });

  it('tries to delete a mention that nearly names a secret command, even from a stranger, and says what happened', async () => {
    const stranger = { id: 'USTRANGE', name: 'sam' };
    const typed = fake.userMessage(OUTSIDE.id, stranger.id, `<@${FAKE_BOT.userId}> provder add vast ${secret}`);
    await slack.event({ type: 'app_mention', user: stranger.id, text: typed.text, ts: typed.ts, channel: OUTSIDE.id });
    const ephemeral = await fake.waitFor(() => fake.callsTo('chat.postEphemeral').find((call) => call.args.user === stranger.id), 'the private answer');
    expect(ephemeral.args.text).toContain('could not delete your message');
    expect(ephemeral.args.text).not.toContain(secret);
    expect(fake.callsTo('chat.delete').find((call) => call.args.ts === typed.ts)).toBeDefined();
  });

  it('refuses the slash command in a channel privately, stores nothing', async () => {
    const delivered = await slack.slashCommand(`sx-setkey key=${secret}`, ALICE, OPS);
    const answer = await fake.waitFor(() => fake.responses.find((post) => delivered.responseUrl.endsWith(post.id)), 'the private refusal');
    expect(answer.body.response_type).toBe('ephemeral');
    expect(answer.body.text).toContain('never shows a slash command to anyone else');
    expect(state.stored).toEqual([]);
  });

  it('accepts it in a direct message, and the secret never reaches Slack, the store or the log', async () => {
    const typed = fake.userMessage(ALICE_DM.id, ALICE.id, `sx-setkey key=${secret}`);
    await slack.event({ type: 'message', channel_type: 'im', user: ALICE.id, text: typed.text, ts: typed.ts, channel: ALICE_DM.id });
    await fake.waitFor(() => fake.callsTo('chat.postMessage').find((call) => call.args.channel === ALICE_DM.id && String(call.args.text).includes('Key stored')), 'the confirmation');
    expect(state.stored).toEqual([secret]);
    const sent = JSON.stringify([fake.calls.map((call) => call.args), fake.responses.map((post) => post.body)]);
    expect(sent).not.toContain(secret);
    await app.services.db.flush();
    expect(readFileSync(path.join(app.dataDir, 'db.json'), 'utf8')).not.toContain(secret);
    const audit = (await app.services.db.series.audit.series.list()).filter((entry) => entry.command === 'sx-setkey');
    expect(audit.map((entry) => [entry.result, entry.args])).toEqual([
      ['refused', 'sx-setkey'],
      ['refused', 'sx-setkey'],
      ['ok', 'sx-setkey key=***'],
    ]);
  });
});

describe('Slack: mentions and direct messages', () => {
  it('answers a mention in its thread, decoding what Slack escaped, with the name from users.info', async () => {
    const typed = fake.userMessage(OPS.id, ALICE.id, `<@${FAKE_BOT.userId}> sx-offer gpu=&lt;4090&gt;`);
    await slack.event({ type: 'app_mention', user: ALICE.id, text: typed.text, ts: typed.ts, thread_ts: '1699999999.000001', channel: OPS.id });
    const call = await fake.waitFor(() => fake.callsTo('chat.postMessage').find((candidate) => String(candidate.args.text).includes('Offer &lt;4090&gt;')), 'the threaded answer');
    expect(call.args.thread_ts).toBe('1699999999.000001');
    expect(call.args.text).toContain(`for Alice A. (${ALICE.id}, admin)`);
  });
});

describe('Slack: request verification', () => {
  it('refuses a forged signature, a stale timestamp and an unsigned request, running nothing', async () => {
    const callsBefore = fake.calls.length;
    const forged = await slack.slashCommand('sx-count', ALICE, OPS, { secret: 'not-the-signing-secret' });
    const stale = await slack.slashCommand('sx-count', ALICE, OPS, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    const unsigned = await slack.slashCommand('sx-count', ALICE, OPS, { unsigned: true });
    expect([forged.status, stale.status, unsigned.status]).toEqual([401, 401, 401]);
    const signed = await slack.slashCommand('sx-count', ALICE, OPS);
    expect(signed.status).toBe(200);
    await fake.waitFor(() => fake.callsTo('chat.postMessage').find((call) => String(call.args.text).includes('ran 1')), 'the one real run');
    expect(counted).toBe(1);
    expect(fake.calls.slice(callsBefore).map((call) => call.method)).toEqual(['chat.postMessage']);
  });
});

describe('Slack: outages', () => {
  it('keeps running when the Web API is down, logs it, and answers again once it is back', async () => {
    const logFile = process.env.LOG_FILE!;
    fake.down = true;
    const delivered = await slack.slashCommand('sx-count', ALICE, OPS);
    expect(delivered.status).toBe(200);
    const logged = () => readFileSync(logFile, 'utf8').includes('Slack: could not answer a slash command');
    await expect.poll(logged, { timeout: 10_000 }).toBe(true);
    fake.down = false;
    fake.rateLimit(1, 1);
    await slack.slashCommand('sx-count', ALICE, OPS);
    await fake.waitFor(() => fake.callsTo('chat.postMessage').find((call) => String(call.args.text).includes('ran 3')), 'the answer after the outage (and one 429)');
    for (const secret of ALL_TEST_SECRETS) expect(readFileSync(logFile, 'utf8')).not.toContain(secret);
  });
});

describe('Slack: Socket Mode', () => {
  it('connects out with the app token, acknowledges an envelope, then answers through the Web API', async () => {
    const SOCKET_CHANNEL = { id: 'C0SOCK01', name: 'socket' };
    fake.conversations.set(SOCKET_CHANNEL.id, { member: true });
    const socketApp = await testApp({ SLACK_BOT_TOKEN: TEST_SECRETS.slackBotToken, SLACK_APP_TOKEN: TEST_SECRETS.slackAppToken, SLACK_API_URL: fake.apiUrl, COMPUTEHUB_ADMINS: `slack:${ALICE.id}` });
    const socketPlatform = createSlackPlatform(socketApp.services.config, { registry: socketApp.services.commands, log: socketApp.services.log });
    await socketPlatform.start();
    try {
      expect(socketPlatform.port).toBeUndefined();
      expect(fake.callsTo('apps.connections.open').at(-1)?.result.ok).toBe(true);
      const envelope = fake.sendEnvelope('slash_commands', {
        team_id: FAKE_BOT.teamId,
        channel_id: SOCKET_CHANNEL.id,
        channel_name: SOCKET_CHANNEL.name,
        user_id: ALICE.id,
        user_name: ALICE.name,
        command: '/computehub',
        text: 'whoami',
        api_app_id: 'A0FAKE01',
        response_url: fake.responseUrl(),
        trigger_id: 'trigger-socket',
      });
      await fake.waitFor(() => fake.socketAcks.includes(envelope), 'the envelope acknowledged');
      const answer = await fake.waitFor(() => fake.callsTo('chat.postMessage').find((call) => call.args.channel === SOCKET_CHANNEL.id), 'the answer');
      expect(answer.args.text).toMatch(/alice \(slack:UALICE01\)/);
      expect(answer.result.ok).toBe(true);
    } finally {
      await socketPlatform.stop();
      await socketApp.close();
    }
  });
});

describe('Slack: start', () => {
  it('explains a refused bot token without showing it', async () => {
    const other = await testApp({ SLACK_BOT_TOKEN: 'xoxb-wrong-token-0000', SLACK_SIGNING_SECRET: TEST_SECRETS.slackSigningSecret, SLACK_API_URL: fake.apiUrl });
    const refused = createSlackPlatform(other.services.config, { registry: other.services.commands, log: other.services.log }, { host: '127.0.0.1', port: 0 });
    const failure = await refused.start().catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/Slack refused SLACK_BOT_TOKEN \(invalid_auth\)/);
    expect((failure as Error).message).not.toContain('xoxb-wrong-token-0000');
    await other.close();
  });

  it('explains a refused Socket Mode app token without showing it', async () => {
    const other = await testApp({ SLACK_BOT_TOKEN: TEST_SECRETS.slackBotToken, SLACK_APP_TOKEN: 'xapp-wrong-token-0000', SLACK_API_URL: fake.apiUrl });
    const refused = createSlackPlatform(other.services.config, { registry: other.services.commands, log: other.services.log });
    const failure = await refused.start().catch((error: Error) => error);
    expect((failure as Error).message).toMatch(/Slack refused SLACK_APP_TOKEN \(invalid_auth\)/);
    expect((failure as Error).message).not.toContain('xapp-wrong-token-0000');
    await other.close();
  });
});
