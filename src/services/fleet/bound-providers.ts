// The providers an org can use, as the fleet sees them: services.providers.forOrg in the app; tests
// build them from adapters aimed at the simulator.
import type { Capability } from '#providers/types.ts';
import { UnsupportedError } from '#providers/errors.ts';
import { UserError } from '#core/errors.ts';
import type { BoundProvider } from '../providers.ts';

export type { BoundProvider };

export type ProvidersFor = (orgId: string) => readonly BoundProvider[];

export function providerNamed(providers: readonly BoundProvider[], name: string): BoundProvider {
  const found = providers.find((provider) => provider.name === name);
  if (!found) {
    const known = providers.map((provider) => provider.name).join(', ') || 'none';
    throw new UserError(`The provider '${name}' is not set up for this org (set up: ${known}). Add it with: provider add ${name}`);
  }
  return found;
}

/** Throws the provider's own reason and alternative when it lacks a capability. */
export function requireCapability(provider: BoundProvider, capability: Capability): void {
  const support = provider.adapter.capabilities[capability];
  if (support !== true) throw new UnsupportedError(provider.name, capability, support.reason, support.alternative);
}
