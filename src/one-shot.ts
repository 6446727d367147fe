// One command from the shell, through the same registry as the chat, as the local admin: here, or
// in the running bot when one holds the data directory.
import path from 'node:path';
import { loadConfig } from './config.ts';
import { quoteValue } from '#core/args.ts';
import type { Services } from './app.ts';
import { sendToBot } from './control-socket.ts';
import { DataDirBusyError, DataDirLock, secureDataDir } from './data-dir.ts';
import { LOCAL_ACTOR, LOCAL_CHANNEL } from '#core/command.ts';
import { progressPrinter, renderText } from '#platforms/text.ts';
import { saveImage } from '#platforms/console/console.ts';

export const EXIT = { ok: 0, failed: 1, usage: 2, config: 78 } as const;
/** How long a command waits for another command that holds the data directory. */
const COMMAND_WAIT_MS = 60_000;

/** Re-quotes shell words so our grammar sees what the shell saw: name="my box" stays one value. */
export function argvToLine(argv: readonly string[]): string {
  return argv
    .map((word) => {
      const named = /^([A-Za-z][\w.-]*)(>=|<=|!=|=|>|<)(.*)$/s.exec(word);
      return named && !word.startsWith('--') ? `${named[1]}${named[2]}${quoteValue(named[3]!)}` : quoteValue(word);
    })
    .join(' ');
}

/** Where a CLI command prints: this process's streams, or a client of the control socket. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processOutput: CliOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Runs a CLI command line as the local admin and prints what the CLI prints; returns the exit code. */
export async function runCliCommand(services: Services, argv: readonly string[], out: CliOutput): Promise<number> {
  const json = argv.includes('--json');
  const line = argvToLine(argv.length ? argv : ['help']);
  const printProgress = progressPrinter((text) => out.stderr(`${text}\n`));
  const execution = await services.commands.execute({ line, actor: LOCAL_ACTOR, channel: LOCAL_CHANNEL }, async (update) => {
    if (!json) printProgress(update);
  });
  const { reply, outcome } = execution;
  if (outcome === 'confirm') {
    out.stderr(`${renderText({ ...reply, buttons: undefined })}\n\nNothing was done. Run it again with --yes to go ahead.\n`);
    if (json) out.stdout(`${JSON.stringify({ confirmationRequired: true, preview: reply.data ?? reply.text ?? null })}\n`);
    return EXIT.failed;
  }
  if (outcome !== 'ok') {
    out.stderr(`${renderText(reply)}\n`);
    if (json) out.stdout(`${JSON.stringify({ error: { outcome, message: reply.text ?? reply.title ?? '' }, ...(reply.data ? { data: reply.data } : {}) })}\n`);
    return outcome === 'usage' ? EXIT.usage : EXIT.failed;
  }
  if (json) {
    out.stdout(`${JSON.stringify(reply.data ?? { text: reply.text ?? null }, null, 2)}\n`);
  } else {
    const imagePath = reply.image ? await saveImage(path.join(services.dataDir, 'images'), reply.image) : undefined;
    out.stdout(`${renderText(reply, { imagePath })}\n`);
  }
  return EXIT.ok;
}

/**
 * The CLI's entry: with the data directory to itself, it runs the command here; while a bot holds
 * the directory, the bot runs it (one writer), and this prints the bot's answer.
 */
export async function runCommand(argv: string[]): Promise<number> {
  const environment = { ...process.env };
  // One-shot commands keep stderr for errors; the bot logs at info.
  if (!environment.LOG_LEVEL) environment.LOG_LEVEL = 'warn';
  const config = loadConfig(environment);
  const dataDir = path.resolve(config.COMPUTEHUB_DATA_DIR);
  await secureDataDir(dataDir, { listContents: false });
  let lock: DataDirLock;
  try {
    lock = await DataDirLock.acquire(dataDir, 'command', COMMAND_WAIT_MS);
  } catch (error) {
    if (error instanceof DataDirBusyError && error.owner.kind === 'bot') return sendToBot(dataDir, argv, processOutput, error.owner);
    throw error;
  }
  try {
    // Loaded only here: a command sent to the bot needs none of it.
    const [{ createApp }, { wantsSimulator }, { startSimulator }] = await Promise.all([import('./app.ts'), import('#services/providers.ts'), import('#sim/index.ts')]);
    const simulator = wantsSimulator(config) ? await startSimulator() : undefined;
    try {
      const app = await createApp(config, { simulatorUrls: simulator?.urls });
      try {
        return await runCliCommand(app.services, argv, processOutput);
      } finally {
        await app.close();
      }
    } finally {
      await simulator?.close();
    }
  } finally {
    await lock.release();
  }
}
