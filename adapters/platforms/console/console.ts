// The terminal chat: the embedded default's platform. Reads command lines from stdin, renders
// Replies as plain text, offers buttons as numbered choices, saves images to files.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Button, Reply } from '#core/reply.ts';
import type { CommandRegistry } from '#core/registry.ts';
import { LOCAL_ACTOR, LOCAL_CHANNEL } from '#core/command.ts';
import { wantsJson } from '../reply-step.ts';
import { progressPrinter, renderText } from '../text.ts';

export interface ConsoleOptions {
  input: Readable;
  output: Writable;
  registry: CommandRegistry;
  /** Folder for images in replies (charts). */
  imagesDir: string;
  /** Show a prompt (only when a person is typing). */
  interactive: boolean;
}

export async function saveImage(imagesDir: string, image: NonNullable<Reply['image']>): Promise<string> {
  await mkdir(imagesDir, { recursive: true, mode: 0o700 });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(imagesDir, `${stamp}-${image.filename.replace(/[^\w.-]/g, '_')}`);
  await writeFile(file, image.png, { mode: 0o600 });
  return file;
}

export class ConsolePlatform {
  private buttons: Button[] = [];

  constructor(private readonly options: ConsoleOptions) {}

  /** Runs until the input ends or the user types quit. */
  async run(): Promise<void> {
    const { input, output, interactive } = this.options;
    const lines = createInterface({ input, terminal: false });
    const prompt = () => interactive && output.write('computehub> ');
    output.write("Type 'help' to see the commands, 'quit' to leave.\n");
    prompt();
    for await (const raw of lines) {
      const line = raw.trim();
      if (line === 'quit' || line === 'exit') break;
      if (line) await this.handle(line);
      prompt();
    }
    lines.close();
  }

  private async handle(line: string): Promise<void> {
    const choice = /^\d+$/.test(line) ? this.buttons[Number(line) - 1] : undefined;
    const commandLine = choice ? choice.command : line;
    const printProgress = progressPrinter((line) => this.options.output.write(`${line}\n`));
    const execution = await this.options.registry.execute({ line: commandLine, actor: LOCAL_ACTOR, channel: LOCAL_CHANNEL }, async (update) => printProgress(update));
    const message = execution.reply;
    this.buttons = message.buttons ?? [];
    if (wantsJson(commandLine) && message.data !== undefined) {
      this.options.output.write(`${JSON.stringify(message.data, null, 2)}\n`);
      return;
    }
    const imagePath = message.image ? await saveImage(this.options.imagesDir, message.image) : undefined;
    const hint = this.buttons.length ? '\n(type the number of a choice)' : '';
    this.options.output.write(`${renderText(message, { imagePath })}${hint}\n`);
  }
}
