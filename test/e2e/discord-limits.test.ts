// Whatever a command answers or declares, what the Discord adapter sends must be something Discord
// accepts: checked against the same limits the fake Discord enforces, over generated inputs.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ButtonCommands } from '#platforms/buttons.ts';
import { buildSlashCommands, commandLine, slashTarget } from '#platforms/discord/discord-commands.ts';
import { BUTTON_PAYLOAD_LIMIT, decodeCustomId, renderDiscord } from '#platforms/discord/discord-render.ts';
import { defineCommand, defineGroup, opt, type CommandDefinition, type OptionSpecs } from '#core/command.ts';
import type { Reply } from '#core/reply.ts';
import { commandProblems, messageProblems } from '#test/fakes/discord-limits.ts';
import { testApp, type TestApp } from '#test/support/app.ts';

// size 'max': fast-check otherwise keeps strings and arrays to about ten items, far below every limit.
const text = (max: number) => fc.string({ unit: fc.constantFrom('a', 'B', ' ', '\n', '*', '_', '`', 'é', '✓', '|', '#', '-', '1'), maxLength: max, size: 'max' });

const replyArbitrary: fc.Arbitrary<Reply> = fc.record(
  {
    kind: fc.constantFrom('info', 'success', 'warning', 'error', 'confirm'),
    title: text(400),
    text: text(9000),
    code: text(5000),
    footer: text(2500),
    fields: fc.array(fc.record({ name: text(300), value: text(1500), inline: fc.boolean() }), { maxLength: 40, size: 'max' }),
    table: fc.record({
      columns: fc.array(fc.record({ header: text(20) }), { minLength: 1, maxLength: 4 }),
      rows: fc.array(fc.array(text(60), { minLength: 4, maxLength: 4 }), { maxLength: 150, size: 'max' }),
    }),
    buttons: fc.array(fc.record({ label: text(100), command: text(300), style: fc.constantFrom('primary', 'danger', 'secondary') }), { maxLength: 40, size: 'max' }),
    image: fc.constant({ png: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), alt: 'a chart', filename: 'cost chart.png' }),
  },
  { requiredKeys: ['kind'] },
) as fc.Arbitrary<Reply>;

describe('Discord rendering limits', () => {
  it('renders any Reply as messages Discord accepts, every button decoding to its command', () => {
    fc.assert(
      fc.property(replyArbitrary, (reply) => {
        const buttons = new ButtonCommands(BUTTON_PAYLOAD_LIMIT);
        const messages = renderDiscord(reply, buttons);
        const pressed: string[] = [];
        for (const message of messages) {
          const files = message.files.map((file, index) => ({ field: `files[${index}]`, filename: file.name, contentType: 'image/png', data: file.attachment }));
          const body = { embeds: message.embeds, components: message.components, attachments: message.files.map((_, index) => ({ id: String(index) })) };
          expect(messageProblems(body, files, true)).toEqual([]);
          for (const row of message.components) for (const button of row.components) pressed.push(decodeCustomId(buttons, button.custom_id).command!);
        }
        expect(pressed).toEqual((reply.buttons ?? []).map((button) => button.command));
      }),
      // Shrinking replies this large takes minutes; the first counterexample is reported as found.
      { numRuns: 60, endOnFailure: true },
    );
  });
});

describe('Discord slash command generation', () => {
  let app: TestApp;
  const many = Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`Option_${index}`, opt.string(`option number ${index} ${'with a long description '.repeat(6)}`)]));
  const commands = [
    defineCommand({ name: 'secrets put', summary: 'Store a key', examples: [], options: { key: opt.string('the key', { required: true, secret: true }) }, role: 'admin', mutating: true, tier: 'free', directOnly: true, run: () => ({ kind: 'success', text: 'ok' }) }),
    defineCommand({ name: 'wide', summary: 'x'.repeat(150), examples: [], options: { ...many, size: opt.choice(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z'], 'size', { required: true }) }, role: 'viewer', mutating: false, tier: 'free', run: () => ({ kind: 'info', text: 'ok' }) }),
    defineCommand({ name: 'filter', summary: 'Comparisons', examples: [], options: { vram: opt.range('GPU memory'), name: opt.string('a name'), 'max-price': opt.number('price cap') }, role: 'viewer', mutating: false, tier: 'free', run: () => ({ kind: 'info', text: 'ok' }) }),
  ] as unknown as CommandDefinition<OptionSpecs>[];

  beforeAll(async () => {
    app = await testApp({}, { commands, groups: [defineGroup({ name: 'secrets', summary: 'Keys' })] });
  });
  afterAll(async () => {
    await app.close();
  });

  it('produces global commands Discord accepts, DM-only where every form carries a secret', () => {
    const body = buildSlashCommands(app.services.commands, { global: true });
    expect(commandProblems(body, false)).toEqual([]);
    expect(body.find((command) => command.name === 'secrets')!.contexts).toEqual([1]);
    expect(body.find((command) => command.name === 'help')!.contexts).toEqual([0, 1]);
    const wide = body.find((command) => command.name === 'wide')!;
    expect(wide.description.length).toBeLessThanOrEqual(100);
    expect(wide.options).toHaveLength(25);
    // 26 choices do not fit Discord's fixed list: offered by autocomplete instead; the rest go through args.
    expect(wide.options![0]).toMatchObject({ name: 'size', required: true, autocomplete: true });
    expect(wide.options!.at(-1)!.name).toBe('args');
    expect(commandProblems(buildSlashCommands(app.services.commands, { global: false }), true)).toEqual([]);
  });

  it('turns typed options back into one command line', () => {
    const target = slashTarget(app.services.commands, 'filter')!;
    const line = commandLine(target, {
      name: 'filter',
      options: [
        { name: 'vram', value: 'vram>=24, <= 80' },
        { name: 'name', value: 'my "big" box' },
        { name: 'max-price', value: 0.8 },
        { name: 'args', value: '--yes' },
      ],
    });
    expect(line).toBe('filter vram>=24 vram<=80 name="my \\"big\\" box" max-price=0.8 --yes');
  });
});
