// Public types of the marketplace simulator. Adapters and tests code against these; keep them stable.

export type SimProvider = 'vast' | 'runpod' | 'lambda' | 'tensordock';
export const SIM_PROVIDERS: readonly SimProvider[] = ['vast', 'runpod', 'lambda', 'tensordock'];

/**
 * Logical endpoint names, the same for every provider, used to aim faults and to tag recorded requests.
 * RunPod GraphQL operations map to these by their root field (gpuTypes → offers, podStop → stop, ...).
 */
export type SimEndpoint =
  | 'offers'
  | 'create'
  | 'list'
  | 'get'
  | 'start'
  | 'stop'
  | 'restart'
  | 'destroy'
  | 'account'
  | 'sshKeys'
  | 'other';

/** The simulated clock. Time is unix milliseconds. */
export interface SimClock {
  /** Current simulated time (ms since epoch). */
  now(): number;
  /** Jumps simulated time forward by `ms` (instances advance, bills accrue, prices drift). */
  advance(ms: number): void;
  /** Simulated ms per real ms: 1 = real time, 0 = frozen (moves only through advance()). */
  readonly timeScale: number;
}

/** How a faulty request fails. */
export type SimFaultKind =
  /** 429. With `retryAfterSeconds` a Retry-After header is sent; without it, Vast's header-less plain text. */
  | 'rateLimit'
  /** A 5xx (default 500) with the provider's usual error body. */
  | 'serverError'
  /** Never answers; the connection stays open until the client gives up (or the simulator closes). */
  | 'hang'
  /** HTTP 200 whose body is truncated JSON. */
  | 'malformedJson'
  /** The provider's real "bad API key" answer. */
  | 'auth'
  /** The provider's real out-of-capacity error on create. */
  | 'noCapacity'
  /** The instance created (or `instanceId`) crashes once running: Vast exited, RunPod ERROR, Lambda unhealthy, TensorDock stopped. */
  | 'crash'
  /** Interruptible instance outbid once running (Vast: cur/intended/next all "stopped"; RunPod spot: EXITED). */
  | 'outbid'
  /** The instance's workload stops with `instanceId`: it keeps running and billing with its GPU at 0 % until it is restarted or stopped. */
  | 'idle'
  /** Vast only: create answers 400 invalid_price yet leaves a stopped instance whose id is in `new_contract` (docs/providers.md §6.2). */
  | 'createErrorLeavesStopped'
  /** The request is carried out, but the answer is a 504, as when a proxy drops it (a create that made a machine nobody heard of). */
  | 'answerLost';

export interface SimFaultSpec {
  provider: SimProvider | '*';
  /** Which endpoint it hits; default '*' (every endpoint; for crash/outbid/noCapacity it is always create). */
  endpoint?: SimEndpoint | '*';
  kind: SimFaultKind;
  /** Number of matching requests it affects; omitted = until cleared. */
  count?: number;
  /** For serverError: 500, 502, 503 or 504 (default 500). */
  status?: number;
  /** For rateLimit: send `Retry-After: <n>` (seconds). */
  retryAfterSeconds?: number;
  /** For crash/outbid: apply at once to this existing instance instead of the next created one; idle needs it. */
  instanceId?: string;
}

export interface SimFault extends SimFaultSpec {
  id: string;
  /** Requests (or creates) still to affect; undefined = until cleared. */
  remaining?: number;
}

export interface SimFaults {
  /** Arms a fault; returns it (with its id). crash/outbid/idle with instanceId act immediately and return with remaining 0. */
  add(spec: SimFaultSpec): SimFault;
  /** Removes one fault by id, or all (optionally only one provider's). */
  clear(idOrProvider?: string): void;
  list(): SimFault[];
}

/** One request the simulator received (Authorization header and api_key query values removed). */
export interface SimRequest {
  provider: SimProvider | 'admin';
  endpoint: SimEndpoint;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON body (or form fields, or raw text when it did not parse); undefined when empty. */
  body: unknown;
  /** For RunPod GraphQL: the root field names of the operation (e.g. ["podFindAndDeployOnDemand"]). */
  operations?: string[];
  /** Simulated time of arrival (ms). */
  at: number;
}

/** The simulator's view of an instance, whatever the provider (the faces render it in their own shapes). */
export interface SimInstanceView {
  provider: SimProvider;
  id: string;
  /** Our label as the provider stores it (Vast label, RunPod/Lambda/TensorDock name). */
  name: string;
  /** The provider's own status word at this moment (e.g. Vast actual_status, RunPod v2 status). */
  status: string;
  gpuName: string;
  gpuCount: number;
  /** $/hr while running, fixed at launch. */
  pricePerHour: number;
  interruptible: boolean;
  /** USD accrued so far. */
  costUsd: number;
  image?: string;
  env: Record<string, string>;
  startScript?: string;
  createdAt: number;
}

export interface SimMarket {
  readonly seed: number;
  /** Number of Vast offers in the catalogue. */
  readonly vastOfferCount: number;
  /** Account credit left, USD (starts at 500 per provider). */
  balance(provider: SimProvider): number;
  setBalance(provider: SimProvider, usd: number): void;
  instances(provider?: SimProvider): SimInstanceView[];
  instance(provider: SimProvider, id: string): SimInstanceView | undefined;
  /** Makes an instance crash now (provider's crashed state). */
  crash(provider: SimProvider, id: string): void;
  /** Makes an interruptible instance outbid now (Vast stopped / RunPod EXITED). */
  outbid(provider: SimProvider, id: string): void;
  /** Its workload stops: GPU util 0 % while it runs on (and bills) until it is restarted or stopped. */
  idle(provider: SimProvider, id: string): void;
  /** Its host is gone: the instance leaves the provider's list at once, as after a host failure. */
  hostGone(provider: SimProvider, id: string): void;
}

export interface SimulatorOptions {
  /** Catalogue seed (default 42). The same seed and time give the same offers and prices. */
  seed?: number;
  /** Vast offer count (default 2000). */
  vastOffers?: number;
  /** Simulated ms per real ms (default 1; 0 = frozen clock, driven only by clock.advance). */
  timeScale?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Fixed ports: vast=base, runpod=base+1, lambda=base+2, tensordock=base+3, admin=base+4. Default: random free ports. */
  basePort?: number;
  /** Simulated start time (ms since epoch; default the real time now). */
  startTime?: number;
  /**
   * API keys the faces accept, per provider. Unset: any non-empty key is accepted.
   * A missing key always fails with the provider's auth error.
   */
  keys?: Partial<Record<SimProvider, string>>;
  /** Starting credit per provider, USD (default 500). */
  startingBalanceUsd?: number;
}

export interface Simulator {
  /** Base origins to give the adapters (VAST_API_URL etc.), e.g. http://127.0.0.1:41234 — no trailing slash. */
  urls: Record<SimProvider | 'admin', string>;
  clock: SimClock;
  faults: SimFaults;
  /** Every request received, oldest first (capped at the last 20,000). Set `length = 0` to clear. */
  requests: SimRequest[];
  market: SimMarket;
  /** Stops all five servers and drops hung connections. */
  close(): Promise<void>;
}
