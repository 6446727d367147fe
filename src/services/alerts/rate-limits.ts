// Per-chat pacing that keeps inside each platform's own limits, so a burst of alerts is spread out
// instead of refused: Telegram about one message a second per chat and 20 a minute in a group
// (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this), Slack about one
// a second per channel (https://api.slack.com/apis/rate-limits#posting-messages), Discord five per
// five seconds per channel (https://discord.com/developers/docs/topics/rate-limits).
interface Window {
  count: number;
  perMs: number;
}

const PLATFORM_WINDOWS: Record<string, (chatId: string) => Window[]> = {
  // Group and channel chat ids are negative.
  telegram: (chatId) => (chatId.startsWith('-') ? [{ count: 1, perMs: 1_000 }, { count: 20, perMs: 60_000 }] : [{ count: 1, perMs: 1_000 }]),
  slack: () => [{ count: 1, perMs: 1_000 }],
  discord: () => [{ count: 5, perMs: 5_000 }],
};

export class ChatRateLimits {
  /** Send times per chat, newest last, as long as the longest window needs them. */
  private readonly sent = new Map<string, number[]>();

  /** Milliseconds until `messages` more may go to this chat (0: now). */
  waitMs(platform: string, chatId: string, nowMs: number, messages = 1): number {
    const times = this.sent.get(`${platform}/${chatId}`) ?? [];
    let wait = 0;
    for (const window of PLATFORM_WINDOWS[platform]?.(chatId) ?? []) {
      const recent = times.filter((at) => nowMs - at < window.perMs);
      const over = recent.length + messages - window.count;
      if (over > 0 && recent.length > 0) wait = Math.max(wait, recent[Math.min(over, recent.length) - 1]! + window.perMs - nowMs);
    }
    return wait;
  }

  record(platform: string, chatId: string, nowMs: number, messages = 1): void {
    const key = `${platform}/${chatId}`;
    const longest = Math.max(0, ...(PLATFORM_WINDOWS[platform]?.(chatId) ?? []).map((window) => window.perMs));
    const times = [...(this.sent.get(key) ?? []).filter((at) => nowMs - at < longest), ...new Array<number>(messages).fill(nowMs)];
    if (longest > 0) this.sent.set(key, times);
  }
}
