import { defineCommand, opt, type CommandDefinition, type OptionSpecs } from '#core/command.ts';
import { UsageError } from '#core/errors.ts';
import type { CommandRegistry } from '#core/registry.ts';
import { nearest } from '#domain/suggest.ts';

/** The machine-readable description of a command, as `help --json` prints it. */
export function describeCommand(registry: CommandRegistry, definition: CommandDefinition<OptionSpecs>) {
  return {
    name: definition.name,
    summary: definition.summary,
    description: definition.description,
    usage: registry.usage(definition),
    examples: definition.examples,
    role: definition.role,
    mutating: definition.mutating,
    tier: definition.tier,
    directOnly: definition.directOnly ?? false,
    confirms: Boolean(definition.confirm),
    options: Object.entries(definition.options).map(([name, option]) => ({
      name,
      type: option.kind,
      description: option.description,
      required: option.required,
      positional: option.positional || option.rest,
      comparison: option.compare,
      choices: option.choices,
      aliases: option.aliases.length ? option.aliases : undefined,
    })),
  };
}

export const help = defineCommand({
  name: 'help',
  summary: 'List the commands, or explain one',
  examples: ['help', 'help prices', 'help licence activate'],
  options: { command: opt.string('the command to explain', { rest: true }) },
  role: 'viewer',
  mutating: false,
  tier: 'free',
  public: true,
  run({ options, services }) {
    const registry = services.commands;
    if (options.command) {
      const words = options.command.split(/\s+/);
      const { definition, group } = registry.lookup(words);
      if (definition) {
        const described = describeCommand(registry, definition);
        const flags = [definition.tier === 'pro' ? 'Pro' : 'Free', `needs ${definition.mutating && definition.role === 'viewer' ? 'dev' : definition.role}`];
        if (definition.directOnly) flags.push('direct message only');
        return {
          kind: 'info',
          title: described.usage,
          text: `${definition.summary}.${definition.description ? `\n${definition.description}` : ''}\n(${flags.join(', ')})`,
          table: described.options.length
            ? { columns: [{ header: 'Option' }, { header: 'Meaning' }], rows: described.options.map((option) => [option.name, option.description + (option.choices ? ` (${option.choices.join(', ')})` : '')]) }
            : undefined,
          code: definition.examples.join('\n'),
          data: { command: described },
        };
      }
      if (group) {
        const subs = registry.subcommands(group.name);
        return {
          kind: 'info',
          title: `${group.name}: ${group.summary}`,
          table: { columns: [{ header: 'Command' }, { header: 'What it does' }], rows: subs.map((sub) => [registry.usage(sub), sub.summary]) },
          footer: `Type help ${group.name} <subcommand> for details.`,
          data: { commands: subs.map((sub) => describeCommand(registry, sub)) },
        };
      }
      const names = registry.definitions().map((definition) => definition.name.split(' ')[0]!);
      const guess = nearest(words[0]!, names);
      throw new UsageError(`There is no command '${options.command}'.${guess ? ` Did you mean 'help ${guess}'?` : ''} Type 'help' to list them all.`);
    }
    const rows: string[][] = [];
    const seen = new Set<string>();
    for (const definition of registry.definitions()) {
      const head = definition.name.split(' ')[0]!;
      if (seen.has(head)) continue;
      seen.add(head);
      const group = registry.groupList().find((candidate) => candidate.name === head);
      const tier = group ? (registry.subcommands(head).every((sub) => sub.tier === 'pro') ? 'Pro' : '') : definition.tier === 'pro' ? 'Pro' : '';
      rows.push([head, group ? group.summary : definition.summary, tier]);
    }
    return {
      kind: 'info',
      title: 'ComputeHub commands',
      table: { columns: [{ header: 'Command' }, { header: 'What it does' }, { header: '' }], rows },
      footer: 'Type help <command> for its options and examples. Values are written key=value, e.g. prices gpu=4090 vram>=24.',
      data: { commands: registry.definitions().map((definition) => describeCommand(registry, definition)) },
    };
  },
});
