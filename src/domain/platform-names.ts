// The chat platform names, written once: the terminal chat ('console') and every platform of the
// platform table (adapters/platforms/index.ts types its entries' names by this list, so an entry
// whose name is missing here does not compile). Pure data, so config (the COMPUTEHUB_ADMINS check)
// and services (member references) read the names here without importing the platforms.
import { inWords } from './words.ts';

/** Every platform a member reference (`telegram:12345`) may name, in the order messages list them. */
export const PLATFORM_NAMES = ['telegram', 'discord', 'slack', 'console'] as const;

export type PlatformName = (typeof PLATFORM_NAMES)[number];

/** A platform of the table: the terminal chat needs no token and is not in it. */
export type ChatPlatformName = Exclude<PlatformName, 'console'>;

export function isPlatformName(text: string): text is PlatformName {
  return (PLATFORM_NAMES as readonly string[]).includes(text);
}

/** "telegram, discord, slack or console". */
export function platformNamesInWords(): string {
  return inWords(PLATFORM_NAMES);
}
