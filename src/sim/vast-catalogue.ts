// Vast's marketplace: host machines sliced into offers, in Vast's units (MB, GB, $/hr, $/GB/month).
// Static fields are generated once from the seed; prices are computed per request from the clock.
import { createRandom, drift, hashString, round, type Random } from './random.ts';
import { SIM_GPUS, type SimGpuModel } from './gpus.ts';
import { SIM_PLACES, type SimPlace } from './places.ts';

export interface VastMachine {
  machineId: number;
  hostId: number;
  gpu: SimGpuModel;
  place: SimPlace;
  totalGpus: number;
  /** GPUs not rented by simulated instances. */
  freeGpus: number;
  ip: string;
}

export interface VastOffer {
  id: number;
  machine: VastMachine;
  numGpus: number;
  /** Price key for drift; the offer's ask is `baseDph × drift(key, t)`. */
  priceKey: number;
  baseDph: number;
  bidRatio: number;
  storageCost: number;
  /** Everything that does not move with time, already in wire form. */
  fixed: Record<string, unknown>;
  /** `fixed` serialised without braces, cached on first use: big searches are answered by concatenation. */
  fixedJson?: string;
}

const CPUS = [
  { name: 'AMD EPYC 7B13', cores: 64, ghz: 2.45 },
  { name: 'AMD EPYC 7543 32-Core Processor', cores: 64, ghz: 2.8 },
  { name: 'AMD EPYC 9354 32-Core Processor', cores: 64, ghz: 3.25 },
  { name: 'AMD Ryzen 9 7950X 16-Core Processor', cores: 32, ghz: 4.5 },
  { name: 'AMD Ryzen Threadripper PRO 5975WX 32-Cores', cores: 64, ghz: 3.6 },
  { name: 'Intel Xeon Gold 6342 CPU @ 2.80GHz', cores: 48, ghz: 2.8 },
  { name: 'Intel Xeon Platinum 8480+', cores: 112, ghz: 2.0 },
  { name: 'Intel Core i9-13900K', cores: 32, ghz: 3.0 },
] as const;

const DRIVERS = [
  { version: '535.183.01', cuda: 12.2 },
  { version: '550.127.05', cuda: 12.4 },
  { version: '560.35.03', cuda: 12.6 },
  { version: '570.133.07', cuda: 12.8 },
  { version: '575.57.08', cuda: 12.9 },
] as const;

/** Offer ids start high, like Vast's, and differ by seed so ids from another seed do not resolve. */
const offerIdBase = (seed: number) => 20_000_000 + (hashString(`vast-ids-${seed}`) % 1_000_000);

/** What a host is like beyond its GPUs: drawn once per machine and shared by every offer sliced from it. */
interface HostTraits {
  datacenter: boolean;
  cpu: (typeof CPUS)[number];
  driver: (typeof DRIVERS)[number];
  reliability: number;
  /** The host's price multiplier over the GPU's reference price (better hosts ask more). */
  hostFactor: number;
  hostRamMb: number;
  hostDiskGb: number;
  inetDown: number;
  inetUp: number;
  verified: boolean;
  storageCost: number;
  inetCost: number;
  bidRatio: number;
  startDate: number;
  duration: number;
}

// The draws below keep the order of the random stream: a seed must keep producing the same market.

function drawMachine(random: Random, index: number): VastMachine {
  const gpu = random.weighted(SIM_GPUS, (model) => model.supply);
  const place = random.weighted(SIM_PLACES, (where) => where.weight);
  const totalGpus = random.weighted([1, 2, 4, 8], (count) => (gpu.datacenter ? [1, 2, 3, 5][Math.log2(count)]! : [5, 3, 3, 1][Math.log2(count)]!));
  return {
    machineId: 10_000 + index * 7 + random.int(0, 6),
    hostId: 100_000 + random.int(0, 89_999),
    gpu,
    place,
    totalGpus,
    freeGpus: totalGpus,
    ip: `203.0.113.${random.int(1, 254)}`,
  };
}

function drawHost(random: Random, { gpu, totalGpus }: VastMachine): HostTraits {
  const datacenter = gpu.datacenter ? random.next() < 0.8 : random.next() < 0.15;
  const cpu = random.pick(CPUS);
  const driver = gpu.computeCap >= 1200 ? DRIVERS[random.int(3, 4)]! : random.pick(DRIVERS);
  const reliability = round(datacenter ? random.between(0.985, 0.9995) : random.between(0.86, 0.999), 4);
  const hostFactor = random.between(0.78, 1.32) * (0.9 + (reliability - 0.9));
  const hostRamMb = Math.round(totalGpus * gpu.vramGb * random.between(1.5, 4) * 1024);
  const hostDiskGb = round(totalGpus * random.between(150, 1200), 1);
  const inetDown = round(random.between(80, 9000), 1);
  const inetUp = round(inetDown * random.between(0.3, 1), 1);
  const verified = random.next() < 0.85;
  const storageCost = round(random.between(0.05, 0.3), 3);
  const inetCost = round(random.between(0.0005, 0.02), 4);
  const bidRatio = random.between(0.3, 0.6);
  const startDate = 1_767_225_600 - random.int(0, 90) * 86_400;
  const duration = random.int(7, 180) * 86_400;
  return { datacenter, cpu, driver, reliability, hostFactor, hostRamMb, hostDiskGb, inetDown, inetUp, verified, storageCost, inetCost, bidRatio, startDate, duration };
}

/** An offer's fields that do not move with time, in Vast's wire names and units. */
function offerWire(random: Random, id: number, machine: VastMachine, host: HostTraits, numGpus: number, dlperf: number): Record<string, unknown> {
  const { gpu, place } = machine;
  const { cpu, driver, datacenter, reliability, inetCost } = host;
  const share = numGpus / machine.totalGpus;
  return {
    id,
    ask_contract_id: id,
    bundle_id: 500_000_000 + machine.machineId * 10 + Math.log2(numGpus),
    bundled_results: 0,
    machine_id: machine.machineId,
    host_id: machine.hostId,
    num_gpus: numGpus,
    gpu_name: gpu.vast,
    gpu_ram: gpu.vastGpuRamMb,
    gpu_total_ram: gpu.vastGpuRamMb * numGpus,
    gpu_frac: share,
    gpu_arch: gpu.manufacturer === 'AMD' ? 'amd' : 'nvidia',
    gpu_mem_bw: gpu.memBandwidthGbs,
    gpu_max_power: gpu.maxPowerW,
    gpu_max_temp: 83,
    gpu_display_active: false,
    bw_nvlink: gpu.datacenter && numGpus > 1 ? 600 : 0,
    compute_cap: gpu.computeCap,
    cuda_max_good: driver.cuda,
    driver_version: driver.version,
    cpu_name: cpu.name,
    cpu_arch: 'amd64',
    cpu_cores: cpu.cores,
    cpu_cores_effective: round(cpu.cores * share, 1),
    cpu_ghz: cpu.ghz,
    cpu_ram: host.hostRamMb,
    has_avx: 1,
    disk_space: round(host.hostDiskGb * share, 1),
    disk_bw: round(random.between(400, 6500), 1),
    disk_name: 'nvme',
    inet_up: host.inetUp,
    inet_down: host.inetDown,
    inet_up_cost: inetCost,
    inet_down_cost: inetCost,
    internet_up_cost_per_tb: round(inetCost * 1000, 2),
    internet_down_cost_per_tb: round(inetCost * 1000, 2),
    direct_port_count: random.int(10, 500),
    pci_gen: gpu.computeCap >= 1200 ? 5 : 4,
    pcie_bw: round(random.between(10, 52), 1),
    mobo_name: 'sim-mobo',
    storage_cost: host.storageCost,
    reliability,
    reliability2: reliability,
    verification: host.verified ? 'verified' : 'unverified',
    verified: host.verified,
    external: false,
    static_ip: datacenter || random.next() < 0.3,
    public_ipaddr: machine.ip,
    geolocation: `${place.region}, ${place.countryCode}`,
    geolocode: hashString(place.city) % 100_000,
    hosting_type: datacenter ? 1 : 0,
    datacenter,
    cluster_id: datacenter ? 9000 + (machine.hostId % 50) : null,
    dlperf,
    total_flops: round(gpu.tflops * numGpus, 1),
    start_date: host.startDate,
    end_date: host.startDate + host.duration,
    duration: host.duration,
    os_version: '22.04',
    ubuntu_version: '22.04',
    vms_enabled: datacenter,
    credit_discount_max: 0.4,
    hostname: `sim-host-${machine.hostId}`,
  };
}

/** One slice of a machine: `numGpus` of its GPUs at the host's price. */
function sliceOffer(random: Random, seed: number, id: number, machine: VastMachine, host: HostTraits, numGpus: number): VastOffer {
  const dlperf = round(machine.gpu.tflops * numGpus * random.between(0.33, 0.4), 2);
  return {
    id,
    machine,
    numGpus,
    priceKey: hashString(`offer-${seed}-${id}`),
    baseDph: machine.gpu.vastUsd * numGpus * host.hostFactor,
    bidRatio: host.bidRatio,
    storageCost: host.storageCost,
    fixed: offerWire(random, id, machine, host, numGpus, dlperf),
  };
}

/** The seed's machines, each sliced into 1, 2, 4 and 8-GPU offers as far as it has GPUs, until `offerCount` offers. */
export function generateVastMarket(seed: number, offerCount: number): { machines: VastMachine[]; offers: VastOffer[] } {
  const random = createRandom(hashString(`vast-${seed}`));
  const machines: VastMachine[] = [];
  const offers: VastOffer[] = [];
  let nextOfferId = offerIdBase(seed);
  while (offers.length < offerCount) {
    const machine = drawMachine(random, machines.length);
    machines.push(machine);
    const host = drawHost(random, machine);
    for (const numGpus of [1, 2, 4, 8].filter((count) => count <= machine.totalGpus)) {
      if (offers.length >= offerCount) break;
      offers.push(sliceOffer(random, seed, nextOfferId++, machine, host, numGpus));
    }
  }
  return { machines, offers };
}

/** Vast's default disk for pricing when the query has no allocated_storage (docs say 8 GB). */
export const VAST_DEFAULT_ALLOCATED_STORAGE_GB = 8;

/** The prices of an offer at a moment, computed as Vast does: dph_total = dph_base + storage for allocated_storage. */
export interface VastPriceCore {
  dphBase: number;
  storageTotalCost: number;
  dphTotal: number;
  minBid: number;
}

export function vastPriceCore(offer: VastOffer, timeMs: number, allocatedStorageGb: number): VastPriceCore {
  const dphBase = round(offer.baseDph * drift(offer.priceKey, timeMs), 4);
  // storage_cost is $/GB/month; Vast prices a month as 30 days.
  const storageTotalCost = round((offer.storageCost * allocatedStorageGb) / (30 * 24), 5);
  return {
    dphBase,
    storageTotalCost,
    dphTotal: round(dphBase + storageTotalCost, 5),
    minBid: round(dphBase * offer.bidRatio * drift(offer.priceKey ^ 0x5bd1e995, timeMs), 4),
  };
}

/** The time-dependent fields of an offer in wire form (price fields and the ratios derived from them). */
export function vastPriceField(offer: VastOffer, core: VastPriceCore, field: string): unknown {
  const dlperf = offer.fixed.dlperf as number;
  switch (field) {
    case 'dph_base':
      return core.dphBase;
    case 'storage_total_cost':
      return core.storageTotalCost;
    case 'dph_total':
      return core.dphTotal;
    case 'min_bid':
      return core.minBid;
    case 'vram_costperhour':
      return round(core.dphTotal / ((offer.fixed.gpu_total_ram as number) / 1024), 6);
    case 'dlperf_per_dphtotal':
      return round(dlperf / core.dphTotal, 2);
    case 'flops_per_dphtotal':
      return round((offer.fixed.total_flops as number) / core.dphTotal, 2);
    case 'score':
      return round((dlperf / core.dphTotal) * (offer.fixed.reliability as number), 2);
    case 'search':
      return { gpuCostPerHour: core.dphBase, diskHour: core.storageTotalCost, totalHour: core.dphTotal, discountTotalHour: 0, discountedTotalPerHour: core.dphTotal };
    default:
      return undefined;
  }
}

export const VAST_PRICE_FIELDS = ['dph_base', 'storage_total_cost', 'dph_total', 'min_bid', 'vram_costperhour', 'dlperf_per_dphtotal', 'flops_per_dphtotal', 'score', 'search'] as const;

/** All time-dependent fields, for responses. */
export function vastPrices(offer: VastOffer, timeMs: number, allocatedStorageGb: number): Record<string, unknown> & { dph_base: number; storage_total_cost: number; dph_total: number; min_bid: number } {
  const core = vastPriceCore(offer, timeMs, allocatedStorageGb);
  const fields: Record<string, unknown> = {};
  for (const field of VAST_PRICE_FIELDS) fields[field] = vastPriceField(offer, core, field);
  return fields as ReturnType<typeof vastPrices>;
}
