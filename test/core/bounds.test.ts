// Bounded input: the rate limit comes before parsing, a line has a length cap, "did you mean" does
// bounded work and never echoes a pasted blob, and secret-looking lines are flagged before parsing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LINE_CHARACTERS, RateLimiter } from '#core/bounds.ts';
import type { Actor, Channel } from '#core/command.ts';
import { nearest } from '#domain/suggest.ts';
import { testApp, type TestApp } from '#test/support/app.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';

const stranger: Actor = { platform: 'telegram', userId: '777', displayName: 'Sam' };
const group: Channel = { platform: 'telegram', id: '-100777', kind: 'shared' };
const direct: Channel = { platform: 'telegram', id: '777', kind: 'direct' };

let app: TestApp;
let clock = Date.parse('2026-05-01T12:00:00Z');
beforeAll(async () => {
  app = await testApp({}, { now: () => new Date(clock) });
});
afterAll(async () => app?.close());

describe('rate limit', () => {
  it('counts every line before it is parsed, and lets the person go on once the bucket refills', async () => {
    const answers = [];
    for (let index = 0; index < 25; index++) answers.push(await app.run(`"unclosed quote ${index}`, { actor: stranger, channel: direct }));
    expect(answers.slice(0, 20).every((answer) => answer.outcome === 'usage')).toBe(true);
    expect(answers.slice(20).map((answer) => answer.reply.text)).toEqual(Array(5).fill('You are sending commands faster than I can take them. Wait a few seconds and try again.'));
    clock += 3_000;
    expect((await app.run('help', { actor: stranger, channel: direct })).outcome).toBe('ok');
  });

  it('forgets people whose bucket has refilled, and never tracks more than its cap', () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 20, perSecond: 1, maxTracked: 1_000 }, () => now);
    for (let index = 0; index < 50_000; index++) limiter.take(`user-${index}`);
    expect(limiter.size).toBeLessThanOrEqual(1_000);
    now += 20_000;
    limiter.take('someone');
    expect(limiter.size).toBe(1);
  });
});

describe('line length', () => {
  it('refuses a line over the cap at once, naming the limit, without parsing it', async () => {
    const long = `prices "${'x'.repeat(MAX_LINE_CHARACTERS)}`;
    const answer = await app.run(long);
    expect(answer.outcome).toBe('usage');
    expect(answer.reply.text).toBe(`That line is 4,008 characters long; a command may be at most 4,000. Nothing was run. Shorten it (e.g. fewer ids per batch).`);
  });
});

describe('"did you mean"', () => {
  it('answers a 200,000-character word without comparing it, and never echoes it whole', async () => {
    const word = 'q'.repeat(200_000);
    expect(nearest(word, ['prices', 'deploy'])).toBeUndefined();
    const answer = await app.run(`help ${word.slice(0, 3_900)}`);
    expect(answer.reply.text!.length).toBeLessThan(400);
    const unknown = await app.run(word.slice(0, 3_990));
    expect(unknown.reply.text).toBe(`Unknown command '${'q'.repeat(40)}… (3990 characters)'. Type 'help' to see every command.`);
  });

  it('still finds an ordinary typo', () => {
    expect(nearest('pricse', ['prices', 'deploy', 'destroy'])).toBe('prices');
    expect(nearest('destory', ['prices', 'deploy', 'destroy'])).toBe('destroy');
  });
});

describe('secrets typed in a shared chat', () => {
  const key = TEST_SECRETS.vastKey;
  const cases: [string, boolean][] = [
    [`provider add vast ${key}`, true],
    [`provder add vast ${key}`, true],
    [`/provider ad vast ${key}`, true],
    [`provider vast ${key}`, true],
    [`/licence activat CH1.${key}`, true],
    [`license activate CH1.${key}`, true],
    [`licence CH1.${key}`, true],
    [`clam ${key}`, true],
    ['provider list', false],
    ['licence status', false],
    ['prices gpu=4090', false],
    ['project list', false],
  ];

  it.each(cases)('%s → delete: %s', async (line, expected) => {
    clock += 2_000;
    const answer = await app.run(line, { actor: stranger, channel: group });
    expect(Boolean(answer.deleteMessage)).toBe(expected);
    expect(answer.reply.text ?? '').not.toContain(key.slice(0, 12));
  });

  it('is never asked in a direct message, where the secret belongs', async () => {
    const answer = await app.run(`provder add vast ${key}`, { actor: stranger, channel: direct });
    expect(answer.deleteMessage).toBeFalsy();
  });
});
