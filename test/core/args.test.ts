import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseArgs, quoteValue } from '#core/args.ts';
import { UsageError } from '#core/errors.ts';
import { testApp } from '#test/support/app.ts';

describe('the argument grammar', () => {
  it('reads words, key=value, comparisons, quotes and switches', () => {
    const parsed = parseArgs('prices gpu=4090 vram>=24 price<0.8 name="my box" \'two words\' --yes');
    expect(parsed.positionals).toEqual(['prices', 'two words']);
    expect(parsed.named).toEqual([
      { key: 'gpu', op: '=', value: '4090' },
      { key: 'vram', op: '>=', value: '24' },
      { key: 'price', op: '<', value: '0.8' },
      { key: 'name', op: '=', value: 'my box' },
    ]);
    expect([...parsed.flags]).toEqual([['yes', true]]);
  });

  it('reads what phones type: smart quotes, ≥ and an em dash', () => {
    const parsed = parseArgs('deploy name=\u201Cmy box\u201D vram\u226524 \u2014yes');
    expect(parsed.named).toEqual([
      { key: 'name', op: '=', value: 'my box' },
      { key: 'vram', op: '>=', value: '24' },
    ]);
    expect(parsed.flags.get('yes')).toBe(true);
  });

  it('keeps a fully quoted "a=b" as a word, and escaped quotes inside', () => {
    expect(parseArgs('"a=b"').positionals).toEqual(['a=b']);
    expect(parseArgs('name="say \\"hi\\""').named[0]!.value).toBe('say "hi"');
  });

  it('reads back every value it quotes (what Confirm buttons and the CLI rely on)', () => {
    const value = fc.string({ unit: fc.constantFrom('a', 'Z', '9', ' ', '=', '>', '<', '!', '"', "'", '\\', '-', '.', '\t'), minLength: 1 });
    fc.assert(
      fc.property(value, (text) => {
        expect(parseArgs(`name=${quoteValue(text)}`).named).toEqual([{ key: 'name', op: '=', value: text }]);
      }),
      { numRuns: 2_000 },
    );
  });

  it('explains an unclosed quote and an empty value', () => {
    expect(() => parseArgs('deploy name="my box')).toThrow(/never closed/);
    expect(() => parseArgs('prices gpu=')).toThrow(/needs a value/);
  });

  it('never crashes on 10,000 random command lines: each is a parsed invocation or a user-facing error', async () => {
    const app = await testApp();
    const piece = fc.oneof(
      fc.constantFrom('help', 'audit', 'whoami', 'licence status', 'licence', 'license', 'cancel', 'prices', '/help@bot', 'audit limit=', 'limit=5', 'user=', '--json', '--yes', '--nope'),
      fc.string({ unit: fc.constantFrom('a', 'Z', '1', '=', '>', '<', '!', '"', "'", '\\', ' ', '-', '.', '\u201C', '\u2265', '\u00A0', 'é', '\n', '\t', '🙂') }),
      fc.string(),
    );
    const line = fc.array(piece, { minLength: 0, maxLength: 6 }).map((parts) => parts.join(' '));
    let internalErrors = 0;
    await fc.assert(
      fc.asyncProperty(line, async (text) => {
        try {
          parseArgs(text);
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
        }
        const result = await app.run(text);
        expect(['ok', 'usage', 'denied', 'failed', 'confirm']).toContain(result.outcome);
        expect(Boolean(result.reply.text || result.reply.title || result.reply.fields?.length || result.reply.table)).toBe(true);
        if (result.reply.text?.includes('Something went wrong inside ComputeHub')) internalErrors++;
      }),
      { numRuns: 10_000 },
    );
    expect(internalErrors).toBe(0);
    await app.close();
  });
});

describe('mistakes a user makes', () => {
  it('an unknown command suggests the nearest one', async () => {
    const app = await testApp();
    const result = await app.run('lisence status');
    expect(result.outcome).toBe('usage');
    expect(result.reply.text).toContain("Did you mean 'licence'?");
    expect((await app.run('audti')).reply.text).toContain("Did you mean 'audit'?");
    await app.close();
  });

  it('a bad option names the argument, says what was expected and shows the usage line', async () => {
    const app = await testApp();
    const wrongValue = await app.run('audit limit=lots');
    expect(wrongValue.outcome).toBe('usage');
    expect(wrongValue.reply.text).toContain("'limit': expected a whole number");
    expect(wrongValue.reply.text).toContain('Usage: audit [limit=<n>]');
    const wrongName = await app.run('audit limt=5');
    expect(wrongName.reply.text).toContain("Unknown option 'limt'. Did you mean 'limit'?");
    const wrongOperator = await app.run('audit limit>=5');
    expect(wrongOperator.reply.text).toContain("'limit' takes limit=<n>, not '>='");
    const missing = await app.run('licence activate');
    expect(missing.reply.text).toContain("'key' is missing");
    await app.close();
  });

  it('help and help <command> are generated from the definitions', async () => {
    const app = await testApp();
    const list = await app.run('help');
    expect(list.reply.table!.rows.map((row) => row[0])).toEqual(expect.arrayContaining(['help', 'licence', 'audit', 'whoami']));
    const one = await app.run('help audit');
    expect(one.reply.title).toBe('audit [limit=<n>] [user=<text>] [command=<text>]');
    expect(one.reply.table!.rows[0]).toEqual(['limit', 'how many entries, newest first']);
    expect(one.reply.code).toContain('audit limit=50');
    const group = await app.run('help license');
    expect(group.reply.table!.rows.map((row) => row[0])).toEqual(['licence status', 'licence activate <key>']);
    await app.close();
  });
});
