// The Telegram platform end to end: real grammy long-polling a loopback fake of the Bot API, the real
// registry and store behind it. Assertions are on the Bot API calls that reach the fake.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTelegramPlatform, type TelegramTuning } from '#platforms/telegram/telegram.ts';
import type { ChatPlatform } from '#platforms/platform.ts';
import { EXPIRED_BUTTON_TEXT } from '#platforms/buttons.ts';
import { loadConfig } from '#src/config.ts';
import { defineCommand, type CommandDefinition, type OptionSpecs } from '#core/command.ts';
import { reply } from '#core/reply.ts';
import { FakeTelegram, type ApiCall, type FakeUser } from '#test/fakes/telegram.ts';
import { parseTelegramHtml } from '#test/fakes/telegram-html.ts';
import { testApp, type TestApp } from '#test/support/app.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';
import { addMember, LONG_GPU, sleep, testCommands } from '#test/support/test-commands.ts';

const ADMIN: FakeUser = { id: 1001, first_name: 'Ada', last_name: 'Admin' };
const VIEWER: FakeUser = { id: 2002, first_name: 'Vic' };
const STRANGER: FakeUser = { id: 3003, first_name: 'Sam' };
const GROUP = -100500;
const PROVIDER_KEY = 'sk-live-telegram-test-key-0123456789';

const { commands: sharedCommands, state, chart: CHART } = testCommands({ prefix: 'tg', slow: { afterStep: () => sleep(25) } });

const commands = [
  ...sharedCommands,
  defineCommand({
    name: 'tgstill',
    summary: 'Test: the same progress twice',
    examples: ['tgstill'],
    options: {},
    role: 'viewer',
    mutating: false,
    tier: 'free',
    async run({ progress }) {
      for (let round = 0; round < 2; round++) {
        await progress(reply.info('Waiting for the host'));
        await sleep(60);
      }
      return reply.success('Host ready');
    },
  }),
  defineCommand({
    name: 'tgessay',
    summary: 'Test: longer than one message',
    examples: ['tgessay'],
    options: {},
    role: 'viewer',
    mutating: false,
    tier: 'free',
    run: () => ({
      kind: 'info',
      title: 'Essay',
      text: Array.from({ length: 120 }, (_, index) => `Line ${index}: <tags> & ampersands stay text`).join('\n'),
      table: { columns: [{ header: 'Row' }, { header: 'Value' }], rows: Array.from({ length: 150 }, (_, index) => [`row-${index}`, `<${index}> & co`]) },
      buttons: [{ label: 'More', command: 'tgessay' }],
    }),
  }),
  defineCommand({
    name: 'tgmine',
    summary: 'Test: an answer for the asker alone',
    examples: ['tgmine'],
    options: {},
    role: 'viewer',
    mutating: false,
    tier: 'free',
    run: ({ actor }) => ({ kind: 'info', title: 'Your private details', text: `Only for ${actor.displayName}`, fields: [{ name: 'Id', value: actor.userId }], ephemeral: true }),
  }),
  defineCommand({
    name: 'tgsecret',
    summary: 'Test: a public answer with a secret for the asker alone',
    examples: ['tgsecret'],
    options: {},
    role: 'viewer',
    mutating: false,
    tier: 'free',
    run: () => ({ kind: 'info', text: 'Jupyter: http://box:8888/lab', privateReply: { kind: 'info', text: 'Jupyter: http://box:8888/lab?token=tg-app-secret-42', ephemeral: true } }),
  }),
] as unknown as CommandDefinition<OptionSpecs>[];

const FAST: Partial<TelegramTuning> = {
  pollTimeoutSeconds: 1,
  pacing: { perChat: { max: 1000, perMs: 10 }, perGroup: { max: 1000, perMs: 10 }, global: { max: 1000, perMs: 10 } },
  progressIntervalMs: 20,
  backoff: { baseMs: 50, maxMs: 200 },
};

let fake: FakeTelegram;
let app: TestApp;
let platform: ChatPlatform;

const html = (call: ApiCall) => String(call.payload.text ?? call.payload.caption ?? '');
const inChat = (chatId: number) => (call: ApiCall) => Number(call.payload.chat_id) === chatId && call.response.ok;
const buttonsOf = (call: ApiCall) => (call.payload.reply_markup?.inline_keyboard ?? []).flat() as { text: string; callback_data: string }[];
const resultId = (call: ApiCall) => (call.response.result as { message_id: number }).message_id;

/** Sends a message and waits for the first successful call of `method` that answers it. */
async function say(chatId: number, from: FakeUser, text: string, method = 'sendMessage', match: (call: ApiCall) => boolean = () => true) {
  const mark = fake.calls.length;
  const sent = fake.userSays(chatId, from, text);
  const call = await fake.waitFor(method, (candidate) => inChat(chatId)(candidate) && match(candidate), { from: mark });
  return { mark, call, sent };
}

beforeAll(async () => {
  fake = new FakeTelegram(TEST_SECRETS.telegramToken);
  await fake.listen();
  // The admin sends every command of this suite within seconds; the rate limit has its own tests.
  app = await testApp(
    { TELEGRAM_BOT_TOKEN: TEST_SECRETS.telegramToken, TELEGRAM_API_ROOT: `${fake.apiRoot}/`, COMPUTEHUB_ADMINS: `telegram:${ADMIN.id}` },
    { commands, rateLimit: { burst: 200 } },
  );
  await addMember(app, 'telegram', String(VIEWER.id), 'Vic', 'viewer');
  platform = createTelegramPlatform(app.services.config, { registry: app.services.commands, log: app.services.log }, FAST);
  await platform.start();
});

afterAll(async () => {
  await platform?.stop();
  await fake?.close();
  await app?.close();
});

describe('Telegram platform', () => {
  it('publishes the command menu from the registry and polls for messages and button presses', async () => {
    const names = fake.menu.map((entry) => entry.command);
    expect(names).toEqual(expect.arrayContaining(['help', 'whoami', 'licence', 'audit', 'cancel', 'tgoffers', 'tgzap']));
    expect(new Set(names).size).toBe(names.length);
    expect(fake.menu.find((entry) => entry.command === 'licence')?.description).toBe(app.services.commands.groupList().find((group) => group.name === 'licence')!.summary);
    for (const entry of fake.menu) expect(entry.description.length).toBeGreaterThanOrEqual(3);
    expect(fake.calls[0]?.method).toBe('getMe');
    await vi.waitFor(() => expect(fake.allowedUpdates).toEqual(['message', 'callback_query']));
  });

  it('answers /help with HTML: bold title, the list in <pre>, footer in <i>', async () => {
    const { call, mark } = await say(ADMIN.id, ADMIN, '/help');
    expect(call.payload.parse_mode).toBe('HTML');
    expect(html(call)).toMatch(/^<b>ComputeHub commands<\/b>\n\n<pre>Command\s+What it does/);
    const last = await fake.waitFor('sendMessage', (candidate) => html(candidate).includes('<i>Type help &lt;command&gt;'), { from: mark });
    const parts = fake.callsOf('sendMessage', mark).filter(inChat(ADMIN.id));
    expect(parts.slice(0, parts.indexOf(last) + 1).map(html).join('\n')).toMatch(/<pre>[\s\S]*\nlicence\s[\s\S]*<\/pre>/);
  });

  it('reads plain text in a private chat as a command, and /cmd@ourbot in a group, not /cmd@otherbot', async () => {
    const { call } = await say(ADMIN.id, ADMIN, 'whoami');
    expect(html(call)).toContain('<b>Role:</b> admin');
    const mark = fake.calls.length;
    fake.userSays(GROUP, ADMIN, '/whoami@some_other_bot');
    fake.userSays(GROUP, ADMIN, 'whoami');
    const { call: ours } = await say(GROUP, ADMIN, '/whoami@computehub_test_bot');
    expect(html(ours)).toContain('telegram:1001');
    expect(fake.callsOf('sendMessage', mark).filter(inChat(GROUP))).toHaveLength(1);
  });

  it('renders a table with buttons: escaped text, aligned <pre>, inline keyboard within 64 bytes', async () => {
    const { call } = await say(ADMIN.id, ADMIN, '/tgoffers');
    const text = html(call);
    expect(text).toContain('<b>Offers &lt;cheap&gt; &amp; fast</b>');
    expect(text).toContain('Provider said: &lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(text).toContain('<pre>GPU         Provider      $/h\n');
    expect(text).toContain('RTX 4090    vast         0.35\nH100 &lt;SXM&gt;  runpod &amp; co  2.49</pre>');
    expect(text).toContain('<i>simulated · 12 s old</i>');
    const buttons = buttonsOf(call);
    expect(buttons.map((button) => button.text)).toEqual(['Details 4090', 'Long one', 'Refresh']);
    for (const button of buttons) expect(Buffer.byteLength(button.callback_data)).toBeLessThanOrEqual(64);
  });

  it('runs a pressed button as the presser, replying under the message', async () => {
    const { call } = await say(GROUP, ADMIN, '/tgoffers');
    const messageId = resultId(call);
    const [details, long] = buttonsOf(call);
    const mark = fake.calls.length;
    const queryId = fake.press(GROUP, messageId, VIEWER, details!.callback_data);
    const answer = await fake.waitFor('sendMessage', (candidate) => html(candidate).includes('Offer 4090'), { from: mark });
    expect(html(answer)).toContain('Offer 4090 for Vic (2002, viewer)');
    expect(answer.payload.reply_parameters.message_id).toBe(messageId);
    expect((await fake.waitFor('answerCallbackQuery', (candidate) => candidate.payload.callback_query_id === queryId)).response.ok).toBe(true);
    // A command too long for callback_data travels by reference and still runs.
    fake.press(GROUP, messageId, ADMIN, long!.callback_data);
    const second = await fake.waitFor('sendMessage', (candidate) => html(candidate).includes(`Offer ${LONG_GPU} for Ada Admin (1001, admin)`), { from: mark });
    expect(second.response.ok).toBe(true);
  });

  it('tells the presser when a button has expired', async () => {
    const { call } = await say(ADMIN.id, ADMIN, '/tgoffers');
    const queryId = fake.press(ADMIN.id, resultId(call), ADMIN, 'ref:forgotten');
    const answer = await fake.waitFor('answerCallbackQuery', (candidate) => candidate.payload.callback_query_id === queryId);
    expect(answer.payload).toMatchObject({ text: EXPIRED_BUTTON_TEXT, show_alert: true });

    // A Confirm from before confirmations were pinned carried its line with --yes: it runs nothing now.
    const oldConfirm = fake.press(ADMIN.id, resultId(call), ADMIN, 'cmd:tgzap target=box-9 --yes');
    const refused = await fake.waitFor('answerCallbackQuery', (candidate) => candidate.payload.callback_query_id === oldConfirm);
    expect(refused.payload).toMatchObject({ text: EXPIRED_BUTTON_TEXT, show_alert: true });
    expect(state.destroyed).not.toContain('box-9');
  });

  it('sends an image as a multipart sendPhoto with the PNG bytes and an HTML caption', async () => {
    const { call } = await say(ADMIN.id, ADMIN, '/tgchart', 'sendPhoto');
    const photo = /^attach:\/\/(.+)$/.exec(call.payload.photo)![1]!;
    expect(call.files[photo]!.filename).toBe('chart.png');
    expect(Buffer.compare(call.files[photo]!.bytes, Buffer.from(CHART))).toBe(0);
    expect(call.payload.chat_id).toBe(String(ADMIN.id));
    expect(call.payload.caption).toBe('<b>Price history</b>\n\nRTX 4090 over 7 days');
    expect(call.payload.parse_mode).toBe('HTML');
    expect(call.payload.reply_markup.inline_keyboard[0][0].text).toBe('Again');
  });

  for (const failure of [
    { error_code: 400, description: 'Bad Request: PHOTO_INVALID_DIMENSIONS' },
    { error_code: 413, description: 'Request Entity Too Large' },
  ]) {
    it(`answers in text with the chart's description when sendPhoto is refused (${failure.error_code})`, async () => {
      fake.failNext('sendPhoto', failure);
      // As the viewer: the admin's commands in this file already use most of one person's rate limit.
      const { call } = await say(VIEWER.id, VIEWER, '/tgchart', 'sendMessage');
      expect(html(call)).toContain('Price history');
      expect(html(call)).toContain('RTX 4090 over 7 days');
      expect(html(call)).toContain('Chart: RTX 4090 price, 7 days');
      expect(call.payload.reply_markup.inline_keyboard[0][0].text).toBe('Again');
      const log = readFileSync(process.env.LOG_FILE!, 'utf8');
      expect(log).toContain('Telegram refused the image; sending the reply as text');
      expect(log).toContain(failure.description);
    });
  }

  it('shows progress by editing one message, ending with the result', async () => {
    const { mark, call } = await say(ADMIN.id, ADMIN, '/tgslow');
    const messageId = resultId(call);
    expect(html(call)).toMatch(/Deploying: step \d of 3/);
    const final = await fake.waitFor('editMessageText', (candidate) => html(candidate).includes('Deployed: instance i-1 is running'), { from: mark });
    expect(final.payload.message_id).toBe(messageId);
    expect(fake.callsOf('sendMessage', mark).filter(inChat(ADMIN.id))).toHaveLength(1);
    for (const edit of fake.callsOf('editMessageText', mark)) expect(edit.payload.message_id).toBe(messageId);
  });

  it('ignores "message is not modified" when progress repeats itself', async () => {
    const { mark, call } = await say(ADMIN.id, ADMIN, '/tgstill');
    const final = await fake.waitFor('editMessageText', (candidate) => html(candidate).includes('Host ready') && candidate.response.ok, { from: mark });
    expect(final.payload.message_id).toBe(resultId(call));
    expect(fake.callsOf('editMessageText', mark).some((edit) => /message is not modified/.test(edit.response.description ?? ''))).toBe(true);
    expect(readFileSync(process.env.LOG_FILE!, 'utf8')).not.toContain('Telegram progress update failed');
  });

  it('waits out a 429 with retry_after and sends again', async () => {
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    const { mark, call } = await say(ADMIN.id, ADMIN, '/whoami');
    const attempts = fake.callsOf('sendMessage', mark);
    expect(attempts[0]!.response.error_code).toBe(429);
    expect(call).toBe(attempts[1]);
    expect(html(call)).toContain('<b>Role:</b> admin');
  });

  it('gives up on a 429 whose retry_after is longer than an answer is worth, logging the limit, and keeps answering', async () => {
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 3600', parameters: { retry_after: 3600 } });
    const before = fake.calls.length;
    fake.userSays(ADMIN.id, ADMIN, '/whoami');
    await fake.waitFor('sendMessage', (candidate) => candidate.response.error_code === 429, { from: before });
    const { mark, call } = await say(ADMIN.id, ADMIN, '/help');
    expect(fake.callsOf('sendMessage', mark)[0]).toBe(call);
    expect(html(call)).toContain('<b>');
    expect(readFileSync(process.env.LOG_FILE!, 'utf8')).toMatch(/"retryAfter":3600,"giveUpAbove":60.*Telegram rate limit/);
  });

  it('asks before a destructive command; a viewer pressing Confirm is refused, the admin goes ahead', async () => {
    const { call } = await say(GROUP, ADMIN, '/tgzap box-1');
    const promptId = resultId(call);
    expect(html(call)).toContain('About to destroy box-1. This cannot be undone.');
    const [confirm, cancel] = buttonsOf(call);
    expect([confirm!.text, cancel!.text]).toEqual(['Confirm', 'Cancel']);

    const mark = fake.calls.length;
    const viewerQuery = fake.press(GROUP, promptId, VIEWER, confirm!.callback_data);
    const refusal = await fake.waitFor('answerCallbackQuery', (candidate) => candidate.payload.callback_query_id === viewerQuery);
    expect(refusal.payload.show_alert).toBe(true);
    expect(refusal.payload.text).toContain("'tgzap' needs the dev role; you are a viewer");
    expect(state.destroyed).toEqual([]);
    expect(fake.callsOf('editMessageText', mark)).toHaveLength(0);

    fake.press(GROUP, promptId, ADMIN, confirm!.callback_data);
    const done = await fake.waitFor('editMessageText', (candidate) => html(candidate).includes('Destroyed box-1'), { from: mark });
    expect(done.payload.message_id).toBe(promptId);
    expect(done.payload.reply_markup).toBeUndefined();
    expect(state.destroyed).toEqual(['box-1']);

    const again = await say(GROUP, ADMIN, '/tgzap box-2');
    fake.press(GROUP, resultId(again.call), ADMIN, buttonsOf(again.call)[1]!.callback_data);
    const cancelled = await fake.waitFor('editMessageText', (candidate) => html(candidate).includes('Cancelled. Nothing was changed.'), { from: again.mark });
    expect(cancelled.payload.message_id).toBe(resultId(again.call));
    expect(state.destroyed).toEqual(['box-1']);
  });

  it('refuses a secret in a group: nothing stored, the message deleted, and says why', async () => {
    const { call, sent, mark } = await say(GROUP, ADMIN, `/tgsetkey ${PROVIDER_KEY}`);
    const deletion = await fake.waitFor('deleteMessage', () => true, { from: mark });
    expect(deletion.payload).toMatchObject({ chat_id: GROUP, message_id: sent.message_id });
    expect(fake.messageExists(GROUP, sent.message_id)).toBe(false);
    expect(html(call)).toContain('only works in a direct message');
    expect(html(call)).toContain('I deleted your message');
    expect(html(call)).not.toContain(PROVIDER_KEY);
    expect(state.stored).toEqual([]);
    await app.services.db.flush();
    expect(readFileSync(path.join(app.dataDir, 'db.json'), 'utf8')).not.toContain(PROVIDER_KEY);

    // Where the bot may not delete, it says so instead.
    fake.cannotDeleteIn.add(GROUP);
    const denied = await say(GROUP, ADMIN, `/tgsetkey ${PROVIDER_KEY}`);
    expect(html(denied.call)).toContain('I could not delete your message');
    expect(fake.messageExists(GROUP, denied.sent.message_id)).toBe(true);
    fake.cannotDeleteIn.delete(GROUP);

    // In a private chat the same command works.
    const { call: stored } = await say(ADMIN.id, ADMIN, `/tgsetkey ${PROVIDER_KEY}`);
    expect(html(stored)).toContain('Key stored.');
    expect(state.stored).toEqual([PROVIDER_KEY]);
  });

  it('deletes a line that nearly names a secret command, whoever sent it and whether or not it parsed', async () => {
    const licenceKey = `CH1.${PROVIDER_KEY}`;
    for (const [from, text] of [
      [STRANGER, `/provder add vast ${PROVIDER_KEY}`],
      [VIEWER, `/licence activat ${licenceKey}`],
      [VIEWER, `/licence activate ${licenceKey}`],
      [STRANGER, `/provider vast ${PROVIDER_KEY}`],
    ] as const) {
      const { call, sent, mark } = await say(GROUP, from, text);
      const deletion = await fake.waitFor('deleteMessage', () => true, { from: mark });
      expect(deletion.payload, text).toMatchObject({ chat_id: GROUP, message_id: sent.message_id });
      expect(fake.messageExists(GROUP, sent.message_id), text).toBe(false);
      expect(html(call), text).toContain('I deleted your message');
      expect(html(call), text).not.toContain(PROVIDER_KEY.slice(0, 12));
    }
    expect(app.services.db.data.licence).toBeNull();
    // Naming another command of the same group is not a secret.
    const { mark } = await say(GROUP, VIEWER, '/provider list');
    await sleep(50);
    expect(fake.callsOf('deleteMessage', mark)).toHaveLength(0);
  });

  it('splits a long reply into valid HTML messages, buttons under the last', async () => {
    const mark = fake.calls.length;
    fake.userSays(ADMIN.id, ADMIN, '/tgessay');
    await fake.waitFor('sendMessage', (candidate) => buttonsOf(candidate).length > 0 && html(candidate).includes('row-149'), { from: mark });
    const parts = fake.callsOf('sendMessage', mark).filter(inChat(ADMIN.id));
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(html(part).length).toBeLessThanOrEqual(4096);
      expect(parseTelegramHtml(html(part))).not.toHaveProperty('error');
    }
    expect(parts.slice(0, -1).every((part) => part.payload.reply_markup === undefined)).toBe(true);
    const visible = parts.map((part) => (parseTelegramHtml(html(part)) as { text: string }).text).join('\n');
    for (let index = 0; index < 120; index++) expect(visible).toContain(`Line ${index}: <tags> & ampersands stay text`);
    for (let index = 0; index < 150; index++) expect(visible).toMatch(new RegExp(`row-${index}\\s+<${index}> & co`));
  });

  it('sends an answer meant for the asker alone privately, or in the group when it cannot', async () => {
    const { mark, call } = await say(GROUP, ADMIN, '/tgmine');
    expect(html(call)).toContain('sent you the answer in a private message');
    const direct = await fake.waitFor('sendMessage', inChat(ADMIN.id), { from: mark });
    expect(html(direct)).toContain('Only for Ada Admin');

    await addMember(app, 'telegram', String(STRANGER.id), 'Sam', 'viewer');
    const fallback = await say(GROUP, STRANGER, '/tgmine');
    expect(html(fallback.call)).toContain('Only for Sam');
    expect(fake.callsOf('sendMessage', fallback.mark).some((candidate) => candidate.response.error_code === 403)).toBe(true);
  });

  it('sends a secret only by direct message, and never into the group when it cannot', async () => {
    // Two people of their own, so the rate limit others' tests spent does not interfere.
    const dana: FakeUser = { id: 4004, first_name: 'Dana' };
    const eve: FakeUser = { id: 5005, first_name: 'Eve' };
    await addMember(app, 'telegram', String(dana.id), 'Dana', 'viewer');
    await addMember(app, 'telegram', String(eve.id), 'Eve', 'viewer');
    await say(dana.id, dana, '/help'); // Dana has opened a direct chat with the bot; Eve never has
    const { mark, call } = await say(GROUP, dana, '/tgsecret');
    expect(html(call)).toContain('Jupyter: http://box:8888/lab');
    const direct = await fake.waitFor('sendMessage', (candidate) => inChat(dana.id)(candidate) && html(candidate).includes('tg-app-secret-42'), { from: mark });
    expect(html(direct)).toContain('token=tg-app-secret-42');

    const fallback = await say(GROUP, eve, '/tgsecret');
    const refusal = await fake.waitFor('sendMessage', (candidate) => inChat(GROUP)(candidate) && html(candidate).includes('only give it privately'), { from: fallback.mark });
    expect(html(refusal)).toContain('Open a direct message with me');
    const delivered = fake.callsOf('sendMessage', mark).filter((candidate) => candidate.response.ok);
    expect(delivered.filter((candidate) => Number(candidate.payload.chat_id) !== dana.id).map(html).join('\n')).not.toContain('tg-app-secret-42');
  });

  it('survives the Bot API going down mid-poll and resumes polling when it is back', async () => {
    await fake.down();
    // Let a few polls fail against the closed port.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await fake.up();
    const { call } = await say(ADMIN.id, ADMIN, '/whoami');
    expect(html(call)).toContain('<b>Role:</b> admin');
    const log = readFileSync(process.env.LOG_FILE!, 'utf8');
    expect(log).toContain('Cannot reach Telegram (getUpdates failed); retrying with backoff');
    expect(log).toContain('Telegram is reachable again; polling resumed');
  });
});

describe('Telegram platform start', () => {
  const deps = () => ({ registry: app.services.commands, log: app.services.log });
  const config = (env: Record<string, string>) => loadConfig({ COMPUTEHUB_DATA_DIR: app.dataDir, ...env }, '/nonexistent/.env');

  it('fails with a clear message when Telegram refuses the token, without echoing it', async () => {
    const wrongToken = `${TEST_SECRETS.telegramToken.split(':')[0]}:revoked`;
    const attempt = createTelegramPlatform(config({ TELEGRAM_BOT_TOKEN: wrongToken, TELEGRAM_API_ROOT: fake.apiRoot }), deps(), FAST).start();
    await expect(attempt).rejects.toThrow(/^Telegram refused TELEGRAM_BOT_TOKEN \(401 Unauthorized\)\. Copy the token again from @BotFather/);
    await attempt.catch((error: Error) => expect(error.message).not.toContain('revoked'));
  });

  it('fails with a clear message when the Bot API cannot be reached', async () => {
    const closed = new FakeTelegram(TEST_SECRETS.telegramToken);
    await closed.listen();
    const root = closed.apiRoot;
    await closed.close();
    const attempt = createTelegramPlatform(config({ TELEGRAM_BOT_TOKEN: TEST_SECRETS.telegramToken, TELEGRAM_API_ROOT: root }), deps(), FAST).start();
    await expect(attempt).rejects.toThrow(/Cannot reach the Telegram Bot API .*TELEGRAM_API_ROOT/);
  });
});
