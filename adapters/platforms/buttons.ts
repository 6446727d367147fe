// Buttons carry a command line. Platforms cap what a button may carry (Telegram callback_data 64
// bytes, Discord custom_id 100 characters), so long lines are kept here and the button carries a
// short reference. References live in memory: after a restart an old button asks to run the
// command again instead of guessing.
import { randomBytes } from 'node:crypto';

const PREFIX = 'cmd:';
const REF_PREFIX = 'ref:';
const UNPINNED_CONFIRM = /(^|\s)--yes(\s|$)/;

export class ButtonCommands {
  private readonly byRef = new Map<string, string>();

  constructor(private readonly maxBytes: number, private readonly capacity = 10_000) {}

  /** What to put in the platform's button payload for this command line. */
  encode(command: string): string {
    const inline = `${PREFIX}${command}`;
    if (Buffer.byteLength(inline) <= this.maxBytes) return inline;
    const ref = randomBytes(9).toString('base64url');
    this.byRef.set(ref, command);
    if (this.byRef.size > this.capacity) this.byRef.delete(this.byRef.keys().next().value!);
    return `${REF_PREFIX}${ref}`;
  }

  /** The command line a pressed button stands for, or undefined when it has expired. */
  decode(payload: string): string | undefined {
    const line = payload.startsWith(PREFIX) ? payload.slice(PREFIX.length) : payload.startsWith(REF_PREFIX) ? this.byRef.get(payload.slice(REF_PREFIX.length)) : undefined;
    // Confirm buttons shown before confirmations were pinned carried the line with --yes: pressed now,
    // they would act on whatever that line matches today, so they count as expired.
    return line !== undefined && UNPINNED_CONFIRM.test(line) ? undefined : line;
  }
}

export const EXPIRED_BUTTON_TEXT = 'This button has expired (the bot restarted or was upgraded since it was shown). Run the command again.';
