// `computehub start` (and `npm start`): wires config → store → services → platforms, prints what
// is active, and runs until stopped (or, in the terminal chat alone, until the user quits).
import path from 'node:path';
import { createApp, providerModes, type App } from './app.ts';
import type { Config } from './config.ts';
import { ConsolePlatform } from '../adapters/platforms/console.ts';
import { createLogger } from './log.ts';

function describeProviders(config: Config): string {
  return Object.entries(providerModes(config))
    .map(([name, mode]) => `${name} (${mode === 'real' ? 'real API' : 'simulated'})`)
    .join(', ');
}

function consoleWanted(config: Config, chatPlatforms: string[]): boolean {
  if (config.COMPUTEHUB_CONSOLE !== 'auto') return config.COMPUTEHUB_CONSOLE === 'on';
  return Boolean(process.stdin.isTTY) || chatPlatforms.length === 0;
}

export async function startBot(config: Config): Promise<App> {
  const chatPlatforms: string[] = [];
  const withConsole = consoleWanted(config, chatPlatforms);
  // When the terminal chat is all there is and a person is typing, the chat owns the screen, so the
  // log goes to a file beside the data; otherwise (a server) it stays on stderr for `docker logs`.
  const chatOwnsScreen = withConsole && chatPlatforms.length === 0 && Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const logFile = config.LOG_FILE ?? (chatOwnsScreen ? path.resolve(config.COMPUTEHUB_DATA_DIR, 'computehub.log') : undefined);
  const app = await createApp(config, { log: createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, file: logFile }) });
  const { services } = app;
  const platforms = [...(withConsole ? ['terminal'] : []), ...chatPlatforms];
  const licence = services.licence.status();
  const banner = [
    'ComputeHub is running.',
    `  Platforms: ${platforms.join(', ') || 'none (add a chat token to .env, or run in a terminal)'}`,
    `  Providers: ${describeProviders(config)}`,
    `  Licence:   ${licence.pro ? (licence.source === 'licence' ? `Pro (${licence.licence.licensee})` : 'Pro unlocked for the simulator') : 'Free edition'}`,
    `  Data:      ${path.join(services.dataDir, 'db.json')}`,
    ...(logFile ? [`  Log:       ${logFile}`] : []),
  ].join('\n');
  services.log.info({ platforms, providers: providerModes(config) }, 'started');

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await app.close();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  if (withConsole) {
    process.stdout.write(`${banner}\n`);
    const terminal = new ConsolePlatform({
      input: process.stdin,
      output: process.stdout,
      registry: services.commands,
      imagesDir: path.join(services.dataDir, 'images'),
      interactive: Boolean(process.stdin.isTTY),
    });
    void terminal.run().then(() => (chatPlatforms.length === 0 ? stop(0) : undefined));
  } else {
    process.stderr.write(`${banner}\n`);
  }
  return app;
}
