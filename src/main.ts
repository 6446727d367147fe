// `computehub start` (and `npm start`): wires config → simulator (when no provider key is set) →
// services → scheduler → platforms, prints what is active, and runs until stopped (or, with the
// terminal chat alone, until the user quits).
import path from 'node:path';
import { createApp, type App, type Services } from './app.ts';
import type { Config } from './config.ts';
import { createLogger, type Logger } from './log.ts';
import { heartbeatJob, Scheduler, storeProblems } from './scheduler.ts';
import { serveControlSocket, type ControlSocket } from './control-socket.ts';
import { DataDirLock, describeLoose, secureDataDir } from './data-dir.ts';
import { runCliCommand } from './one-shot.ts';
import { startSimulator } from '#sim/index.ts';
import { wantsSimulator } from '#services/providers.ts';
import { createCompletions } from '#services/completions.ts';
import type { Simulator } from '#sim/index.ts';
import { ConsolePlatform } from '#platforms/console/console.ts';
import { renderText } from '#platforms/text.ts';
import { LOCAL_CHANNEL } from '#core/command.ts';
import type { ChatPlatform } from '#platforms/platform.ts';
import { configuredPlatforms, PLATFORMS, startPlatforms, type PlatformEntry, type RunningPlatforms } from '#platforms/index.ts';
import type { ChatSender } from '#services/alerts/index.ts';
import { settlesWithin } from '#core/deadline.ts';
import { PROVIDER_NAMES } from '#domain/providers.ts';

function consoleWanted(config: Config, chatPlatforms: readonly string[]): boolean {
  if (config.COMPUTEHUB_CONSOLE !== 'auto') return config.COMPUTEHUB_CONSOLE === 'on';
  return Boolean(process.stdin.isTTY) || chatPlatforms.length === 0;
}

function connectedPlatform(platforms: readonly ChatPlatform[], name: string): ChatPlatform {
  const platform = platforms.find((candidate) => candidate.name === name);
  if (!platform) throw new Error(`${name} is not connected`);
  return platform;
}

/** How often due alert groups are flushed and the delivery outbox drained. */
const ALERTS_TICK_SECONDS = 2;

/** Everything stop() does fits in this, under the 10 s docker and systemd allow before SIGKILL. */
const SHUTDOWN_BUDGET_MS = 9_000;

/** What `computehub start` prints once running: platforms, providers, licence, where things are. */
export function startBanner(facts: { services: Services; platforms: readonly string[]; simulated: boolean; logFile?: string; claimCode?: string }): string {
  const { services, platforms, claimCode } = facts;
  const licence = services.licence.status();
  const providerLines = PROVIDER_NAMES.map((name) => {
    const bound = services.providers.get('default', name);
    return `${name} (${bound ? (bound.mode === 'real' ? 'real API' : 'simulated') : 'not connected'})`;
  });
  return [
    'ComputeHub is running.',
    `  Platforms: ${platforms.join(', ') || 'none (add a chat token to .env, or run in a terminal)'}`,
    `  Providers: ${providerLines.join(', ')}${facts.simulated ? ' — the built-in marketplace simulator; add a key to use a real provider' : ''}`,
    `  Licence:   ${licence.pro ? (licence.source === 'licence' ? `Pro (${licence.licence.licensee})` : 'Pro unlocked for the simulator') : 'Free edition'}`,
    `  Data:      ${path.join(services.dataDir, 'db.json')}`,
    ...(facts.logFile ? [`  Log:       ${facts.logFile}`] : []),
    ...(claimCode && platforms.some((name) => name !== 'terminal') ? [`  First admin: send "claim ${claimCode}" to the bot in a direct message.`] : []),
  ].join('\n');
}

export interface RunningBot {
  app: App;
  stop(): Promise<void>;
}

/** How long a starting bot waits for a one-shot command that holds the data directory. */
const COMMAND_WAIT_MS = 30_000;

export async function startBot(config: Config): Promise<RunningBot> {
  // Nothing is written into the data directory before it is ours alone.
  const dataDir = path.resolve(config.COMPUTEHUB_DATA_DIR);
  const loose = await secureDataDir(dataDir);
  const lock = await DataDirLock.acquire(dataDir, 'bot', COMMAND_WAIT_MS);
  const chats = chosenChats(config);
  const { log, logFile } = openLog(config, chats);
  if (lock.tookOverFrom) log.warn({ previous: lock.tookOverFrom }, `took over the data directory lock of process ${lock.tookOverFrom.pid}, which is no longer running`);
  if (loose.length) log.warn({ paths: loose.map((entry) => entry.path) }, describeLoose(loose));
  const cli = await listenForCli(dataDir, log);
  const { app, simulator } = await openApp(config, log);
  const { services } = app;
  cli.started(services);

  const scheduler = await startScheduler(config, services, log);
  const running = startPlatforms(chats.enabled, config, { registry: services.commands, log, complete: createCompletions(services.db, services.identity) });
  await deliverToChats(services, scheduler, running.platforms, chats.withConsole);

  const claimCode = services.claim.issueCode();
  if (claimCode) log.warn({ claimCode }, `No chat admin yet. Send "claim ${claimCode}" to the bot in a direct message to become its admin.`);
  const banner = startBanner({ services, platforms: [...(chats.withConsole ? ['terminal'] : []), ...chats.names], simulated: Boolean(simulator), logFile, claimCode });
  // The simulator's URLs (admin included: faults, clock, requests) are loopback only.
  log.info({ platforms: chats.names, console: chats.withConsole, simulator: simulator ? simulator.urls : false }, 'started');

  const stop = gracefulStop({ scheduler, services, platforms: running, control: cli.control, app, simulator, lock });
  const exit = exitOnSignals(stop, log);
  if (chats.withConsole) {
    process.stdout.write(`${banner}\n`);
    runTerminal(services, exit, running.platforms.length === 0);
  } else {
    process.stderr.write(`${banner}\n`);
  }
  return { app, stop };
}

/** The chats this start runs: the platforms whose token is set, and the terminal chat when wanted. */
interface Chats {
  enabled: PlatformEntry[];
  names: string[];
  withConsole: boolean;
}

function chosenChats(config: Config): Chats {
  const enabled = configuredPlatforms<PlatformEntry>(config, PLATFORMS);
  const names = enabled.map((entry) => entry.name);
  return { enabled, names, withConsole: consoleWanted(config, names) };
}

function openLog(config: Config, chats: Chats): { log: Logger; logFile: string | undefined } {
  // When the terminal chat is all there is and a person is typing, the chat owns the screen, so the
  // log goes to a file beside the data; otherwise (a server) it stays on stderr for `docker logs`.
  const chatOwnsScreen = chats.withConsole && chats.names.length === 0 && Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const logFile = config.LOG_FILE ?? (chatOwnsScreen ? path.resolve(config.COMPUTEHUB_DATA_DIR, 'computehub.log') : undefined);
  return { log: createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, file: logFile }), logFile };
}

/**
 * While the bot runs, the CLI's commands come through here, so the bot stays the only writer. It
 * listens at once: a command sent while the bot is starting waits for `started` instead of failing.
 */
async function listenForCli(dataDir: string, log: Logger): Promise<{ control: ControlSocket | undefined; started: (services: Services) => void }> {
  let started!: (services: Services) => void;
  const ready = new Promise<Services>((resolve) => (started = resolve));
  const control = await serveControlSocket(dataDir, async (argv, out) => runCliCommand(await ready, argv, out), log).catch((error: unknown) => {
    log.warn({ err: error }, 'the CLI cannot reach this bot: its control socket did not start');
    return undefined;
  });
  return { control, started };
}

/** The simulator (when no provider key is set), then the app on it; an app that fails to start closes the simulator. */
async function openApp(config: Config, log: Logger): Promise<{ app: App; simulator: Simulator | undefined }> {
  const simulator: Simulator | undefined = wantsSimulator(config) ? await startSimulator() : undefined;
  const app = await createApp(config, { log, simulatorUrls: simulator?.urls }).catch(async (error: unknown) => {
    await simulator?.close();
    throw error;
  });
  return { app, simulator };
}

/** The background jobs; resolves once each provider's first offers are in (or HTTP_TIMEOUT_MS passed). */
async function startScheduler(config: Config, services: Services, log: Logger): Promise<Scheduler> {
  const scheduler = new Scheduler(log.child({ service: 'scheduler' }));
  scheduler.add(heartbeatJob(services.dataDir, () => storeProblems(services.db)));
  // The automation evaluates what each sync saw, in the same job: detection and action in one interval.
  scheduler.add({
    name: 'instance sync',
    everySeconds: config.SYNC_INTERVAL_SECONDS,
    run: async () => {
      const report = await services.fleet.sync();
      await Promise.all([services.automation.afterSync(report), services.alerts.afterSync(report)]);
    },
  });
  scheduler.add({
    name: 'store maintenance',
    everySeconds: 600,
    run: () => Promise.all([services.db.series.maintain(services.db, services.now().getTime()), services.automation.maintain(services.now().getTime())]),
  });
  // Warm before the first command: a cold search waits only PRICES_DEADLINE_MS, which a provider's first
  // answer on a busy start can miss. Each provider's first page is enough (at most HTTP_TIMEOUT_MS).
  await Promise.all(services.db.data.orgs.map((org) => services.market.warm(org.id, config.HTTP_TIMEOUT_MS)));
  // Keeps the offer cache warm and the price history recording between searches.
  scheduler.add({
    name: 'price refresh',
    everySeconds: config.PRICES_TTL_SECONDS,
    run: async () => {
      await Promise.all(services.db.data.orgs.map((org) => services.market.refresh(org.id, config.HTTP_TIMEOUT_MS)));
      await services.automation.evaluate('rules');
    },
  });
  return scheduler;
}

/** Alerts, automation events and digests reach the chats through the platforms (the terminal prints them). */
async function deliverToChats(services: Services, scheduler: Scheduler, platforms: readonly ChatPlatform[], withConsole: boolean): Promise<void> {
  const chatSender: ChatSender = {
    async post(channel, message) {
      if (channel.platform === LOCAL_CHANNEL.platform) {
        if (withConsole) process.stdout.write(`${renderText(message)}\n`);
        return { messageId: null };
      }
      return connectedPlatform(platforms, channel.platform).post(channel.id, message);
    },
    async edit(channel, messageId, message) {
      await connectedPlatform(platforms, channel.platform).edit(channel.id, messageId, message);
    },
  };
  services.alerts.setChatSender(chatSender);
  // Automation events also go to the chat their rule or watch was made in, unless an alert channel there shows them.
  services.automation.setPoster(async (channel, message) => {
    await chatSender.post(channel, message);
  });
  scheduler.add({ name: 'alerts', everySeconds: ALERTS_TICK_SECONDS, run: () => services.alerts.tick() });
  // Digests go to the chat they were added in.
  services.digests.setPoster((channel, message) => chatSender.post(channel, message));
  await services.digests.start();
}

/** What a graceful stop closes, in this order. */
interface Running {
  scheduler: Scheduler;
  services: Services;
  platforms: RunningPlatforms;
  control: ControlSocket | undefined;
  app: App;
  simulator: Simulator | undefined;
  lock: DataDirLock;
}

/**
 * Graceful stop (SIGTERM from docker stop, systemd, Ctrl-C): no new scheduled work, deploys parked
 * (their records are saved at every phase; the next start resumes them by deploy token), the answers
 * in flight delivered, the store flushed. Bounded, so a hung platform cannot outlast docker's 10 s.
 */
function gracefulStop(running: Running): () => Promise<void> {
  let stopping = false;
  return async () => {
    if (stopping) return;
    stopping = true;
    running.scheduler.stop();
    running.services.digests.stop();
    running.services.fleet.close();
    await settlesWithin(Promise.allSettled([running.platforms.stop(), running.control?.close()]), SHUTDOWN_BUDGET_MS - 2_500);
    await settlesWithin(running.app.close(), 1_500);
    await settlesWithin(running.simulator?.close(), 500);
    await settlesWithin(running.lock.release(), 500);
  };
}

/** Stops, then exits, on SIGINT or SIGTERM; the returned exit does the same for the terminal's quit. */
function exitOnSignals(stop: () => Promise<void>, log: Logger): () => void {
  const exit = () =>
    void stop()
      .catch((error: unknown) => log.error({ err: error }, 'error while stopping'))
      .then(() => {
        log.info('stopped');
        process.exit(0);
      });
  process.once('SIGINT', exit);
  process.once('SIGTERM', exit);
  return exit;
}

/** The terminal chat on stdin; quitting it exits the bot when it is the only chat. */
function runTerminal(services: Services, exit: () => void, onlyChat: boolean): void {
  const terminal = new ConsolePlatform({
    input: process.stdin,
    output: process.stdout,
    registry: services.commands,
    imagesDir: path.join(services.dataDir, 'images'),
    interactive: Boolean(process.stdin.isTTY),
  });
  void terminal.run().then(() => (onlyChat ? exit() : undefined));
}
