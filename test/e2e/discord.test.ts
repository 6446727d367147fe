// The real discord.js, driven by the Discord platform adapter, against a loopback fake of Discord's
// REST API and gateway. Assertions are on what reaches the fake: the API calls Discord would see.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordPlatform } from '#platforms/discord/discord.ts';
import type { ChatPlatform, PlatformDeps } from '#platforms/platform.ts';
import { ConnectionKeeper } from '#platforms/connection.ts';
import { defineCommand, defineGroup, opt, type CommandDefinition, type OptionSpecs } from '#core/command.ts';
import { loadConfig } from '#src/config.ts';
import { FakeDiscord, type FakeUser, type RecordedCall, type Where } from '#test/fakes/discord.ts';
import { testApp, type TestApp } from '#test/support/app.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';
import { addMember, LONG_GPU, sleep, testCommands } from '#test/support/test-commands.ts';

const APPLICATION_ID = '800000000000000001';
const GUILD_ID = '700000000000000001';
const CHANNEL = '600000000000000001';
const GUILD: Where = { guildId: GUILD_ID, channelId: CHANNEL };
const DM: Where = { channelId: '600000000000000009' };
const ADMIN: FakeUser = { id: '100000000000000001', username: 'alice' };
const DEV: FakeUser = { id: '100000000000000002', username: 'bob' };
const VIEWER: FakeUser = { id: '100000000000000003', username: 'vic' };
const SECRET_VALUE = TEST_SECRETS.vastKey;
// Long enough that a busy machine still answers the quick commands without deferring.
const DEFER_AFTER_MS = 1_000;

const { commands: sharedCommands, state } = testCommands({ prefix: 'demo ', slow: { before: () => sleep(DEFER_AFTER_MS + 100) } });

const demo = defineGroup({ name: 'demo', summary: 'Commands that exercise the Discord adapter' });
const commands = [
  ...sharedCommands,
  defineCommand({
    name: 'demo slowquiet',
    summary: 'Long work whose answer is for the asker only',
    examples: [],
    options: {},
    role: 'viewer',
    mutating: false,
    tier: 'free',
    async run() {
      await sleep(DEFER_AFTER_MS + 100);
      return { kind: 'info', text: 'Your API key ends in 1234.', ephemeral: true };
    },
  }),
  defineCommand({
    name: 'demo quiet',
    summary: 'An ephemeral answer',
    examples: [],
    options: {},
    role: 'viewer',
    mutating: false,
    tier: 'free',
    run: () => ({ kind: 'info', text: 'Only you can see this.', ephemeral: true }),
  }),
  defineCommand({
    name: 'demo secret',
    summary: 'A public answer with a secret for the asker alone',
    examples: [],
    options: {},
    role: 'viewer',
    mutating: false,
    tier: 'free',
    run: () => ({ kind: 'info', text: 'Jupyter: http://box:8888/lab', privateReply: { kind: 'info', text: 'token=dc-app-secret-42', ephemeral: true } }),
  }),
  defineCommand({
    name: 'demo find',
    summary: 'Every option kind',
    examples: [],
    options: {
      vram: opt.range('GPU memory in GB', { integer: true }),
      gpu: opt.string('GPU model', { complete: 'gpu' }),
      count: opt.integer('how many'),
      spot: opt.boolean('interruptible'),
      sort: opt.choice(['price', 'value', 'vram'], 'order'),
      region: opt.string('region', { required: true }),
    },
    role: 'viewer',
    mutating: false,
    tier: 'free',
    run: ({ options }) => ({ kind: 'info', text: 'found', data: options, code: JSON.stringify(options) }),
  }),
  defineCommand({
    name: 'demo long',
    summary: 'A table too long for one message',
    examples: [],
    options: {},
    role: 'viewer',
    mutating: false,
    tier: 'free',
    run: () => ({
      kind: 'info',
      title: 'Every offer',
      table: { columns: [{ header: 'Offer' }, { header: 'Description' }], rows: Array.from({ length: 400 }, (_, index) => [`offer-${index}`, 'x'.repeat(40)]) },
      buttons: [{ label: 'Refresh', command: 'demo long' }],
    }),
  }),
] as unknown as CommandDefinition<OptionSpecs>[];

let fake: FakeDiscord;
let app: TestApp;
let platform: ChatPlatform;
let deps: PlatformDeps;

function env(apiUrl: string, token: string = TEST_SECRETS.discordToken) {
  return { DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_URL: apiUrl, DISCORD_GUILD_ID: GUILD_ID, COMPUTEHUB_ADMINS: `discord:${ADMIN.id}` };
}

function callback(calls: RecordedCall[]): RecordedCall {
  const found = calls.find((call) => call.path.endsWith('/callback'));
  expect(found, 'an interaction callback').toBeDefined();
  return found!;
}

beforeAll(async () => {
  fake = await FakeDiscord.start({ token: TEST_SECRETS.discordToken, applicationId: APPLICATION_ID });
  fake.channels.set(CHANNEL, { id: CHANNEL, type: 0, guild_id: GUILD_ID, name: 'gpu-ops' });
  app = await testApp(env(fake.apiUrl), { commands, groups: [demo] });
  await addMember(app, 'discord', DEV.id, DEV.username, 'dev');
  await addMember(app, 'discord', VIEWER.id, VIEWER.username, 'viewer');
  deps = {
    registry: app.services.commands,
    log: app.services.log,
    complete: async (_source, prefix) => ['RTX 4090', 'RTX 4080', 'A100 80GB'].filter((gpu) => gpu.toLowerCase().includes(prefix.toLowerCase())),
  };
  platform = createDiscordPlatform(app.services.config, deps, { deferAfterMs: DEFER_AFTER_MS });
  await platform.start();
});

afterAll(async () => {
  await platform?.stop();
  await fake?.close();
  await app?.close();
});

describe('Discord platform', () => {
  it('registers slash commands generated from the definitions in the guild', async () => {
    const [put] = await fake.callsTo('PUT', `/applications/${APPLICATION_ID}/guilds/${GUILD_ID}/commands`);
    expect(put!.status).toBe(200);
    expect(put!.headers.authorization).toBe(`Bot ${TEST_SECRETS.discordToken}`);
    const body = put!.body as any[];
    const names = body.map((command) => command.name);
    expect(names).toEqual(expect.arrayContaining(['help', 'whoami', 'licence', 'demo']));
    const licence = body.find((command) => command.name === 'licence');
    expect(licence.options.map((option: any) => [option.name, option.type])).toEqual([['status', 1], ['activate', 1]]);
    expect(licence.options[1].options[0]).toMatchObject({ name: 'key', type: 3, required: true });
    const find = body.find((command) => command.name === 'demo').options.find((option: any) => option.name === 'find');
    const byName = Object.fromEntries(find.options.map((option: any) => [option.name, option]));
    // Required options first, as Discord demands; then declaration order; then the free args string.
    expect(find.options.map((option: any) => option.name)).toEqual(['region', 'vram', 'gpu', 'count', 'spot', 'sort', 'args']);
    expect(byName.vram).toMatchObject({ type: 3 });
    expect(byName.vram.description).toContain('>=24');
    expect(byName.gpu).toMatchObject({ type: 3, autocomplete: true });
    expect(byName.count).toMatchObject({ type: 4 });
    expect(byName.spot).toMatchObject({ type: 5 });
    expect(byName.sort.choices.map((choice: any) => choice.value)).toEqual(['price', 'value', 'vram']);
    expect(body.every((command) => !command.contexts)).toBe(true);
  });

  it('answers /help with an embed through the interaction callback', async () => {
    const interaction = await fake.slashCommand(ADMIN, GUILD, 'help');
    const answer = callback(await fake.answer(interaction));
    expect(answer.status).toBe(204);
    expect(answer.headers.authorization).toBeUndefined();
    expect(answer.body.type).toBe(4);
    const [embed] = answer.body.data.embeds;
    expect(embed.description).toContain('```');
    expect(embed.description).toContain('licence');
    expect(embed.color).toBeTypeOf('number');
  });

  it('renders a table in a code block with buttons as components', async () => {
    const interaction = await fake.slashCommand(ADMIN, GUILD, 'demo', {}, 'offers');
    const { data } = callback(await fake.answer(interaction)).body;
    expect(data.embeds[0].title).toBe('Offers <cheap> & fast');
    expect(data.embeds[0].description).toBe(
      'Provider said: <script>alert(1)</script> & more\n\n```\nGPU         Provider      $/h\n──────────  ───────────  ────\nRTX 4090    vast         0.35\nH100 <SXM>  runpod & co  2.49\n```',
    );
    expect(data.embeds[0].footer.text).toBe('simulated · 12 s old');
    const buttons = data.components[0].components;
    expect(buttons.map((button: any) => button.label)).toEqual(['Details 4090', 'Long one', 'Refresh']);
    for (const button of buttons) expect(button.custom_id.length).toBeLessThanOrEqual(100);
    expect(buttons[1].custom_id).toMatch(/\|ref:/);
  });

  it('runs a button follow-up as the person who pressed it', async () => {
    // The second button, whose command is too long for a custom_id and travels by reference.
    const press = await fake.pressButton(DEV, GUILD, 'Long one');
    const answer = callback(await fake.answer(press));
    expect(answer.body.type).toBe(4);
    expect(answer.body.data.embeds[0].description).toContain(`Offer ${LONG_GPU} for bob (${DEV.id}, dev)`);
  });

  it('sends an image as a multipart attachment referenced by the embed', async () => {
    const interaction = await fake.slashCommand(ADMIN, GUILD, 'demo', {}, 'chart');
    const answer = callback(await fake.answer(interaction));
    expect(answer.headers['content-type']).toMatch(/^multipart\/form-data/);
    expect(answer.body.data.embeds[0].image.url).toBe('attachment://chart.png');
    expect(answer.body.data.attachments[0]).toMatchObject({ id: '0', description: 'RTX 4090 price, 7 days' });
    const [file] = answer.files;
    expect(file).toMatchObject({ field: 'files[0]', filename: 'chart.png', contentType: 'image/png' });
    expect(file!.data.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it('answers in text with the chart\'s description when Discord refuses the attachment', async () => {
    fake.failNext('POST', /^\/interactions\/\d+\/[^/]+\/callback$/, 413, 1, { code: 40005, message: 'Request entity too large' });
    const interaction = await fake.slashCommand(ADMIN, GUILD, 'demo', {}, 'chart');
    const [refused, answer] = await fake.answer(interaction, 2);
    expect(refused!.status).toBe(413);
    expect(answer!.files).toEqual([]);
    expect(answer!.body.data.embeds[0].description).toContain('Chart: RTX 4090 price, 7 days');
    expect(readFileSync(process.env.LOG_FILE!, 'utf8')).toContain('Discord refused the image; sending the reply as text');
  });

  it('defers a slow command, then edits the one original response with progress and the result', async () => {
    const interaction = await fake.slashCommand(ADMIN, GUILD, 'demo', {}, 'slow');
    const calls = await fake.until(() => {
      const answers = fake.answers(interaction);
      return answers.some((call) => JSON.stringify(call.body).includes('Deployed')) ? answers : undefined;
    }, 'the final edit');
    expect(calls[0]!.body).toEqual({ type: 5, data: { flags: 0 } });
    const edits = calls.slice(1);
    expect(edits.length).toBe(4);
    for (const edit of edits) {
      expect(edit.method).toBe('PATCH');
      expect(edit.path).toBe(`/webhooks/${APPLICATION_ID}/${interaction.token}/messages/@original`);
      expect(edit.status).toBe(200);
    }
    expect(edits.map((edit) => edit.body.embeds[0].description)).toEqual(['Deploying: step 1 of 3', 'Deploying: step 2 of 3', 'Deploying: step 3 of 3', 'Deployed: instance i-1 is running']);
  });

  it('replaces a public deferral by an ephemeral follow-up when the late answer is private', async () => {
    const interaction = await fake.slashCommand(ADMIN, GUILD, 'demo', {}, 'slowquiet');
    const calls = await fake.answer(interaction, 3);
    expect(calls.map((call) => `${call.method} ${call.path.replace(interaction.token, 'TOKEN')}`)).toEqual([
      `POST /interactions/${interaction.id}/TOKEN/callback`,
      `DELETE /webhooks/${APPLICATION_ID}/TOKEN/messages/@original`,
      `POST /webhooks/${APPLICATION_ID}/TOKEN`,
    ]);
    expect(calls[0]!.body.type).toBe(5);
    expect(calls[2]!.body.flags).toBe(64);
    expect(calls[2]!.body.embeds[0].description).toBe('Your API key ends in 1234.');
  });

  it('answers an expired button with an ephemeral note', async () => {
    const press = await fake.pressCustomId(ADMIN, GUILD, 'r0|ref:gone-after-restart');
    const answer = callback(await fake.answer(press)).body;
    expect(answer).toMatchObject({ type: 4, data: { flags: 64, content: expect.stringContaining('expired') } });
  });

  it('answers ephemerally (flags 64) when the reply asks for it', async () => {
    const interaction = await fake.slashCommand(VIEWER, GUILD, 'demo', {}, 'quiet');
    const answer = callback(await fake.answer(interaction));
    expect(answer.body.data.flags).toBe(64);
  });

  it('shows the public answer to the channel and the secret in an ephemeral follow-up only', async () => {
    const interaction = await fake.slashCommand(ADMIN, GUILD, 'demo', {}, 'secret');
    const calls = await fake.answer(interaction, 2);
    expect(calls[0]!.body.data.flags ?? 0).toBe(0);
    expect(JSON.stringify(calls[0]!.body)).not.toContain('dc-app-secret-42');
    expect(calls[1]!.path).toBe(`/webhooks/${APPLICATION_ID}/${interaction.token}`);
    expect(calls[1]!.body.flags).toBe(64);
    expect(JSON.stringify(calls[1]!.body)).toContain('token=dc-app-secret-42');
  });

  it('turns typed options into the command line: comparisons, numbers, booleans, choices, args', async () => {
    const interaction = await fake.slashCommand(ADMIN, GUILD, 'demo', { region: 'EU west', vram: '>=24 <= 80', count: 2, spot: true, sort: 'value', args: 'gpu=4090' }, 'find');
    const { data } = callback(await fake.answer(interaction)).body;
    expect(JSON.parse(data.embeds[0].description.split('```\n')[1].split('\n```')[0])).toEqual({
      region: 'EU west',
      vram: [{ op: '>=', value: 24 }, { op: '<=', value: 80 }],
      gpu: '4090',
      count: 2,
      spot: true,
      sort: 'value',
    });
  });

  it('offers autocomplete suggestions from the completion source', async () => {
    const interaction = await fake.autocomplete(ADMIN, GUILD, 'demo', { region: 'eu', gpu: '40' }, 'gpu', 'find');
    const answer = callback(await fake.answer(interaction));
    expect(answer.body).toEqual({ type: 8, data: { choices: [{ name: 'RTX 4090', value: 'RTX 4090' }, { name: 'RTX 4080', value: 'RTX 4080' }] } });
  });

  it('refuses a viewer who presses Confirm, then runs it for a dev and replaces the prompt', async () => {
    const ask = await fake.slashCommand(DEV, GUILD, 'demo', { target: 'box-1' }, 'zap');
    const prompt = callback(await fake.answer(ask)).body.data;
    const confirm = prompt.components[0].components.find((button: any) => button.label === 'Confirm');
    expect(confirm.style).toBe(4);

    const viewerPress = await fake.pressButton(VIEWER, GUILD, 'Confirm');
    const refusal = callback(await fake.answer(viewerPress)).body;
    expect(refusal.type).toBe(4);
    expect(refusal.data.flags).toBe(64);
    expect(refusal.data.embeds[0].description).toContain('needs the dev role');
    expect(state.destroyed).toEqual([]);

    const devPress = await fake.pressButton(DEV, GUILD, 'Confirm');
    const done = callback(await fake.answer(devPress)).body;
    expect(done.type).toBe(7);
    expect(done.data.embeds[0].description).toBe('Destroyed box-1');
    expect(done.data.components).toEqual([]);
    expect(state.destroyed).toEqual(['box-1']);

    await fake.slashCommand(DEV, GUILD, 'demo', { target: 'box-2' }, 'zap');
    await fake.until(() => fake.calls.some((call) => JSON.stringify(call.body ?? '').includes('About to destroy box-2.')), 'the second prompt');
    const cancel = await fake.pressButton(DEV, GUILD, 'Cancel');
    const cancelled = callback(await fake.answer(cancel)).body;
    expect(cancelled.type).toBe(7);
    expect(cancelled.data.embeds[0].description).toContain('Cancelled');
    expect(state.destroyed).toEqual(['box-1']);
  });

  it('refuses a secret-carrying command in a shared channel, ephemerally, storing nothing', async () => {
    const interaction = await fake.slashCommand(ADMIN, GUILD, 'demo', { key: SECRET_VALUE }, 'setkey');
    const answer = callback(await fake.answer(interaction));
    expect(answer.body.data.flags).toBe(64);
    expect(answer.body.data.embeds[0].description).toContain('only works in a direct message');
    expect(JSON.stringify(answer.body)).not.toContain(SECRET_VALUE);
    expect(state.stored).toEqual([]);
    await app.services.db.flush();
    expect(readFileSync(path.join(app.dataDir, 'db.json'), 'utf8')).not.toContain(SECRET_VALUE);

    const direct = await fake.slashCommand(ADMIN, DM, 'demo', { key: SECRET_VALUE }, 'setkey');
    expect(callback(await fake.answer(direct)).body.data.embeds[0].description).toBe('Key stored.');
    expect(state.stored).toEqual([SECRET_VALUE]);
  });

  it('splits a reply over Discord limits into follow-ups, buttons on the last', async () => {
    const interaction = await fake.slashCommand(ADMIN, GUILD, 'demo', {}, 'long');
    const calls = await fake.until(() => {
      const answers = fake.answers(interaction);
      return answers.some((call) => call.body?.components?.length || call.body?.data?.components?.length) ? answers : undefined;
    }, 'the message carrying the buttons');
    expect(calls.length).toBeGreaterThan(1);
    for (const call of calls) expect([200, 204]).toContain(call.status);
    const followUps = calls.filter((call) => call.method === 'POST' && call.path === `/webhooks/${APPLICATION_ID}/${interaction.token}`);
    expect(followUps.length).toBe(calls.length - 1);
    const descriptions = [callback(calls).body.data, ...followUps.map((call) => call.body)].flatMap((message) => message.embeds.map((embed: any) => embed.description as string));
    for (const description of descriptions) expect(description.startsWith('```\n') && description.endsWith('\n```')).toBe(true);
    expect(descriptions.join('\n')).toContain('offer-399');
  });

  it('posts a Reply to a channel unprompted', async () => {
    await platform.post(CHANNEL, { kind: 'warning', title: 'Cost cap reached', text: 'Project ml spent $50 today.' });
    const [call] = await fake.callsTo('POST', `/channels/${CHANNEL}/messages`);
    expect(call!.headers.authorization).toBe(`Bot ${TEST_SECRETS.discordToken}`);
    expect(call!.body.embeds[0]).toMatchObject({ title: 'Cost cap reached', color: 0xfee75c });
  });

  it('survives the gateway closing: discord.js resumes and interactions keep working', async () => {
    const resumesBefore = fake.resumes;
    fake.closeGateway(4000);
    await fake.until(() => fake.resumes > resumesBefore && fake.connected, 'a resumed session');
    const interaction = await fake.slashCommand(ADMIN, DM, 'whoami');
    expect(callback(await fake.answer(interaction)).status).toBe(204);
  });
});

describe('Discord login', () => {
  it('retries with backoff while Discord answers 5xx, without crashing', async () => {
    const other = await FakeDiscord.start({ token: TEST_SECRETS.discordToken, applicationId: APPLICATION_ID });
    // discord.js retries a 5xx three times itself; four failures make the first login fail.
    other.failNext('GET', /^\/gateway\/bot$/, 503, 4);
    const config = loadConfig({ ...env(other.apiUrl), COMPUTEHUB_DATA_DIR: app.dataDir }, '/nonexistent/.env');
    const retrying = new ConnectionKeeper(createDiscordPlatform(config, deps), deps.log, { baseMs: 50, maxMs: 200 });
    try {
      void retrying.keep();
      await other.until(() => other.identifies > 0, 'a login after the outage');
      expect(other.calls.filter((call) => call.path === '/gateway/bot' && call.status === 503)).toHaveLength(4);
    } finally {
      await retrying.stop();
      await other.close();
    }
  });

  it('rejects start() with a fix when Discord refuses the token, and does not retry', async () => {
    const other = await FakeDiscord.start({ token: TEST_SECRETS.discordToken, applicationId: APPLICATION_ID });
    const config = loadConfig({ ...env(other.apiUrl, 'not-the-real-token.xyz.abc'), COMPUTEHUB_DATA_DIR: app.dataDir }, '/nonexistent/.env');
    const refused = createDiscordPlatform(config, deps);
    try {
      await expect(refused.start()).rejects.toThrow(/Reset Token/);
      // The keeper gives up at once on a refused token: one more login, then nothing.
      await new ConnectionKeeper(refused, deps.log, { baseMs: 10, maxMs: 20 }).keep();
      await sleep(100);
      expect(other.calls.filter((call) => call.path === '/gateway/bot')).toHaveLength(2);
    } finally {
      await refused.stop();
      await other.close();
    }
  });
});
