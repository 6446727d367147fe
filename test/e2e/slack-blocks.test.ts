// The Block Kit renderer against the fake Slack's own rule checker: whatever a Reply holds, every
// message it becomes is one Slack accepts, with a text fallback, and nothing is lost or unescaped.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ButtonCommands } from '#platforms/buttons.ts';
import { escapeMrkdwn, renderSlack, SLACK_LIMITS } from '#platforms/slack/slack-blocks.ts';
import { slackCommandLine } from '#platforms/slack/slack-input.ts';
import type { Reply } from '#core/reply.ts';
import { checkBlocks } from '#test/fakes/slack-blocks-check.ts';

const text = (max: number) => fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '&', '<', '>', '*', '`', '\n', 'é', '✓', '😀', '1'), maxLength: max, size: 'max' });
const label = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '&', '<', '✓'), minLength: 1, maxLength: 120 });

const replies: fc.Arbitrary<Reply> = fc.record(
  {
    kind: fc.constantFrom('info', 'success', 'warning', 'error', 'confirm'),
    title: label,
    text: text(9_000),
    code: text(4_000),
    fields: fc.array(fc.record({ name: label, value: text(2_500) }), { maxLength: 25, size: 'max' }),
    table: fc.record({
      columns: fc.array(fc.record({ header: label }), { minLength: 1, maxLength: 4 }),
      rows: fc.array(fc.array(label, { minLength: 4, maxLength: 4 }), { maxLength: 300, size: 'max' }),
    }),
    buttons: fc.array(fc.record({ label, command: fc.string({ maxLength: 3_000 }), style: fc.constantFrom('primary', 'danger', 'secondary') }), { maxLength: 60, size: 'max' }),
    footer: text(3_000),
  },
  { requiredKeys: ['kind'] },
) as fc.Arbitrary<Reply>;

describe('Slack Block Kit rendering', () => {
  it('always produces messages Slack accepts, each with a text fallback', () => {
    fc.assert(
      fc.property(replies, (reply) => {
        const encoder = new ButtonCommands(SLACK_LIMITS.buttonValue);
        const messages = renderSlack(reply, encoder);
        const actionIds = new Set<string>();
        for (const message of messages) {
          expect(checkBlocks(message.blocks)).toEqual([]);
          expect(message.text.length).toBeGreaterThan(0);
          for (const block of message.blocks) if (block.type === 'actions') for (const element of block.elements) actionIds.add((element as { action_id: string }).action_id);
        }
        // Every button survives the split, and each still leads back to its command.
        expect(actionIds.size).toBe(reply.buttons?.length ?? 0);
        const values = messages.flatMap((message) => message.blocks.flatMap((block) => (block.type === 'actions' ? block.elements.map((element) => (element as { value: string }).value) : [])));
        expect(values.map((value) => encoder.decode(value))).toEqual((reply.buttons ?? []).map((button) => button.command));
      }),
      { numRuns: 40 },
    );
  });

  it('escapes &, < and > in mrkdwn and nothing else', () => {
    expect(escapeMrkdwn('a < b && c > d <@U1> <!channel>')).toBe('a &lt; b &amp;&amp; c &gt; d &lt;@U1&gt; &lt;!channel&gt;');
    const [message] = renderSlack({ kind: 'info', text: '<!here> *bold* & done' }, new ButtonCommands(2000));
    expect(message!.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '&lt;!here&gt; *bold* &amp; done' } }]);
    expect(message!.text).toBe('&lt;!here&gt; *bold* &amp; done');
  });

  it('puts at most ten fields in a section', () => {
    const fields = Array.from({ length: 12 }, (_, index) => ({ name: `n${index}`, value: `v${index}` }));
    const [message] = renderSlack({ kind: 'info', fields }, new ButtonCommands(2000));
    expect(message!.blocks.map((block) => (block.type === 'section' ? block.fields?.length : 0))).toEqual([10, 2]);
    expect(message!.blocks[0]).toMatchObject({ type: 'section' });
    expect((message!.blocks[0] as { fields: unknown[] }).fields[0]).toEqual({ type: 'mrkdwn', text: '*n0*\nv0' });
  });
});

describe('Slack text to command line', () => {
  it('decodes what Slack escaped, drops the bot mention, unwraps links and straightens quotes', () => {
    expect(slackCommandLine('<@UBOT> prices vram&gt;=24 max&lt;0.8 a&amp;b', 'UBOT')).toBe('prices vram>=24 max<0.8 a&b');
    expect(slackCommandLine('<@UBOT|computehub>   help')).toBe('help');
    expect(slackCommandLine('notify webhook url=<https://hooks.example.com/x>')).toBe('notify webhook url=https://hooks.example.com/x');
    expect(slackCommandLine('notify email to=<mailto:ops@example.com|ops@example.com>')).toBe('notify email to=ops@example.com');
    expect(slackCommandLine('template add name=“my box” note=‘x’')).toBe('template add name="my box" note=\'x\'');
    expect(slackCommandLine('deploy &amp;lt;')).toBe('deploy &lt;');
  });
});
