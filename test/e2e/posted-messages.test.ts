// Messages a platform posts unprompted and edits later (an alert, then its resolution), with the
// real grammy, discord.js and Slack Web API client against the loopback fakes: the chart shown
// natively with the buttons (a Telegram photo with its caption and keyboard, a Discord embed showing
// its attachment, a Slack image block of an uploaded file above the actions), the edit replacing
// chart and text in place, and the image's description where a platform refuses the image.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordPlatform } from '#platforms/discord/discord.ts';
import type { ChatPlatform } from '#platforms/platform.ts';
import { createSlackPlatform } from '#platforms/slack/slack.ts';
import { createTelegramPlatform } from '#platforms/telegram/telegram.ts';
import type { Reply } from '#core/reply.ts';
import { FakeDiscord } from '#test/fakes/discord.ts';
import { FakeSlack } from '#test/fakes/slack.ts';
import { FakeTelegram } from '#test/fakes/telegram.ts';
import { testApp, type TestApp } from '#test/support/app.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';
import { png } from '#test/support/test-commands.ts';

const TELEGRAM_GROUP = -100700;
const DISCORD_CHANNEL = '600000000000000101';
const SLACK_CHANNEL = 'C0ALERT01';
const FIRST_CHART = png();
const SECOND_CHART = Buffer.concat([png(), Buffer.from('second')]);

function alert(change: Partial<Reply> = {}): Reply {
  return {
    kind: 'error',
    title: 'Down: i3 (train-llama)',
    text: 'i3 (train-llama) is down: vast reports it exited.',
    fields: [{ name: 'Severity', value: 'critical', inline: true }, { name: 'Cost', value: '$0.45/h', inline: true }],
    buttons: [{ label: 'Restart i3', command: 'restart i3 --org=default', style: 'primary' }, { label: 'Mute i3 2h', command: 'mute i3 2h --org=default', style: 'secondary' }],
    image: { png: FIRST_CHART, alt: 'Line chart: i3 GPU, last 6 hours', filename: 'gpu-i3.png' },
    footer: 'More: ssh i3 · events instance=i3',
    ...change,
  };
}

const resolved = alert({ kind: 'success', title: 'Resolved · Down: i3 (train-llama)', buttons: undefined, image: { png: SECOND_CHART, alt: 'Line chart: i3 GPU, last 6 hours', filename: 'gpu-i3.png' } });

let app: TestApp;
let telegram: FakeTelegram;
let discord: FakeDiscord;
let slack: FakeSlack;
const platforms: Record<'telegram' | 'discord' | 'slack', ChatPlatform> = {} as never;

beforeAll(async () => {
  telegram = new FakeTelegram(TEST_SECRETS.telegramToken);
  await telegram.listen();
  discord = await FakeDiscord.start({ token: TEST_SECRETS.discordToken, applicationId: '800000000000000101' });
  discord.channels.set(DISCORD_CHANNEL, { id: DISCORD_CHANNEL, type: 0, guild_id: '700000000000000101', name: 'alerts' });
  slack = new FakeSlack(TEST_SECRETS.slackBotToken);
  await slack.start();
  slack.conversations.set(SLACK_CHANNEL, { member: true });
  app = await testApp({
    TELEGRAM_BOT_TOKEN: TEST_SECRETS.telegramToken,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    DISCORD_TOKEN: TEST_SECRETS.discordToken,
    DISCORD_APPLICATION_ID: '800000000000000101',
    DISCORD_API_URL: discord.apiUrl,
    SLACK_BOT_TOKEN: TEST_SECRETS.slackBotToken,
    SLACK_SIGNING_SECRET: TEST_SECRETS.slackSigningSecret,
    SLACK_API_URL: slack.apiUrl,
  });
  const deps = { registry: app.services.commands, log: app.services.log };
  platforms.telegram = createTelegramPlatform(app.services.config, deps, { pollTimeoutSeconds: 1, pacing: { perChat: { max: 1000, perMs: 10 }, perGroup: { max: 1000, perMs: 10 }, global: { max: 1000, perMs: 10 } } });
  platforms.discord = createDiscordPlatform(app.services.config, deps);
  platforms.slack = createSlackPlatform(app.services.config, deps, { host: '127.0.0.1', port: 0, retryConfig: { retries: 1, factor: 1, minTimeout: 10, maxTimeout: 20 }, fileReadyWaitsMs: [50, 100, 200, 400] });
  await Promise.all(Object.values(platforms).map((platform) => platform.start()));
});

afterAll(async () => {
  await Promise.all(Object.values(platforms).map((platform) => platform.stop()));
  await Promise.all([telegram?.close(), discord?.close(), slack?.stop()]);
  await app?.close();
});

describe('Telegram', () => {
  beforeAll(() => telegram.startedUsers.add(TELEGRAM_GROUP));

  it('posts a photo with the alert as its caption and the buttons under it; the edit swaps chart and caption and drops the buttons', async () => {
    const { messageId } = await platforms.telegram.post(String(TELEGRAM_GROUP), alert());
    const [head] = messageId.split('.');
    const shown = telegram.message(TELEGRAM_GROUP, Number(head!.slice(1)))!;
    expect(shown.kind).toBe('photo');
    expect(shown.photo!.equals(FIRST_CHART)).toBe(true);
    expect(shown.text).toContain('<b>✗ Down: i3 (train-llama)</b>');
    expect(JSON.parse(shown.markup).inline_keyboard.flat().map((button: { text: string }) => button.text)).toEqual(['Restart i3', 'Mute i3 2h']);

    const edited = await platforms.telegram.edit(String(TELEGRAM_GROUP), messageId, resolved);
    expect(edited.messageId).toBe(messageId);
    expect(telegram.callsOf('editMessageMedia')).toHaveLength(1);
    expect(shown.photo!.equals(SECOND_CHART)).toBe(true);
    expect(shown.text).toContain('Resolved · Down');
    expect(shown.markup).toBe('');
  });

  it('keeps a caption within 1024 characters: the title on the photo, the rest and the buttons in a text after it', async () => {
    const long = alert({ text: 'i3 is down. '.repeat(120) });
    const { messageId } = await platforms.telegram.post(String(TELEGRAM_GROUP), long);
    const [photo, text] = messageId.split('.').map((part) => telegram.message(TELEGRAM_GROUP, Number(part.slice(1)))!);
    expect(photo!.text).toBe('<b>Down: i3 (train-llama)</b>');
    expect(photo!.markup).toBe('');
    expect(text!.kind).toBe('text');
    expect(JSON.parse(text!.markup).inline_keyboard.flat()).toHaveLength(2);
    // Resolved, it fits the caption again: the text after it goes.
    const edited = await platforms.telegram.edit(String(TELEGRAM_GROUP), messageId, resolved);
    expect(edited.messageId.split('.')).toHaveLength(1);
    expect(photo!.text).toContain('Resolved');
    expect(telegram.messageExists(TELEGRAM_GROUP, text!.id)).toBe(false);
  });

  it('sends the chart’s description when Telegram refuses the photo, and edits that text later', async () => {
    telegram.failNext('sendPhoto', { error_code: 400, description: 'Bad Request: PHOTO_INVALID_DIMENSIONS' });
    const { messageId } = await platforms.telegram.post(String(TELEGRAM_GROUP), alert());
    const text = telegram.message(TELEGRAM_GROUP, Number(messageId.slice(1)))!;
    expect(text.kind).toBe('text');
    expect(text.text).toContain('Chart: Line chart: i3 GPU, last 6 hours');
    expect(text.markup).toContain('Restart i3');
    await platforms.telegram.edit(String(TELEGRAM_GROUP), messageId, resolved);
    expect(text.text).toContain('Resolved');
    expect(text.markup).toBe('');
  });
});

describe('Discord', () => {
  it('posts an embed showing the chart as its attachment, with the buttons; the edit replaces the attachment', async () => {
    const { messageId } = await platforms.discord.post(DISCORD_CHANNEL, alert());
    const message = discord.message(messageId)!;
    expect(message.embeds[0].image.url).toBe('attachment://gpu-i3.png');
    expect(message.attachments.map((attachment: { filename: string }) => attachment.filename)).toEqual(['gpu-i3.png']);
    expect(discord.attachmentData(message.attachments[0].id)!.equals(FIRST_CHART)).toBe(true);
    expect(message.components[0].components.map((button: { label: string }) => button.label)).toEqual(['Restart i3', 'Mute i3 2h']);

    const edited = await platforms.discord.edit(DISCORD_CHANNEL, messageId, resolved);
    expect(edited.messageId).toBe(messageId);
    expect(message.embeds[0].title).toContain('Resolved');
    expect(message.attachments).toHaveLength(1);
    expect(discord.attachmentData(message.attachments[0].id)!.equals(SECOND_CHART)).toBe(true);
    expect(message.components).toEqual([]);
  });

  it('posts the chart’s description when Discord refuses the attachment', async () => {
    discord.failNext('POST', new RegExp(`^/channels/${DISCORD_CHANNEL}/messages$`), 413, 1, { code: 40005, message: 'Request entity too large' });
    const { messageId } = await platforms.discord.post(DISCORD_CHANNEL, alert());
    const message = discord.message(messageId)!;
    expect(message.attachments).toEqual([]);
    expect(message.embeds[0].description).toContain('Chart: Line chart: i3 GPU');
    expect(message.components[0].components).toHaveLength(2);
  });
});

describe('Slack', () => {
  it('uploads the chart privately, waits until Slack has processed it, and posts it in an image block above the buttons; the edit shows a new upload', async () => {
    slack.fileProcessingMs = 150;
    const { messageId } = await platforms.slack.post(SLACK_CHANNEL, alert());
    const [upload] = slack.callsTo('files.completeUploadExternal');
    expect(upload!.args.channel_id).toBeUndefined();
    const refused = slack.callsTo('chat.postMessage').filter((call) => call.result.error === 'invalid_blocks');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.result.errors[0]).toMatch(/invalid slack file/);
    const message = slack.messages.find((candidate) => messageId === `${candidate.channel}:${candidate.ts}`)!;
    const types = message.blocks!.map((block) => block.type);
    expect(types.indexOf('image')).toBeLessThan(types.indexOf('actions'));
    const image = message.blocks!.find((block) => block.type === 'image')!;
    const file = slack.files.find((candidate) => candidate.id === image.slack_file.id)!;
    expect(file.bytes.equals(FIRST_CHART)).toBe(true);
    expect(image.alt_text).toBe('Line chart: i3 GPU, last 6 hours');

    slack.fileProcessingMs = 0;
    const edited = await platforms.slack.edit(SLACK_CHANNEL, messageId, resolved);
    expect(edited.messageId).toBe(messageId);
    expect(message.edits).toBe(1);
    const newImage = message.blocks!.find((block) => block.type === 'image')!;
    expect(slack.files.find((candidate) => candidate.id === newImage.slack_file.id)!.bytes.equals(SECOND_CHART)).toBe(true);
    expect(message.blocks!.some((block) => block.type === 'actions')).toBe(false);
    expect(message.text).toContain('Resolved');
  });

  it('posts the chart’s description when Slack refuses the upload', async () => {
    slack.failNext('files.completeUploadExternal', 'file_too_large');
    const { messageId } = await platforms.slack.post(SLACK_CHANNEL, alert());
    const message = slack.messages.find((candidate) => messageId === `${candidate.channel}:${candidate.ts}`)!;
    expect(message.blocks!.some((block) => block.type === 'image')).toBe(false);
    expect(JSON.stringify(message.blocks)).toContain('Chart: Line chart: i3 GPU');
    expect(message.blocks!.some((block) => block.type === 'actions')).toBe(true);
  });
});
