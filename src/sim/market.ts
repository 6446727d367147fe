// The one in-memory marketplace behind the four faces: catalogues, instances and account credit.
import { advanceInstance, setPhase, type Phase, type SimInstance } from './lifecycle.ts';
import { generateVastMarket, type VastMachine, type VastOffer } from './vast-catalogue.ts';
import { generateTensordockLocations, type TensordockLocation } from './cloud-catalogue.ts';
import { alnumId, createRandom, hashString, hexId } from './random.ts';
import { SIM_PROVIDERS, type SimClock, type SimInstanceView, type SimMarket, type SimProvider } from './types.ts';

const phaseWords: Record<SimProvider, Record<Phase, string>> = {
  vast: { pending: 'null', created: 'created', loading: 'loading', running: 'running', rebooting: 'rebooting', stopping: 'stopped', stopped: 'stopped', outbid: 'stopped', crashed: 'exited', terminating: 'unloaded', terminated: 'unloaded', gone: 'unloaded' },
  runpod: { pending: 'PROVISIONING', created: 'PROVISIONING', loading: 'STARTING', running: 'RUNNING', rebooting: 'STARTING', stopping: 'EXITED', stopped: 'EXITED', outbid: 'EXITED', crashed: 'ERROR', terminating: 'TERMINATED', terminated: 'TERMINATED', gone: 'TERMINATED' },
  lambda: { pending: 'booting', created: 'booting', loading: 'booting', running: 'active', rebooting: 'booting', stopping: 'active', stopped: 'active', outbid: 'preempted', crashed: 'unhealthy', terminating: 'terminating', terminated: 'terminated', gone: 'terminated' },
  tensordock: { pending: 'starting', created: 'starting', loading: 'starting', running: 'running', rebooting: 'starting', stopping: 'stopping', stopped: 'stopped', outbid: 'stopped', crashed: 'stopped', terminating: 'deleting', terminated: 'deleted', gone: 'deleted' },
};

export type NewInstance = Omit<SimInstance, 'id' | 'phase' | 'phaseSince' | 'createdAt' | 'billedUntil' | 'costMicros' | 'key' | 'ip' | 'privateIp' | 'publicPorts'> & { phase?: Phase };

export class Market implements SimMarket {
  readonly seed: number;
  readonly vastOfferCount: number;
  readonly vastOffers: VastOffer[];
  readonly vastOffersById: Map<number, VastOffer>;
  readonly vastMachines: VastMachine[];
  readonly tensordockLocations: TensordockLocation[];
  private readonly store = new Map<string, SimInstance>();
  private readonly balances: Record<SimProvider, number>;
  private readonly ids: ReturnType<typeof createRandom>;
  private nextVastId: number;

  constructor(
    seed: number,
    vastOfferCount: number,
    readonly clock: SimClock,
    startingBalanceUsd: number,
  ) {
    this.seed = seed;
    this.vastOfferCount = vastOfferCount;
    const vast = generateVastMarket(seed, vastOfferCount);
    this.vastOffers = vast.offers;
    this.vastMachines = vast.machines;
    this.vastOffersById = new Map(vast.offers.map((offer) => [offer.id, offer]));
    this.tensordockLocations = generateTensordockLocations(seed);
    const micros = Math.round(startingBalanceUsd * 1e6);
    this.balances = Object.fromEntries(SIM_PROVIDERS.map((provider) => [provider, micros])) as Record<SimProvider, number>;
    this.ids = createRandom(hashString(`ids-${seed}`));
    this.nextVastId = 9_000_000 + (hashString(`vast-instances-${seed}`) % 900_000);
  }

  /** A new provider-shaped instance id. */
  newId(provider: SimProvider): string {
    if (provider === 'vast') return String(this.nextVastId++);
    if (provider === 'runpod') return alnumId(this.ids, 14);
    const hex = hexId(this.ids, 32);
    if (provider === 'lambda') return hex;
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  add(provider: SimProvider, fields: NewInstance): SimInstance {
    const now = this.clock.now();
    const id = this.newId(provider);
    const key = hashString(`${provider}-${id}`);
    const basePort = 20_000 + (key % 40_000);
    const instance: SimInstance = {
      ...fields,
      id,
      provider,
      phase: fields.phase ?? 'pending',
      phaseSince: now,
      createdAt: now,
      billedUntil: now,
      costMicros: 0,
      key,
      ip: `198.51.100.${1 + (key % 254)}`,
      privateIp: `10.${(key >>> 8) % 256}.${(key >>> 16) % 256}.${1 + (key % 250)}`,
      publicPorts: Object.fromEntries(fields.ports.map((entry, index) => [entry.port, basePort + index])),
    };
    this.store.set(this.storeKey(provider, id), instance);
    return instance;
  }

  private storeKey(provider: SimProvider, id: string) {
    return `${provider}:${id}`;
  }

  /** Plays every instance forward to now and charges the accounts. Call before reading state. */
  sync(): void {
    const now = this.clock.now();
    for (const [key, instance] of this.store) {
      this.balances[instance.provider] -= advanceInstance(instance, now);
      if (instance.phase === 'gone') this.release(instance, key);
    }
  }

  /** Moves an instance to a phase now (after syncing), charging what it owed until now. */
  transition(instance: SimInstance, phase: Phase): void {
    this.sync();
    this.balances[instance.provider] -= setPhase(instance, phase, this.clock.now());
    if (phase === 'gone') this.release(instance, this.storeKey(instance.provider, instance.id));
  }

  private release(instance: SimInstance, key: string): void {
    this.store.delete(key);
    const offerId = instance.details.offerId;
    if (typeof offerId === 'number' && instance.details.holdsGpus) {
      const offer = this.vastOffersById.get(offerId);
      if (offer) offer.machine.freeGpus += offer.numGpus;
    }
  }

  find(provider: SimProvider, id: string): SimInstance | undefined {
    this.sync();
    return this.store.get(this.storeKey(provider, id));
  }

  list(provider: SimProvider): SimInstance[] {
    this.sync();
    return [...this.store.values()].filter((instance) => instance.provider === provider);
  }

  /** Micro-dollars of credit left. */
  balanceMicros(provider: SimProvider): number {
    this.sync();
    return this.balances[provider];
  }

  // ---- SimMarket (the public, test-facing view) ----

  balance(provider: SimProvider): number {
    return this.balanceMicros(provider) / 1e6;
  }

  setBalance(provider: SimProvider, usd: number): void {
    this.sync();
    this.balances[provider] = Math.round(usd * 1e6);
  }

  instances(provider?: SimProvider): SimInstanceView[] {
    this.sync();
    return [...this.store.values()].filter((instance) => !provider || instance.provider === provider).map((instance) => this.view(instance));
  }

  instance(provider: SimProvider, id: string): SimInstanceView | undefined {
    const found = this.find(provider, id);
    return found && this.view(found);
  }

  crash(provider: SimProvider, id: string): void {
    const instance = this.require(provider, id);
    if (instance.phase === 'running' || instance.phase === 'rebooting') this.transition(instance, 'crashed');
    else instance.crashWhenRunning = true;
  }

  outbid(provider: SimProvider, id: string): void {
    const instance = this.require(provider, id);
    if (!instance.interruptible) throw new Error(`${provider} instance ${id} is on-demand; only interruptible instances can be outbid`);
    if (instance.phase === 'running' || instance.phase === 'rebooting') this.transition(instance, 'outbid');
    else instance.outbidWhenRunning = true;
  }

  idle(provider: SimProvider, id: string): void {
    this.require(provider, id).idle = true;
  }

  hostGone(provider: SimProvider, id: string): void {
    this.transition(this.require(provider, id), 'gone');
  }

  private require(provider: SimProvider, id: string): SimInstance {
    const instance = this.find(provider, id);
    if (!instance) throw new Error(`no simulated ${provider} instance ${id}`);
    return instance;
  }

  private view(instance: SimInstance): SimInstanceView {
    return {
      provider: instance.provider,
      id: instance.id,
      name: instance.name,
      status: phaseWords[instance.provider][instance.phase],
      gpuName: instance.gpuName,
      gpuCount: instance.gpuCount,
      pricePerHour: instance.computePerHour,
      interruptible: instance.interruptible,
      costUsd: instance.costMicros / 1e6,
      ...(instance.image ? { image: instance.image } : {}),
      env: instance.env,
      ...(instance.startScript ? { startScript: instance.startScript } : {}),
      createdAt: instance.createdAt,
    };
  }
}
