// What every fleet and billing operation needs; built once in app.ts.
import type { Logger } from '#src/log.ts';
import type { Db } from '#store/db.ts';
import type { Vault } from '#store/vault.ts';
import type { LicenceService } from '../licence.ts';
import type { CachedOffers } from './offers.ts';
import type { ProvidersFor } from './bound-providers.ts';

export interface FleetTiming {
  /** Real time between polls of a deploy in progress. */
  pollMs: number;
  /** A deploy not ready after this long (on the app clock) is cleaned up and reported as failed. */
  deployTimeoutMs: number;
}

export const DEFAULT_TIMING: FleetTiming = { pollMs: 5_000, deployTimeoutMs: 20 * 60_000 };

export interface FleetContext {
  db: Db;
  /** Seals each deploy's app secret. */
  vault: Vault;
  log: Logger;
  now: () => Date;
  providersFor: ProvidersFor;
  licence: LicenceService;
  timing: FleetTiming;
  /** SSH_PUBLIC_KEY: installed on rented machines where the provider takes one. */
  sshPublicKey: string | undefined;
  /** Offers `prices` showed recently, by reference, so deploy rents exactly what was shown. */
  cachedOffer?: CachedOffers | undefined;
  /** Aborted when the app closes, so deploy loops stop and a restarted bot can take over. */
  closed: AbortSignal;
}
