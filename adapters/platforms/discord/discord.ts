// Discord over the gateway with discord.js: slash commands generated from the command definitions,
// interactions turned into Invocations for the registry, Replies rendered as embeds, buttons and
// attachments. discord.js resumes dropped gateway sessions itself; a failed login, or a session the
// gateway ends for good, is reported to the ConnectionKeeper, which owns retrying.
import { Client, Events, InteractionContextType, MessageFlags, Routes, type AutocompleteInteraction, type ButtonInteraction, type ChatInputCommandInteraction, type CommandInteractionOption, type Interaction } from 'discord.js';
import type { Config } from '#src/config.ts';
import type { Actor, Channel } from '#core/command.ts';
import type { Reply } from '#core/reply.ts';
import type { Logger } from '#src/log.ts';
import { ButtonCommands, EXPIRED_BUTTON_TEXT } from '../buttons.ts';
import { buildSlashCommands, commandLine, matchingChoices, slashTarget, COMMAND_LIMITS } from './discord-commands.ts';
import { BUTTON_PAYLOAD_LIMIT, decodeCustomId, renderDiscord, type ButtonEffect } from './discord-render.ts';
import { describeDiscordError, InteractionResponder, type AnswerableInteraction } from './discord-responder.ts';
import { withinDeadline, settlesWithin } from '#core/deadline.ts';
import { CredentialsRefused, type ChatPlatform, type PlatformDeps, type PostedMessage } from '../platform.ts';
import { DiscordPosts, sendableChannel } from './discord-posts.ts';
import { prepareAnswer } from '../reply-step.ts';

export interface DiscordTuning {
  /** Defer an interaction's answer after this long (Discord's deadline is 3 s). */
  deferAfterMs?: number;
  /** Suggestions not found within this long are skipped (autocomplete also has a 3 s deadline). */
  completeTimeoutMs?: number;
}

const DEFAULTS: Required<DiscordTuning> = { deferAfterMs: 1_500, completeTimeoutMs: 2_000 };

/** Gateway close code 4004: Discord refused the token. Retrying would only get the bot rate-limited. */
const AUTHENTICATION_FAILED = 4004;

const TOKEN_REFUSED =
  'Discord refused DISCORD_TOKEN. Copy the bot token again (Developer Portal → your application → Bot → Reset Token), put it in DISCORD_TOKEN, and restart.';

export function createDiscordPlatform(config: Config, deps: PlatformDeps, tuning: DiscordTuning = {}): ChatPlatform {
  if (!config.DISCORD_TOKEN) throw new Error('DISCORD_TOKEN is not set, so Discord cannot start. Set it to the bot token from the Developer Portal (Bot → Reset Token).');
  return new DiscordPlatform(config, config.DISCORD_TOKEN, deps, { ...DEFAULTS, ...stripUndefined(tuning) });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

function isTokenRefused(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 'TokenInvalid';
}

const STOP_WAIT_MS = 5_000;

function clip(text: string, limit: number): string {
  return text.length <= limit ? text : text.slice(0, limit);
}

class DiscordPlatform implements ChatPlatform {
  readonly name = 'discord' as const;
  private client: Client | undefined;
  private connecting: Promise<unknown> | undefined;
  private lost: ((error: unknown) => void) | undefined;
  private stopped = false;
  private registered = false;
  private readonly buttons = new ButtonCommands(BUTTON_PAYLOAD_LIMIT);
  private readonly posts: DiscordPosts;
  private readonly log: Logger;

  constructor(
    private readonly config: Config,
    private readonly token: string,
    private readonly deps: PlatformDeps,
    private readonly tuning: Required<DiscordTuning>,
  ) {
    this.log = deps.log.child({ platform: 'discord' });
    this.posts = new DiscordPosts((message) => renderDiscord(message, this.buttons), this.log);
  }

  /** One login on a fresh client. */
  async start(lost?: (error: unknown) => void): Promise<void> {
    this.stopped = false;
    this.lost = lost;
    const attempt = this.attemptLogin();
    this.connecting = attempt;
    await attempt;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    // Destroying a client in the middle of its login never settles, so a login under way finishes first.
    await settlesWithin(this.connecting, STOP_WAIT_MS);
    const client = this.client;
    this.client = undefined;
    if (client && !(await settlesWithin(client.destroy(), STOP_WAIT_MS))) this.log.warn('Discord client did not close within 5 s; leaving it behind');
  }

  readonly post = async (channelId: string, message: Reply): Promise<PostedMessage> => ({ messageId: await this.posts.post(await sendableChannel(this.client, channelId), message) });
  readonly edit = async (channelId: string, messageId: string, message: Reply): Promise<PostedMessage> => ({ messageId: await this.posts.edit(await sendableChannel(this.client, channelId), messageId, message) });

  private async attemptLogin(): Promise<void> {
    const client = this.createClient();
    this.client = client;
    try {
      await client.login(this.token);
    } catch (error) {
      if (this.client === client) this.client = undefined;
      await client.destroy().catch(() => undefined);
      if (isTokenRefused(error)) throw new CredentialsRefused(TOKEN_REFUSED);
      throw new Error(`Discord login failed (${error instanceof Error ? error.message : String(error)}); check the network, or https://discordstatus.com`);
    }
    if (this.stopped) {
      if (this.client === client) this.client = undefined;
      await client.destroy();
      return;
    }
    this.log.info({ bot: client.user?.username }, 'Discord connected');
    await this.registerCommands(client);
  }

  private createClient(): Client {
    // Interactions arrive without any gateway intent, and no intent means no privileged-intent setup.
    // Node's fetch, not @discordjs/rest's own undici: that one hands its FormData (a file upload) to
    // whichever undici installed the process-wide dispatcher first, and another version cannot read it.
    const client = new Client({ intents: [], rest: { makeRequest: fetch as never, ...(this.config.DISCORD_API_URL && { api: this.config.DISCORD_API_URL }) } });
    client.on(Events.InteractionCreate, (interaction) => void this.onInteraction(interaction));
    client.on(Events.Error, (error) => this.log.error({ err: describeDiscordError(error) }, 'Discord client error'));
    client.on(Events.Warn, (message) => this.log.warn({ message }, 'Discord client warning'));
    client.on(Events.ShardError, (error) => this.log.warn({ err: describeDiscordError(error) }, 'Discord gateway connection error; discord.js reconnects by itself'));
    client.on(Events.ShardReconnecting, () => this.client === client && this.log.info('Discord gateway reconnecting'));
    client.on(Events.ShardResume, () => this.log.info('Discord gateway session resumed'));
    client.on(Events.ShardDisconnect, (event) => this.onGatewayGone(client, event.code));
    return client;
  }

  /** discord.js gives up on a session only for close codes it cannot recover from. */
  private onGatewayGone(client: Client, code: number): void {
    if (this.client !== client || this.stopped) return;
    this.client = undefined;
    void client.destroy().catch(() => undefined);
    if (code === AUTHENTICATION_FAILED) {
      this.log.error({ code }, TOKEN_REFUSED);
      return;
    }
    this.lost?.(new Error(`Discord's gateway closed the session for good (code ${code})`));
  }

  /** Bulk-overwrites the slash commands: per guild when DISCORD_GUILD_ID is set (instant), otherwise globally. */
  private async registerCommands(client: Client): Promise<void> {
    if (this.registered) return;
    const applicationId = this.config.DISCORD_APPLICATION_ID ?? client.application?.id;
    if (!applicationId) {
      this.log.error('Discord did not say which application this bot belongs to; set DISCORD_APPLICATION_ID (Developer Portal → General Information → Application ID). Slash commands were not registered.');
      return;
    }
    if (client.application?.id && client.application.id !== applicationId) {
      this.log.warn({ configured: applicationId, actual: client.application.id }, 'DISCORD_APPLICATION_ID is not the application of DISCORD_TOKEN; slash commands go to the configured one. Fix DISCORD_APPLICATION_ID if they do not show up.');
    }
    const guildId = this.config.DISCORD_GUILD_ID;
    const body = buildSlashCommands(this.deps.registry, { global: !guildId });
    try {
      await client.rest.put(guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId), { body });
      this.registered = true;
      this.log.info({ commands: body.length, scope: guildId ? 'guild' : 'global' }, guildId ? 'Discord slash commands registered in the guild' : 'Discord slash commands registered globally (Discord may take up to an hour to show changes)');
    } catch (error) {
      this.log.error(
        { err: describeDiscordError(error) },
        guildId
          ? `Discord refused the slash commands for guild ${guildId}: invite the bot to that server with the bot and applications.commands scopes, and check DISCORD_GUILD_ID and DISCORD_APPLICATION_ID.`
          : 'Discord refused the slash commands: check DISCORD_APPLICATION_ID matches the bot token.',
      );
    }
  }

  private async onInteraction(interaction: Interaction): Promise<void> {
    try {
      if (interaction.isAutocomplete()) await this.suggest(interaction);
      else if (interaction.isChatInputCommand()) await this.slashCommand(interaction);
      else if (interaction.isButton()) await this.buttonPress(interaction);
    } catch (error) {
      this.log.error({ err: describeDiscordError(error), interaction: interaction.id }, 'Discord interaction failed');
    }
  }

  private who(interaction: Interaction): { actor: Actor; channel: Channel } {
    // A server channel, or a group DM / another person's DM where the app is user-installed, is shared.
    const shared = interaction.inGuild() || interaction.context === InteractionContextType.PrivateChannel;
    return {
      actor: { platform: 'discord', userId: interaction.user.id, displayName: interaction.user.username },
      channel: { platform: 'discord', id: interaction.channelId ?? `dm:${interaction.user.id}`, kind: shared ? 'shared' : 'direct' },
    };
  }

  private async slashCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const subcommand = interaction.options.getSubcommand(false);
    const target = slashTarget(this.deps.registry, interaction.commandName, subcommand);
    if (!target) {
      await interaction.reply({
        content: `/${interaction.commandName} is not a command of this bot any more (its list was registered by another version). Discord refreshes the list shortly; type /help to see the commands.`,
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    const options = flatten(interaction.options.data).map((option) => ({ name: option.name, value: option.value ?? undefined }));
    // The line may carry a secret: it goes to the registry and nowhere else (never logged here).
    await this.run(interaction, 'reply', commandLine(target, { name: interaction.commandName, subcommand, options }));
  }

  private async buttonPress(interaction: ButtonInteraction): Promise<void> {
    const { effect, command } = decodeCustomId(this.buttons, interaction.customId);
    if (!command) {
      await interaction.reply({ content: EXPIRED_BUTTON_TEXT, flags: MessageFlags.Ephemeral });
      return;
    }
    // Run as the person who pressed, with their role: a viewer pressing Confirm is refused.
    await this.run(interaction, effect, command);
  }

  private async run(interaction: AnswerableInteraction, effect: ButtonEffect, line: string): Promise<void> {
    const responder = new InteractionResponder({
      interaction,
      effect,
      render: (message) => renderDiscord(message, this.buttons),
      log: this.log,
      deferAfterMs: this.tuning.deferAfterMs,
    });
    const execution = await this.deps.registry.execute({ line, ...this.who(interaction) }, responder.progress);
    await responder.finish(await prepareAnswer(line, execution));
  }

  private async suggest(interaction: AutocompleteInteraction): Promise<void> {
    const focused = interaction.options.getFocused(true);
    const target = slashTarget(this.deps.registry, interaction.commandName, interaction.options.getSubcommand(false));
    const key = target?.keys.get(focused.name);
    const spec = key ? target!.definition.options[key] : undefined;
    const typed = String(focused.value);
    let suggestions: string[] = [];
    if (spec?.complete && this.deps.complete) suggestions = await this.suggestionsInTime(this.deps.complete(spec.complete, typed, this.who(interaction)));
    else if (spec?.choices) suggestions = matchingChoices(spec, typed);
    const choices = suggestions.slice(0, COMMAND_LIMITS.choices).map((suggestion) => ({ name: clip(suggestion, COMMAND_LIMITS.choiceText), value: clip(suggestion, COMMAND_LIMITS.choiceText) }));
    await interaction.respond(choices);
  }

  /** Suggestions that arrive late are worthless: Discord drops the autocomplete answer after 3 s. */
  private suggestionsInTime(pending: Promise<string[]>): Promise<string[]> {
    const failed = pending.catch((error: unknown) => {
      this.log.warn({ err: describeDiscordError(error) }, 'Discord autocomplete suggestions failed');
      return [];
    });
    return withinDeadline(failed, this.tuning.completeTimeoutMs, () => []);
  }
}

/** A subcommand's options are nested one level down. */
function flatten(options: readonly CommandInteractionOption[]): CommandInteractionOption[] {
  return options.flatMap((option) => (option.options ? flatten(option.options) : [option]));
}
