// The platform-neutral answer every command handler returns. Platforms render it natively; the
// CLI prints `data` for `--json`. Keep it plain data so it can be stored, edited and re-rendered.

export type ReplyKind = 'info' | 'success' | 'warning' | 'error' | 'confirm';

export interface Button {
  label: string;
  /** The command line run when the button is pressed, as the person who pressed it. */
  command: string;
  style?: 'primary' | 'danger' | 'secondary';
}

export interface TableColumn {
  header: string;
  align?: 'left' | 'right';
}

export interface Table {
  columns: TableColumn[];
  rows: string[][];
}

export interface Field {
  name: string;
  value: string;
  inline?: boolean;
}

export interface ReplyImage {
  png: Uint8Array;
  alt: string;
  filename: string;
}

export interface Reply {
  kind: ReplyKind;
  title?: string;
  /** Plain text; platforms escape it for their markup. */
  text?: string;
  /** A monospace block (an SSH command, a JSON snippet). */
  code?: string;
  fields?: Field[];
  table?: Table;
  buttons?: Button[];
  image?: ReplyImage;
  /** A short line shown last, e.g. data age or "simulated". */
  footer?: string;
  /** Shown only to the person who asked, where the platform can. */
  ephemeral?: boolean;
  /**
   * A second answer for the asker's eyes only (it holds a secret), sent after this one: ephemeral on
   * Discord and Slack, a direct message on Telegram. Never shown where others can read it: when the
   * platform cannot deliver it privately, the asker gets PRIVATE_UNDELIVERABLE instead.
   */
  privateReply?: Reply;
  /** Machine-readable result, printed by `--json`. */
  data?: unknown;
}

export const PRIVATE_UNDELIVERABLE =
  'part of this answer holds a secret, so I only give it privately, and I cannot send you a direct message yet. Open a direct message with me, then ask again there.';

export const reply = {
  info: (text: string, extra: Partial<Reply> = {}): Reply => ({ kind: 'info', text, ...extra }),
  success: (text: string, extra: Partial<Reply> = {}): Reply => ({ kind: 'success', text, ...extra }),
  warning: (text: string, extra: Partial<Reply> = {}): Reply => ({ kind: 'warning', text, ...extra }),
  error: (text: string, extra: Partial<Reply> = {}): Reply => ({ kind: 'error', text, ...extra }),
};

/** Sink for long work: each call replaces the message shown so far (edit, not a new message). */
export type ProgressSink = (update: Reply) => Promise<void>;

/**
 * The Reply without its image and with the image's one-line description in the text: what a platform
 * shows when it refuses the image (too large, bad dimensions, no right to send photos).
 */
export function imageAsText(message: Reply): Reply {
  if (!message.image) return message;
  const { image, ...rest } = message;
  return { ...rest, text: [message.text, `Chart: ${image.alt}`].filter(Boolean).join('\n') };
}
