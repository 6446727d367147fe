// The bot as a user runs it: `computehub start` in a child process, with Telegram, Discord and
// Slack configured against loopback fakes, the terminal chat on its stdin, and the built-in
// simulator behind `prices`. One platform going down must not stop the others from answering.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, type Where } from '#test/fakes/discord.ts';
import { FakeSlack } from '#test/fakes/slack.ts';
import { SlackSender } from '#test/fakes/slack-requests.ts';
import { FakeTelegram } from '#test/fakes/telegram.ts';
import { fakePlatformsEnv, startBotProcess, type BotProcess } from '#test/support/bot-process.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';
import { freePort } from '#test/support/wait.ts';

const APPLICATION_ID = '810000000000000001';
const DISCORD_USER = { id: '110000000000000001', username: 'dora' };
const DISCORD_DM: Where = { channelId: '610000000000000009' };
const TELEGRAM_USER = { id: 4242, first_name: 'Tess' };
const SLACK_USER = { id: 'USAM0001', name: 'sam' };
const SLACK_DM = { id: 'DSAM0001', name: 'directmessage' };

let telegram: FakeTelegram;
let discord: FakeDiscord;
let slack: FakeSlack;
let sender: SlackSender;
let bot: BotProcess;

async function telegramAnswer(text: string): Promise<string> {
  const mark = telegram.calls.length;
  telegram.userSays(TELEGRAM_USER.id, TELEGRAM_USER, text);
  const call = await telegram.waitFor('sendMessage', (candidate) => candidate.payload.chat_id === TELEGRAM_USER.id, { from: mark, timeoutMs: 20_000 });
  return JSON.stringify(call.payload);
}

async function slackAnswer(text: string): Promise<string> {
  const before = slack.messages.length;
  const delivered = await sender.slashCommand(text, SLACK_USER, SLACK_DM);
  expect(delivered.status).toBe(200);
  const message = await bot.until('a Slack message', () => slack.messages.slice(before).find((candidate) => candidate.channel === SLACK_DM.id));
  return JSON.stringify(message);
}

async function discordAnswer(name: string, values: Record<string, string> = {}, subcommand?: string): Promise<string> {
  const interaction = await discord.slashCommand(DISCORD_USER, DISCORD_DM, name, values, subcommand);
  const calls = await discord.answer(interaction);
  return JSON.stringify(calls.map((call) => call.body));
}

beforeAll(async () => {
  telegram = new FakeTelegram(TEST_SECRETS.telegramToken);
  await telegram.listen();
  discord = await FakeDiscord.start({ token: TEST_SECRETS.discordToken, applicationId: APPLICATION_ID });
  slack = new FakeSlack(TEST_SECRETS.slackBotToken, TEST_SECRETS.slackAppToken);
  await slack.start();
  slack.conversations.set(SLACK_DM.id, { member: true });
  const slackPort = await freePort();
  sender = new SlackSender(`http://127.0.0.1:${slackPort}/slack/events`, TEST_SECRETS.slackSigningSecret, slack);
  bot = startBotProcess({
    ...fakePlatformsEnv({ telegram, discord: { fake: discord, applicationId: APPLICATION_ID }, slack: { fake: slack, port: slackPort } }),
    COMPUTEHUB_CONSOLE: 'on',
    COMPUTEHUB_ADMINS: `telegram:${TELEGRAM_USER.id},discord:${DISCORD_USER.id},slack:${SLACK_USER.id}`,
  });
  await bot.until('the start-up banner', () => /Platforms: terminal, telegram, discord, slack/.test(bot.stdout()), 40_000);
  await bot.until('Discord commands to be registered', () => discord.commands.size > 0, 40_000);
}, 60_000);

afterAll(async () => {
  await bot.stop();
  await Promise.all([telegram.close(), discord.close(), slack.stop()]);
});

describe('all platforms in one process', () => {
  it('answers /prices gpu=4090 on every platform with a table and buttons, from the simulator', async () => {
    const fromTelegram = await telegramAnswer('/prices gpu=4090');
    expect(fromTelegram).toContain('RTX 4090');
    expect(fromTelegram).toContain('<pre>');
    expect(fromTelegram).toContain('inline_keyboard');

    const fromDiscord = await discordAnswer('prices', { gpu: '4090' }, 'search');
    expect(fromDiscord).toContain('RTX 4090');
    expect(fromDiscord).toContain('"components"');
    expect(fromDiscord).toContain('"embeds"');

    const fromSlack = await slackAnswer('prices gpu=4090');
    expect(fromSlack).toContain('RTX 4090');
    expect(fromSlack).toContain('"type":"actions"');

    const fromTerminal = await bot.type('prices gpu=4090', /\[1\] More/);
    expect(fromTerminal).toContain('RTX 4090');
    expect(fromTerminal).toMatch(/simulated/i);
  });

  it('shows a deploy on Telegram by editing one message until the machine is ready with SSH', async () => {
    const mark = telegram.calls.length;
    telegram.userSays(TELEGRAM_USER.id, TELEGRAM_USER, '/deploy gpu=4090 template=pytorch --yes');
    const ready = await telegram.waitFor('editMessageText', (call) => /ssh -p \d+/.test(String(call.payload.text)), { from: mark, timeoutMs: 60_000 });
    const sent = telegram.callsOf('sendMessage', mark).filter((call) => call.payload.chat_id === TELEGRAM_USER.id);
    const edits = telegram.callsOf('editMessageText', mark).filter((call) => call.payload.message_id === ready.payload.message_id);
    expect(sent).toHaveLength(1);
    expect(edits.length).toBeGreaterThanOrEqual(2);
    expect(String(ready.payload.text)).toMatch(/ready/i);
  }, 90_000);

  it('keeps answering on the other platforms while one is down', async () => {
    await telegram.down();
    expect(await discordAnswer('help')).toContain('prices');
    expect(await slackAnswer('whoami')).toContain('admin');
    expect(await bot.type('whoami', /Role:\s+admin/)).toContain('console:local');
    await telegram.up();
    expect(await telegramAnswer('/whoami')).toContain('admin');
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await bot.stop()).toBe(0);
  });
});
