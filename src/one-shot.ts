// One command from the shell, through the same registry as the chat, as the local admin.
import path from 'node:path';
import { loadConfig } from './config.ts';
import { quoteValue } from './core/args.ts';
import { createApp } from './app.ts';
import { LOCAL_ACTOR, LOCAL_CHANNEL } from './services/identity.ts';
import { wantsSimulator } from './services/providers.ts';
import { startSimulator } from './sim/index.ts';
import { progressPrinter, renderText } from '../adapters/platforms/text.ts';
import { saveImage } from '../adapters/platforms/console.ts';

export const EXIT = { ok: 0, failed: 1, usage: 2, config: 78 } as const;

/** Re-quotes shell words so our grammar sees what the shell saw: name="my box" stays one value. */
export function argvToLine(argv: readonly string[]): string {
  return argv
    .map((word) => {
      const named = /^([A-Za-z][\w.-]*)(>=|<=|!=|=|>|<)(.*)$/s.exec(word);
      return named && !word.startsWith('--') ? `${named[1]}${named[2]}${quoteValue(named[3]!)}` : quoteValue(word);
    })
    .join(' ');
}

export async function runCommand(argv: string[]): Promise<number> {
  const environment = { ...process.env };
  // One-shot commands keep stderr for errors; the bot logs at info.
  if (!environment.LOG_LEVEL) environment.LOG_LEVEL = 'warn';
  const config = loadConfig(environment);
  const simulator = wantsSimulator(config) ? await startSimulator() : undefined;
  try {
    const app = await createApp(config, { simulatorUrls: simulator?.urls });
    try {
      const json = argv.includes('--json');
      const line = argvToLine(argv.length ? argv : ['help']);
      const printProgress = progressPrinter((text) => process.stderr.write(`${text}\n`));
      const execution = await app.services.commands.execute({ line, actor: LOCAL_ACTOR, channel: LOCAL_CHANNEL }, async (update) => {
        if (!json) printProgress(update);
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
  } finally {
    await simulator?.close();
  }
}

