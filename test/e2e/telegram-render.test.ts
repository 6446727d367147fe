// The pieces of the Telegram platform that need no server: HTML splitting (checked against the fake's
// own HTML parser, which mirrors the Bot API's), send pacing, and reading command lines.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitBlocks, type Block } from '#platforms/chunks.ts';
import { renderCaption, renderHtmlMessages, telegramHtml } from '#platforms/telegram/telegram-html.ts';
import { ChatPacer } from '#platforms/telegram/telegram-pacing.ts';
import { commandLine } from '#platforms/telegram/telegram-updates.ts';
import { parseTelegramHtml } from '#test/fakes/telegram-html.ts';

const visible = (html: string) => {
  const parsed = parseTelegramHtml(html);
  if ('error' in parsed) throw new Error(`${parsed.error} in ${JSON.stringify(html)}`);
  return parsed.text;
};

const textArb = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '<', '>', '&', '"', 'é', '✓', '🚀', 'x'), maxLength: 120 });
const blockArb = fc.record({
  monospace: fc.boolean(),
  lines: fc.array(fc.array(fc.record({ style: fc.constantFrom(undefined, 'bold' as const, 'italic' as const), text: textArb }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 8 }),
});

describe('splitting HTML messages', () => {
  it('keeps every message within the limit, parseable, and loses no text', () => {
    fc.assert(
      fc.property(fc.array(blockArb, { minLength: 1, maxLength: 5 }), fc.integer({ min: 60, max: 400 }), (blocks: Block[], limit) => {
        const messages = splitBlocks(blocks, telegramHtml, limit);
        for (const message of messages) expect(message.length).toBeLessThanOrEqual(limit);
        const shown = messages.map(visible).join('').replace(/\n/g, '');
        const original = blocks.flatMap((block) => block.lines.flat().map((span) => span.text)).join('').replace(/\n/g, '');
        expect(shown.replace(/\s/g, '')).toBe(original.replace(/\s/g, ''));
      }),
      { numRuns: 200 },
    );
  });

  it('closes a <pre> cut between messages and reopens it in the next', () => {
    const rows = Array.from({ length: 400 }, (_, index) => [`gpu-${index}`, `${index}.00`]);
    const messages = renderHtmlMessages({ kind: 'info', title: 'Many', table: { columns: [{ header: 'GPU' }, { header: 'Price' }], rows } });
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages.slice(1)) expect(message.startsWith('<pre>')).toBe(true);
    for (const message of messages) expect(message.endsWith('</pre>')).toBe(true);
  });

  it('puts the whole Reply in a photo caption when it fits, else only the title', () => {
    const image = { png: new Uint8Array(), alt: 'chart of <prices>', filename: 'c.png' };
    expect(renderCaption({ kind: 'info', title: 'A & B', image })).toEqual({ caption: '<b>A &amp; B</b>', complete: true });
    expect(renderCaption({ kind: 'info', image })).toEqual({ caption: 'chart of &lt;prices&gt;', complete: true });
    const long = renderCaption({ kind: 'info', title: 'Week', text: 'x'.repeat(2000), image });
    expect(long).toEqual({ caption: '<b>Week</b>', complete: false });
  });
});

describe('pacing sends per chat', () => {
  it('spaces messages to one chat, caps a group per minute, and leaves other chats alone', () => {
    let now = 0;
    const pacer = new ChatPacer({ perChat: { max: 1, perMs: 1000 }, perGroup: { max: 2, perMs: 60_000 }, global: { max: 100, perMs: 1000 } }, () => now);
    expect(pacer.reserve(5)).toBe(0);
    expect(pacer.reserve(5)).toBe(1000);
    expect(pacer.reserve(6)).toBe(0);
    expect(pacer.reserve(-100)).toBe(0);
    expect(pacer.reserve(-100)).toBe(1000);
    expect(pacer.reserve(-100)).toBe(60_000);
    now = 61_500;
    expect(pacer.reserve(-100)).toBe(0);
  });

  it('holds everyone to the global rate', () => {
    const pacer = new ChatPacer({ perChat: { max: 10, perMs: 1000 }, perGroup: { max: 10, perMs: 1000 }, global: { max: 2, perMs: 1000 } }, () => 0);
    expect([pacer.reserve(1), pacer.reserve(2), pacer.reserve(3)]).toEqual([0, 0, 1000]);
  });
});

describe('reading command lines', () => {
  const chat = (type: 'private' | 'supergroup') => ({ id: 1, type }) as never;
  const command = (length: number) => [{ type: 'bot_command' as const, offset: 0, length }];

  it('takes /commands addressed to us, and plain text only in private', () => {
    expect(commandLine({ text: '/prices gpu=4090', entities: command(7), chat: chat('supergroup') }, 'hub_bot')).toBe('prices gpu=4090');
    expect(commandLine({ text: '/prices@Hub_Bot h100', entities: command(15), chat: chat('supergroup') }, 'hub_bot')).toBe('prices h100');
    expect(commandLine({ text: '/prices@other_bot', entities: command(17), chat: chat('supergroup') }, 'hub_bot')).toBeUndefined();
    expect(commandLine({ text: 'prices h100', chat: chat('supergroup') }, 'hub_bot')).toBeUndefined();
    expect(commandLine({ text: 'prices h100', chat: chat('private') }, 'hub_bot')).toBe('prices h100');
  });

  it('answers /start with help and reads a phone-typed em dash as --', () => {
    expect(commandLine({ text: '/start', entities: command(6), chat: chat('private') }, 'hub_bot')).toBe('help');
    expect(commandLine({ text: 'destroy i-1 —yes', chat: chat('private') }, 'hub_bot')).toBe('destroy i-1 --yes');
  });
});
