// Alerts in the bot as a user runs it: `computehub start` in a child process with Telegram, Discord
// and Slack (loopback fakes) and the built-in simulator, each platform's team channel a notify
// channel. A watched instance crashes (a simulator fault): each channel gets one alert with the GPU
// chart and buttons; Restart pressed by a viewer is refused on every platform, pressed by a dev it
// restarts exactly that instance at the provider, and the alerts are then edited to "resolved".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, type Where } from '#test/fakes/discord.ts';
import { FakeSlack } from '#test/fakes/slack.ts';
import { findButton, SlackSender } from '#test/fakes/slack-requests.ts';
import { FakeTelegram, type ApiCall } from '#test/fakes/telegram.ts';
import { fakePlatformsEnv, simulatorAdmin, startBotProcess, type BotProcess } from '#test/support/bot-process.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';
import { freePort } from '#test/support/wait.ts';

const APPLICATION_ID = '810000000000000201';
const TELEGRAM = { admin: { id: 5301, first_name: 'Ada' }, viewer: { id: 5302, first_name: 'Vic' }, group: -100530 };
const DISCORD = { admin: { id: '110000000000000201', username: 'dora' }, viewer: { id: '110000000000000202', username: 'val' }, dev: { id: '110000000000000203', username: 'dev' } };
const DISCORD_TEAM: Where = { guildId: '710000000000000201', channelId: '610000000000000201' };
const SLACK = { admin: { id: 'USAM0201', name: 'sam' }, viewer: { id: 'UVIV0201', name: 'viv' }, team: { id: 'C0TEAM201', name: 'gpu-team' } };

let telegram: FakeTelegram;
let discord: FakeDiscord;
let slack: FakeSlack;
let sender: SlackSender;
let bot: BotProcess;

async function simRequests(url: string, endpoint: string): Promise<number> {
  const { requests } = (await simulatorAdmin(url, '/requests?provider=vast&limit=1000')) as { requests: { endpoint: string }[] };
  return requests.filter((request) => request.endpoint === endpoint).length;
}

/** An admin line in the Telegram DM, answered by a message matching `answer`. */
async function telegramAdmin(line: string, answer: RegExp, timeoutMs = 20_000): Promise<void> {
  const mark = telegram.calls.length;
  telegram.userSays(TELEGRAM.admin.id, TELEGRAM.admin, line);
  await telegram.waitFor('sendMessage', (call) => answer.test(String(call.payload.text)), { from: mark, timeoutMs }).catch((error) => {
    throw new Error(`${error.message}: ${JSON.stringify(telegram.calls.slice(mark).map((call) => [call.method, call.payload, call.response]))}`);
  });
}

const telegramAlerts = (): ApiCall[] => telegram.callsOf('sendPhoto').filter((call) => String(call.payload.chat_id) === String(TELEGRAM.group) && /Down: i1/.test(String(call.payload.caption)));
const discordAlerts = () => discord.channelMessages(DISCORD_TEAM.channelId).filter((message) => /Down: i1/.test(message.embeds?.[0]?.title ?? ''));
const slackAlerts = () => slack.messages.filter((message) => message.channel === SLACK.team.id && /Down: i1/.test(message.text));

beforeAll(async () => {
  telegram = new FakeTelegram(TEST_SECRETS.telegramToken);
  await telegram.listen();
  discord = await FakeDiscord.start({ token: TEST_SECRETS.discordToken, applicationId: APPLICATION_ID });
  discord.channels.set(DISCORD_TEAM.channelId, { id: DISCORD_TEAM.channelId, type: 0, guild_id: DISCORD_TEAM.guildId, name: 'gpu-team' });
  slack = new FakeSlack(TEST_SECRETS.slackBotToken);
  await slack.start();
  // Slack processes an upload before an image block may show it; the bot waits for it.
  slack.fileProcessingMs = 300;
  slack.conversations.set(SLACK.team.id, { member: true });
  const slackPort = await freePort();
  sender = new SlackSender(`http://127.0.0.1:${slackPort}/slack/events`, TEST_SECRETS.slackSigningSecret, slack);
  bot = startBotProcess({
    ...fakePlatformsEnv({ telegram, discord: { fake: discord, applicationId: APPLICATION_ID }, slack: { fake: slack, port: slackPort } }),
    COMPUTEHUB_CONSOLE: 'off',
    COMPUTEHUB_ADMINS: `telegram:${TELEGRAM.admin.id},discord:${DISCORD.admin.id},slack:${SLACK.admin.id}`,
    SYNC_INTERVAL_SECONDS: '2',
    ALERT_GROUP_WAIT_SECONDS: '1',
    ALERT_GROUP_INTERVAL_SECONDS: '2',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
  });
  await bot.until('the bot to start', () => /"msg":"started"/.test(bot.log()), 40_000);
  await bot.until('Discord commands to be registered', () => discord.commands.size > 0, 40_000);
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await Promise.all([telegram?.close(), discord?.close(), slack?.stop()]);
});

describe('alerts on every platform in one bot process', () => {
  it('a crashed watched instance: one alert with chart and buttons per platform; Restart refused to viewers, done for a dev', async () => {
    const simulator = bot.simulatorAdmin();

    await telegramAdmin(`/member add telegram:${TELEGRAM.viewer.id} role=viewer name=Vic`, /./);
    await telegramAdmin(`/member add discord:${DISCORD.viewer.id} role=viewer name=Val`, /Val/);
    await telegramAdmin(`/member add discord:${DISCORD.dev.id} role=dev name=Dev`, /Dev/);
    await telegramAdmin(`/member add slack:${SLACK.viewer.id} role=viewer name=Viv`, /Viv/);
    // Each platform's team channel becomes a notify channel, added there by its admin.
    let mark = telegram.calls.length;
    telegram.userSays(TELEGRAM.group, TELEGRAM.admin, '/notify add here');
    await telegram.waitFor('sendMessage', (call) => /n1/.test(String(call.payload.text)), { from: mark });
    await discord.answer(await discord.slashCommand(DISCORD.admin, DISCORD_TEAM, 'notify', { where: 'here' }, 'add'));
    expect((await sender.slashCommand('notify add here', SLACK.admin, SLACK.team)).status).toBe(200);
    await slack.waitFor(() => [...slack.messages.map((message) => message.text), ...slack.responses.map((response) => JSON.stringify(response.body))].some((text) => /n3/.test(text)), 'the Slack channel added', 20_000);
    await telegramAdmin('/notify list', /n3/);

    mark = telegram.calls.length;
    telegram.userSays(TELEGRAM.admin.id, TELEGRAM.admin, '/deploy gpu=4090 provider=vast template=pytorch --yes');
    await telegram.waitFor('editMessageText', (call) => /ssh -p \d+/.test(String(call.payload.text)), { from: mark, timeoutMs: 60_000 });
    await telegramAdmin('/watch i1 restart=off', /Watching i1/);

    const state = await simulatorAdmin(simulator, '/state');
    const machine = (state.instances as { provider: string; id: string }[]).find((instance) => instance.provider === 'vast')!;
    await simulatorAdmin(simulator, '/faults', { provider: 'vast', kind: 'crash', instanceId: machine.id });

    // One alert per platform, each with the chart and the buttons.
    const [photo] = await bot.until('the Telegram alert', () => (telegramAlerts().length ? telegramAlerts() : undefined));
    const posted = await bot.until('the Discord alert', () => (discordAlerts().length ? discordAlerts() : undefined));
    const slacked = await bot.until('the Slack alert', () => (slackAlerts().length ? slackAlerts() : undefined));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect([telegramAlerts().length, discordAlerts().length, slackAlerts().length]).toEqual([1, 1, 1]);
    expect(photo!.files[String(photo!.payload.photo).slice('attach://'.length)]!.bytes.subarray(1, 4).toString()).toBe('PNG');
    const keyboard = (photo!.payload.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard.flat();
    expect(keyboard.map((button) => button.text)).toEqual(['Restart i1', 'Mute i1 2h']);
    expect(posted[0]!.embeds[0].image.url).toMatch(/^attachment:\/\/(gpu|spend)-i1\.png$/);
    expect(posted[0]!.attachments).toHaveLength(1);
    const image = slacked[0]!.blocks!.find((block) => block.type === 'image')!;
    expect(slack.files.find((file) => file.id === image.slack_file.id)!.bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(findButton(slacked[0]!.blocks, 'Restart i1').value).toContain('restart i1 --org=default');

    // Viewers may look, not act: refused on every platform, nothing reaches the provider.
    const restartsBefore = await simRequests(simulator, 'restart');
    mark = telegram.calls.length;
    const restart = keyboard.find((button) => button.text === 'Restart i1')!;
    telegram.press(TELEGRAM.group, (photo!.response.result as { message_id: number }).message_id, TELEGRAM.viewer, restart.callback_data);
    const popup = await telegram.waitFor('answerCallbackQuery', (call) => /needs the dev role/.test(String(call.payload.text)), { from: mark });
    expect(popup.payload.show_alert).toBe(true);
    const refusedOnDiscord = await discord.answer(await discord.pressButton(DISCORD.viewer, DISCORD_TEAM, 'Restart i1'));
    expect(JSON.stringify(refusedOnDiscord.map((call) => call.body))).toContain('needs the dev role');
    const responsesBefore = slack.responses.length;
    expect((await sender.press(findButton(slacked[0]!.blocks, 'Restart i1'), SLACK.viewer, SLACK.team, { ts: slacked[0]!.ts })).status).toBe(200);
    await slack.waitFor(() => slack.responses.slice(responsesBefore).find((response) => /needs the dev role/.test(JSON.stringify(response.body))), 'the refusal to the Slack viewer');
    expect(await simRequests(simulator, 'restart')).toBe(restartsBefore);

    // A dev's press restarts exactly that instance, at the provider.
    await discord.answer(await discord.pressButton(DISCORD.dev, DISCORD_TEAM, 'Restart i1'));
    await bot.until('the restart to reach Vast', async () => (await simRequests(simulator, 'restart')) === restartsBefore + 1);
    const { requests } = (await simulatorAdmin(simulator, '/requests?provider=vast&limit=1000')) as { requests: { endpoint: string; path?: string }[] };
    expect(JSON.stringify(requests.filter((request) => request.endpoint === 'restart'))).toContain(machine.id);

    // Running again: each alert is edited in place to say so, its buttons gone.
    await bot.until('the Telegram alert to be resolved', () => telegram.callsOf('editMessageMedia').some((call) => /Resolved/.test(String((call.payload.media as { caption?: string }).caption))), 40_000);
    await bot.until('the Discord alert to be resolved', () => /Resolved/.test(discord.message(posted[0]!.id)!.embeds[0].title), 20_000);
    await bot.until('the Slack alert to be resolved', () => /Resolved/.test(slacked[0]!.text), 20_000);
    expect(discord.message(posted[0]!.id)!.components).toEqual([]);
    expect(slacked[0]!.blocks!.some((block) => block.type === 'actions')).toBe(false);
  }, 180_000);
});
