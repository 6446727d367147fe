// The command menu Telegram shows when a user types "/": one entry per top-level command or group,
// generated from the registry's definitions so it never drifts from what the bot accepts.
import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import type { CommandRegistry } from '#core/registry.ts';

/** Telegram's rules for a menu entry. */
const NAME = /^[a-z0-9_]{1,32}$/;
const DESCRIPTION = { min: 3, max: 256 };
const MAX_COMMANDS = 100;

export function menuCommands(registry: CommandRegistry): BotCommand[] {
  const entries = new Map<string, string>();
  const groups = new Map(registry.groupList().map((group) => [group.name, group.summary]));
  for (const definition of registry.definitions()) {
    const head = definition.name.split(' ')[0]!;
    if (entries.has(head) || !NAME.test(head)) continue;
    entries.set(head, groups.get(head) ?? definition.summary);
  }
  return [...entries]
    .slice(0, MAX_COMMANDS)
    .map(([command, summary]) => {
      const trimmed = summary.trim();
      const description = trimmed.length > DESCRIPTION.max ? `${trimmed.slice(0, DESCRIPTION.max - 1)}…` : trimmed.padEnd(DESCRIPTION.min, '.');
      return { command, description };
    });
}

export async function publishCommands(api: Api, registry: CommandRegistry): Promise<void> {
  await api.setMyCommands(menuCommands(registry));
}
