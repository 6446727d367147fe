// What the rest of the code reads about providers, derived from the one table (provider-table.ts):
// the name union and list, the zod enum the store validates with, labels, environment variables.
import { z } from 'zod';
import { PROVIDER_TABLE, type Capability, type ProviderEntry } from './provider-table.ts';
import { inWords } from './words.ts';

export type { Capabilities, Capability, ProviderEntry } from './provider-table.ts';

type Table = typeof PROVIDER_TABLE;
export type ProviderName = Table[number]['name'];
/** Each provider's key variable, e.g. VAST_API_KEY | … (config entries are typed from these). */
export type ProviderKeyVariable = Table[number]['keyVariable'];

/** Every provider name, in table order (the order lists and answers show them in). */
export const PROVIDER_NAMES = PROVIDER_TABLE.map((entry) => entry.name) as readonly ProviderName[] as readonly [ProviderName, ...ProviderName[]];

const BY_NAME = new Map<string, ProviderEntry>(PROVIDER_TABLE.map((entry) => [entry.name, entry]));

/** The table entry of a provider name. */
export function providerEntry(name: ProviderName): ProviderEntry {
  return BY_NAME.get(name)!;
}

export function isProviderName(text: string): text is ProviderName {
  return BY_NAME.has(text);
}

/** The provider's own spelling for messages ("Vast.ai"); an unknown name comes back as it is. */
export function providerLabel(name: string): string {
  return BY_NAME.get(name)?.label ?? name;
}

/** The names as a sentence lists them: "vast, runpod, lambda or tensordock". */
export function providerNamesInWords(joiner = 'or'): string {
  return inWords(PROVIDER_NAMES, joiner);
}

/** The store's and the options' check of a provider name. */
export const providerNameSchema = z.enum(PROVIDER_NAMES);

/** Where each provider's console makes a key, for `provider add`'s help. */
export const PROVIDER_TABLE_KEY_HELP = PROVIDER_TABLE.map((entry) => entry.keyHelp).join('; ');

export const PROVIDER_KEY_VARIABLES: readonly ProviderKeyVariable[] = PROVIDER_TABLE.map((entry) => entry.keyVariable);

/** The labels of the providers that can (true) or cannot (false) do something, in table order. */
export function providersThat(capability: Capability, can: boolean): string[] {
  return PROVIDER_TABLE.filter((entry) => (entry.capabilities[capability] === true) === can).map((entry) => entry.label);
}
