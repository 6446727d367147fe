// Keeps the bot under Telegram's sending limits before Telegram has to say 429: about one message a
// second per chat (short bursts are tolerated), at most 20 a minute in one group, about 30 a second
// overall. Each send reserves the earliest slot every applicable window allows, so messages to one
// chat leave in order and a busy group never starves a private chat.

export interface Window {
  max: number;
  perMs: number;
}

export interface PacingRules {
  perChat: Window;
  perGroup: Window;
  global: Window;
}

export const TELEGRAM_PACING: PacingRules = {
  perChat: { max: 3, perMs: 3_000 },
  perGroup: { max: 20, perMs: 60_000 },
  global: { max: 30, perMs: 1_000 },
};

/** Bot API methods that post or change a message in a chat, and so count against its limits. */
const PACED_METHODS = new Set([
  'sendMessage', 'sendPhoto', 'sendDocument', 'sendMediaGroup', 'copyMessage', 'forwardMessage',
  'editMessageText', 'editMessageCaption', 'editMessageMedia', 'editMessageReplyMarkup',
]);

export function isPaced(method: string): boolean {
  return PACED_METHODS.has(method);
}

/** Group, supergroup and channel ids are negative; @username targets are channels. */
function isGroupChat(chatId: unknown): boolean {
  return typeof chatId === 'string' ? !/^\d+$/.test(chatId) : typeof chatId === 'number' && chatId < 0;
}

export class ChatPacer {
  private readonly sent = new Map<string, number[]>();

  constructor(private readonly rules: PacingRules, private readonly now: () => number = Date.now) {}

  /** Reserves a slot for one message to `chatId`; returns how many ms to wait before sending it. */
  reserve(chatId: unknown): number {
    const key = String(chatId);
    const windows: [string, Window][] = [['*', this.rules.global], [key, this.rules.perChat]];
    if (isGroupChat(chatId)) windows.push([`group:${key}`, this.rules.perGroup]);
    const now = this.now();
    let at = now;
    // Each window may push the slot later, which can matter to another window: repeat until stable.
    for (let changed = true; changed; ) {
      changed = false;
      for (const [name, window] of windows) {
        const earliest = this.earliest(name, window, at);
        if (earliest > at) {
          at = earliest;
          changed = true;
        }
      }
    }
    for (const [name, window] of windows) this.record(name, window, at, now);
    return at - now;
  }

  /** The first time ≥ at when fewer than `max` reservations fall within the window before it. */
  private earliest(name: string, window: Window, at: number): number {
    const times = this.sent.get(name) ?? [];
    const recent = times.filter((time) => time > at - window.perMs);
    if (recent.length < window.max) return at;
    return recent[recent.length - window.max]! + window.perMs;
  }

  private record(name: string, window: Window, at: number, now: number): void {
    const times = (this.sent.get(name) ?? []).filter((time) => time > now - window.perMs);
    times.push(at);
    times.sort((a, b) => a - b);
    this.sent.set(name, times);
  }
}
