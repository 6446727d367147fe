// The one interface every provider adapter implements (one file per provider beside this one).
// Adapters speak the provider's wire protocol through the shared HTTP client and return the common
// shapes below; they never touch the store, the chat platforms or the command registry.
import type { Offer } from '#domain/offer.ts';
import type { Instance } from '#domain/instance.ts';
import type { Capabilities, ProviderName } from '#domain/providers.ts';

// Names and capabilities come from the provider table (src/domain/provider-table.ts).
export type { Capabilities, Capability, ProviderName } from '#domain/providers.ts';

export interface Account {
  /** The account the key belongs to (email, user name or id), for `provider list`. */
  id: string;
  name?: string;
}

export interface Balance {
  /** Credit left in USD, when the provider reports it. */
  creditUsd: number;
  /** Spend so far this billing period, when reported. */
  spentUsd?: number;
}

export interface OfferQuery {
  /** Canonical GPU names (from data/gpus.json) to restrict the search to, when the provider can filter server-side. */
  gpus?: string[];
  /** Exact GPUs per instance; absent = every count the provider rents (RunPod and TensorDock: 1, 2, 4 and 8 where allowed). */
  gpuCount?: number;
  interruptible?: boolean;
  /** Disk to price the offer for, in GB (Vast dph_total and TensorDock storage depend on it). */
  diskGb?: number;
  /**
   * Conditions a provider with a long list applies on its side (Vast's search), so a search that
   * would be cut off returns what matches instead. Loose bounds: the caller filters exactly afterwards.
   */
  narrow?: OfferNarrowing;
}

/** Bounds on an offer list that a provider can evaluate itself; every field is optional. */
export interface OfferNarrowing {
  minVramGb?: number;
  maxVramGb?: number;
  minGpuCount?: number;
  maxGpuCount?: number;
  /** All-in on-demand USD per hour for the whole rental. */
  maxPricePerHour?: number;
  /** ISO country codes (any of). */
  countries?: string[];
  /** 0..1 */
  minReliability?: number;
  minCudaVersion?: number;
  minDiskGb?: number;
}

/** An offer list and whether the provider cut it off (more offers match than it returned). */
export interface OfferList {
  offers: Offer[];
  partial: boolean;
}

/** What to run: produced from a template by the fleet service, translated per provider by the adapter. */
export interface LaunchSpec {
  /** The offer to rent (Offer.offerId from listOffers). */
  offerId: string;
  /** Our label, carried in the provider-side name so a restarted bot can adopt the instance. */
  name: string;
  image: string;
  env: Record<string, string>;
  /** Container ports to expose, e.g. [22, 8888]. */
  ports: { port: number; protocol: 'tcp' | 'http' }[];
  /** Shell script run at start (Vast onstart, RunPod container command, VM cloud-init). */
  startScript?: string;
  /** The image starts its own program (Docker ENTRYPOINT), so the script runs only where the provider can replace it. */
  imageSetsEntrypoint?: boolean;
  diskGb: number;
  gpuCount: number;
  /** CUDA the image needs from the host driver; providers that pick the host at create (RunPod) place the pod by it. */
  minCudaVersion?: number;
  /** Interruptible bid in USD per hour (Vast); absent means on-demand. */
  bidPerHour?: number;
  /** Public SSH key to install, where the provider needs one (Lambda, TensorDock). */
  sshPublicKey?: string;
}

export interface ProviderAdapter {
  readonly name: ProviderName;
  readonly capabilities: Capabilities;
  verifyKey(): Promise<Account>;
  listOffers(query?: OfferQuery): Promise<Offer[]>;
  /**
   * For a provider whose list can be longer than one answer (Vast): the whole list, cheapest first,
   * page by page within its rate limits. `onProgress` gets the offers so far after each page but the
   * last; `partial` is set when the list was longer than the adapter loads.
   */
  searchOffers?(query: OfferQuery, onProgress?: (list: OfferList) => void): Promise<OfferList>;
  listInstances(): Promise<Instance[]>;
  getInstance(providerInstanceId: string): Promise<Instance | undefined>;
  create(spec: LaunchSpec): Promise<Instance>;
  start(providerInstanceId: string): Promise<void>;
  stop(providerInstanceId: string): Promise<void>;
  restart(providerInstanceId: string): Promise<void>;
  /** Idempotent: an instance that is already gone counts as destroyed. */
  destroy(providerInstanceId: string): Promise<void>;
  balance(): Promise<Balance>;
}
