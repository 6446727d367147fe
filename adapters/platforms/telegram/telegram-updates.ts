// Turns Telegram updates into what the registry understands: who is asking, where, and which
// command line they typed.
import type { Chat, Message, User } from 'grammy/types';
import type { Actor, Channel } from '#core/command.ts';

export function actorOf(user: User): Actor {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
  return { platform: 'telegram', userId: String(user.id), displayName: name || user.username || String(user.id) };
}

export function channelOf(chat: Pick<Chat, 'id' | 'type'>): Channel {
  return { platform: 'telegram', id: String(chat.id), kind: chat.type === 'private' ? 'direct' : 'shared' };
}

/**
 * The command line in a text message, or undefined when the message is not for the bot:
 * `/prices gpu=4090` anywhere (`/prices@otherbot` is not ours), and any text in a private chat.
 */
export function commandLine(message: Pick<Message.TextMessage, 'text' | 'entities' | 'chat'>, botUsername: string): string | undefined {
  const text = message.text.trim();
  const first = message.entities?.[0];
  if (first?.type === 'bot_command' && first.offset === 0) {
    const [name = '', addressee] = text.slice(1, first.length).split('@');
    if (addressee && addressee.toLowerCase() !== botUsername.toLowerCase()) return undefined;
    // Telegram clients send /start when someone opens the bot; show them what it can do.
    const command = name.toLowerCase() === 'start' ? 'help' : name;
    return normalise(`${command} ${text.slice(first.length).trim()}`);
  }
  return message.chat.type === 'private' ? normalise(text) : undefined;
}

/** Phones turn a typed "--" into an em dash ("—yes"); read it as the switch the user meant. */
function normalise(line: string): string {
  return line.replace(/(^|\s)[—–](?=[a-z])/g, '$1--').trim();
}
