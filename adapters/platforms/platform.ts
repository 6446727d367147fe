// What every chat platform adapter is given and what it provides. A platform turns its updates into
// Invocations for the registry and renders Replies natively; it never imports a provider or a service.
import type { CompletionSource } from '#core/command.ts';
import type { Actor, Channel } from '#core/command.ts';
import type { CommandRegistry } from '#core/registry.ts';
import type { Reply } from '#core/reply.ts';
import type { Logger } from '#src/log.ts';

export interface PlatformDeps {
  registry: CommandRegistry;
  log: Logger;
  /** Suggestions while typing (Discord autocomplete): GPU names, templates, instance ids. */
  complete?: (source: CompletionSource, prefix: string, who: { actor: Actor; channel: Channel }) => Promise<string[]>;
}

export interface ChatPlatform {
  /** Its name in the platform table (index.ts). */
  readonly name: string;
  /**
   * One attempt to connect and start receiving: resolves once the platform accepted the credentials,
   * rejects when this attempt failed (CredentialsRefused when retrying cannot help). Retrying is the
   * ConnectionKeeper's (connection.ts); `lost` tells it that a connection made here is gone for good.
   */
  start(lost?: (error: unknown) => void): Promise<void>;
  stop(): Promise<void>;
  /**
   * Posts a Reply to a channel unprompted (alerts, scheduled reports), its image and buttons rendered
   * natively (the image's description instead when the platform refuses it). The id names the
   * message(s) for `edit`; it means nothing outside this platform.
   */
  post(channelId: string, message: Reply): Promise<PostedMessage>;
  /** Shows another Reply in a posted message (an alert resolved); returns its id now (a message deleted meanwhile is posted again). */
  edit(channelId: string, messageId: string, message: Reply): Promise<PostedMessage>;
}

export interface PostedMessage {
  messageId: string;
}

/** The platform refused the token or key: the message says how to fix it; another attempt would be refused too. */
export class CredentialsRefused extends Error {
  override readonly name = 'CredentialsRefused';
}
