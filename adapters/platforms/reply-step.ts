// The step every chat platform takes between the registry's answer and its own rendering: `--json`
// shown as code, the note about a message that carried a secret, and who may see the answer. Each
// platform only supplies how it deletes a message and how it reaches the asker alone.
import type { Actor } from '#core/command.ts';
import type { Execution } from '#core/registry.ts';
import { PRIVATE_UNDELIVERABLE, type Reply } from '#core/reply.ts';

export interface PreparedAnswer {
  /** What to show, `--json` data as a code block (the private part too). */
  message: Reply;
  /** Refusals, usage errors, ephemeral answers and anything about a secret concern the asker alone. */
  askerOnly: boolean;
}

/** What the platform says after trying to delete a message that carried a secret. */
export interface SecretNotes {
  deleted: string;
  kept: string;
}

export function wantsJson(line: string): boolean {
  return /(^|\s)--json(\s|$)/.test(line);
}

/** The Reply as `--json` asked: its data in a code block, still private when it was. */
export function shownAsJson(line: string, message: Reply): Reply {
  if (!wantsJson(line) || message.data === undefined) return message;
  return {
    kind: message.kind,
    title: message.title,
    code: JSON.stringify(message.data, null, 2),
    ephemeral: message.ephemeral,
    ...(message.privateReply && { privateReply: shownAsJson(line, message.privateReply) }),
  };
}

export function withNote(message: Reply, note: string): Reply {
  return { ...message, text: message.text ? `${message.text}\n\n${note}` : note };
}

/** Reports a failure in the platform's own words (each describes its errors without secrets). */
export type FailureLog = (error: unknown, what: string) => void;

/**
 * Deletes a message that carried a secret into a shared chat and returns the note that says whether it
 * went. `remove` is the platform's delete call; a refusal is expected where the bot lacks the right.
 */
export async function removeSecretMessage(remove: () => Promise<unknown>, notes: SecretNotes, failed: FailureLog): Promise<string> {
  try {
    await remove();
    return notes.deleted;
  } catch (error) {
    failed(error, 'could not delete a message that carried a secret');
    return notes.kept;
  }
}

/**
 * The answer as every platform shows it. `removeSecret` deletes the asker's message where it was seen
 * by others and says what happened; leave it out where nobody else saw the line (a slash command).
 */
export async function prepareAnswer(line: string, execution: Execution, removeSecret?: () => Promise<string>): Promise<PreparedAnswer> {
  let message = shownAsJson(line, execution.reply);
  if (execution.deleteMessage && removeSecret) message = withNote(message, await removeSecret());
  const askerOnly = Boolean(message.ephemeral || execution.deleteMessage || execution.outcome === 'denied' || execution.outcome === 'usage');
  return { message, askerOnly };
}

/**
 * The secret part of an answer goes to the asker alone; when the platform cannot reach them privately,
 * the chat hears only that it could not (PRIVATE_UNDELIVERABLE), never the secret.
 */
export async function deliverPrivately(secret: Reply, asker: Actor, ways: { privately: (message: Reply) => Promise<unknown>; inChat: (message: Reply) => Promise<unknown> }, failed: FailureLog): Promise<void> {
  try {
    await ways.privately(secret);
  } catch (error) {
    failed(error, 'private answer failed; the secret is not shown');
    await ways.inChat({ kind: 'warning', text: `${asker.displayName}, ${PRIVATE_UNDELIVERABLE}` });
  }
}
