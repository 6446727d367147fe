// The command line: `computehub start` runs the bot; `computehub <command> [args] [--json] [--yes]`
// runs one command through the same registry as the local admin and exits:
// 0 success, 1 a user error (message on stderr), 2 a usage error.
import { ConfigError, loadConfig } from './config.ts';
import { createApp } from './app.ts';
import { StoreLoadError } from './store/db.ts';
import { LOCAL_ACTOR, LOCAL_CHANNEL } from './services/identity.ts';
import { renderText } from '../adapters/platforms/text.ts';
import { saveImage } from '../adapters/platforms/console.ts';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { HEARTBEAT_FILE, HEARTBEAT_STALE_SECONDS } from './scheduler.ts';

const EXIT = { ok: 0, failed: 1, usage: 2, config: 78 } as const;

/** Re-quotes shell words so our grammar sees what the shell saw: name="my box" stays one value. */
export function argvToLine(argv: readonly string[]): string {
  const quote = (text: string) => (/^[^\s"']+$/.test(text) ? text : `"${text.replace(/["\\]/g, '\\$&')}"`);
  return argv
    .map((word) => {
      const named = /^([A-Za-z][\w.-]*)(>=|<=|!=|=|>|<)(.*)$/s.exec(word);
      return named && !word.startsWith('--') ? `${named[1]}${named[2]}${quote(named[3]!)}` : quote(word);
    })
    .join(' ');
}

async function runCommand(argv: string[]): Promise<number> {
  const environment = { ...process.env };
  // One-shot commands keep stderr for errors; the bot logs at info.
  if (!environment.LOG_LEVEL) environment.LOG_LEVEL = 'warn';
  const config = loadConfig(environment);
  const app = await createApp(config);
  try {
    const json = argv.includes('--json');
    const line = argvToLine(argv.length ? argv : ['help']);
    const execution = await app.services.commands.execute({ line, actor: LOCAL_ACTOR, channel: LOCAL_CHANNEL }, async (update) => {
      if (!json) process.stderr.write(`… ${renderText(update).split('\n')[0]}\n`);
    });
    const { reply, outcome } = execution;
    if (outcome === 'confirm') {
      process.stderr.write(`${renderText({ ...reply, buttons: undefined })}\n\nNothing was done. Run it again with --yes to go ahead.\n`);
      if (json) process.stdout.write(`${JSON.stringify({ confirmationRequired: true, preview: reply.data ?? reply.text ?? null })}\n`);
      return EXIT.failed;
    }
    if (outcome !== 'ok') {
      process.stderr.write(`${renderText(reply)}\n`);
      if (json) process.stdout.write(`${JSON.stringify({ error: { outcome, message: reply.text ?? reply.title ?? '' }, ...(reply.data ? { data: reply.data } : {}) })}\n`);
      return outcome === 'usage' ? EXIT.usage : EXIT.failed;
    }
    if (json) {
      process.stdout.write(`${JSON.stringify(reply.data ?? { text: reply.text ?? null }, null, 2)}\n`);
    } else {
      const imagePath = reply.image ? await saveImage(path.join(app.services.dataDir, 'images'), reply.image) : undefined;
      process.stdout.write(`${renderText(reply, { imagePath })}\n`);
    }
    return EXIT.ok;
  } finally {
    await app.close();
  }
}

/** For Docker's HEALTHCHECK: healthy while the running bot keeps its heartbeat file fresh. */
async function checkHealth(): Promise<number> {
  const config = loadConfig();
  const file = path.resolve(config.COMPUTEHUB_DATA_DIR, HEARTBEAT_FILE);
  try {
    const ageSeconds = (Date.now() - (await stat(file)).mtimeMs) / 1000;
    if (ageSeconds <= HEARTBEAT_STALE_SECONDS) {
      process.stdout.write(`healthy: heartbeat ${Math.round(ageSeconds)} s ago\n`);
      return EXIT.ok;
    }
    process.stderr.write(`unhealthy: the last heartbeat was ${Math.round(ageSeconds)} s ago (${file}); the bot is stuck or stopped.\n`);
  } catch {
    process.stderr.write(`unhealthy: no heartbeat at ${file}; is the bot running with this COMPUTEHUB_DATA_DIR?\n`);
  }
  return EXIT.failed;
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === 'health') return checkHealth();
  if (first === 'start') {
    const { startBot } = await import('./main.ts');
    await startBot(loadConfig());
    return -1;
  }
  return runCommand(first === undefined ? [] : [first, ...rest]);
}

try {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exitCode = code;
} catch (error) {
  if (error instanceof ConfigError || error instanceof StoreLoadError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = error instanceof ConfigError ? EXIT.config : EXIT.failed;
  } else {
    throw error;
  }
}
