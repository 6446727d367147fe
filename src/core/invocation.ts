// What goes into the command registry (an Invocation, from any platform) and what comes out of it.
import type { Actor, Channel } from './command.ts';
import type { Reply } from './reply.ts';

export interface Invocation {
  /** The command line as typed, e.g. `prices gpu=4090 vram>=24` (a leading / is fine). */
  line: string;
  actor: Actor;
  channel: Channel;
}

export type Outcome = 'ok' | 'usage' | 'denied' | 'failed' | 'confirm';

export interface Execution {
  reply: Reply;
  outcome: Outcome;
  /** The command's full name, once known. */
  command?: string;
  /** The message may carry a secret into a shared channel: the platform should delete it where it can. */
  deleteMessage?: boolean;
}
