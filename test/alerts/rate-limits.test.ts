// Per-chat pacing within each platform's published limits.
import { describe, expect, it } from 'vitest';
import { ChatRateLimits } from '#services/alerts/rate-limits.ts';

/** How many of `count` messages, offered every `everyMs` from 0, may go within `spanMs`. */
function sentWithin(platform: string, chatId: string, everyMs: number, spanMs: number): number {
  const limits = new ChatRateLimits();
  let sent = 0;
  for (let at = 0; at < spanMs; at += everyMs) {
    if (limits.waitMs(platform, chatId, at) > 0) continue;
    limits.record(platform, chatId, at);
    sent++;
  }
  return sent;
}

describe('chat rate limits', () => {
  it('keeps Telegram to one message a second in a private chat and 20 a minute in a group', () => {
    expect(sentWithin('telegram', '12345', 100, 10_000)).toBe(10);
    expect(sentWithin('telegram', '-100123', 100, 60_000)).toBe(20);
  });

  it('keeps Slack to one a second and Discord to five per five seconds per channel', () => {
    expect(sentWithin('slack', 'C1', 100, 10_000)).toBe(10);
    expect(sentWithin('discord', '42', 100, 10_000)).toBe(10);
  });

  it('says how long to wait, and paces each chat on its own', () => {
    const limits = new ChatRateLimits();
    limits.record('telegram', '1', 0);
    expect(limits.waitMs('telegram', '1', 400)).toBe(600);
    expect(limits.waitMs('telegram', '2', 400)).toBe(0);
    expect(limits.waitMs('console', 'local', 400)).toBe(0);
  });
});
