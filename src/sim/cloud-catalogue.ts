// RunPod GPU types, Lambda instance types and TensorDock locations: the fixed-catalogue providers.
// Prices drift with time like Vast's; stock/capacity changes per simulated hour, deterministically.
import { drift, hashString, round } from './random.ts';
import { SIM_GPUS, type SimGpuModel } from './gpus.ts';

const HOUR = 3_600_000;

/** A level from a seeded hash of (thing, hour): mostly available, sometimes short, rarely none. */
function stockRoll(seed: number, key: string, timeMs: number): number {
  return hashString(`${seed}-${key}-${Math.floor(timeMs / HOUR)}`) / 0xffffffff;
}

// ---------- RunPod ----------

export type RunpodStock = 'High' | 'Medium' | 'Low' | 'None';

export const RUNPOD_DATA_CENTERS = [
  { id: 'US-TX-3', name: 'US-TX-3', location: 'United States', countryCode: 'US', region: 'NORTH_AMERICA' },
  { id: 'US-GA-1', name: 'US-GA-1', location: 'United States', countryCode: 'US', region: 'NORTH_AMERICA' },
  { id: 'US-KS-2', name: 'US-KS-2', location: 'United States', countryCode: 'US', region: 'NORTH_AMERICA' },
  { id: 'US-CA-2', name: 'US-CA-2', location: 'United States', countryCode: 'US', region: 'NORTH_AMERICA' },
  { id: 'CA-MTL-1', name: 'CA-MTL-1', location: 'Canada', countryCode: 'CA', region: 'NORTH_AMERICA' },
  { id: 'CA-MTL-3', name: 'CA-MTL-3', location: 'Canada', countryCode: 'CA', region: 'NORTH_AMERICA' },
  { id: 'EU-RO-1', name: 'EU-RO-1', location: 'Romania', countryCode: 'RO', region: 'EUROPE' },
  { id: 'EU-SE-1', name: 'EU-SE-1', location: 'Sweden', countryCode: 'SE', region: 'EUROPE' },
  { id: 'EU-NL-1', name: 'EU-NL-1', location: 'Netherlands', countryCode: 'NL', region: 'EUROPE' },
  { id: 'EU-CZ-1', name: 'EU-CZ-1', location: 'Czech Republic', countryCode: 'CZ', region: 'EUROPE' },
  { id: 'EUR-IS-1', name: 'EUR-IS-1', location: 'Iceland', countryCode: 'IS', region: 'EUROPE' },
  { id: 'AP-JP-1', name: 'AP-JP-1', location: 'Japan', countryCode: 'JP', region: 'ASIA_PACIFIC' },
] as const;

export const RUNPOD_GPUS: readonly SimGpuModel[] = SIM_GPUS.filter((gpu) => gpu.runpod);

export interface RunpodPrices {
  securePrice: number | null;
  communityPrice: number | null;
  secureSpotPrice: number | null;
  communitySpotPrice: number | null;
}

/** Per-GPU $/hr; datacenter parts are secure-cloud only, consumer cards are in both clouds. */
export function runpodPrices(seed: number, gpu: SimGpuModel, timeMs: number): RunpodPrices {
  const key = hashString(`runpod-${seed}-${gpu.vast}`);
  const base = gpu.vastUsd * drift(key, timeMs);
  const secure = round(base * 2.05, 2);
  const community = gpu.datacenter ? null : round(base * 1.1, 2);
  return {
    securePrice: secure,
    communityPrice: community,
    secureSpotPrice: round(secure * 0.55, 2),
    communitySpotPrice: community === null ? null : round(community * 0.6, 2),
  };
}

/** Stock of a GPU type in one data centre (secure) or cloud-wide (community) at this hour. */
export function runpodStock(seed: number, gpu: SimGpuModel, where: string, timeMs: number): RunpodStock {
  const roll = stockRoll(seed, `runpod-${gpu.vast}-${where}`, timeMs);
  if (roll < 0.12) return 'None';
  if (roll < 0.3) return 'Low';
  if (roll < 0.6) return 'Medium';
  return 'High';
}

/** vCPUs and host RAM (GB) RunPod gives per GPU of this type. */
export function runpodPerGpuResources(gpu: SimGpuModel): { vcpu: number; memoryGb: number } {
  return gpu.vramGb >= 80 ? { vcpu: 16, memoryGb: 188 } : gpu.vramGb >= 40 ? { vcpu: 9, memoryGb: 50 } : { vcpu: 6, memoryGb: 41 };
}

// ---------- Lambda ----------

export interface LambdaType {
  name: string;
  description: string;
  gpu_description: string;
  /** Base price, integer US cents per hour for the whole instance. */
  baseCents: number;
  specs: { vcpus: number; memory_gib: number; storage_gib: number; gpus: number };
  gpu: SimGpuModel;
}

const gpuByVast = (vast: string) => SIM_GPUS.find((gpu) => gpu.vast === vast)!;

const lambdaType = (name: string, gpus: number, gpuDescription: string, vast: string, baseCents: number, vcpus: number, memory: number, storage: number): LambdaType => ({
  name,
  description: `${gpus}x ${gpuDescription}`,
  gpu_description: gpuDescription,
  baseCents,
  specs: { vcpus, memory_gib: memory, storage_gib: storage, gpus },
  gpu: gpuByVast(vast),
});

export const LAMBDA_TYPES: readonly LambdaType[] = [
  lambdaType('gpu_1x_a10', 1, 'A10 (24 GB PCIe)', 'A10', 86, 30, 200, 1400),
  lambdaType('gpu_1x_a6000', 1, 'A6000 (48 GB)', 'RTX A6000', 92, 14, 100, 512),
  lambdaType('gpu_2x_a6000', 2, 'A6000 (48 GB)', 'RTX A6000', 184, 28, 200, 1024),
  lambdaType('gpu_4x_a6000', 4, 'A6000 (48 GB)', 'RTX A6000', 368, 56, 400, 1024),
  lambdaType('gpu_1x_a100_sxm4', 1, 'A100 (40 GB SXM4)', 'A100 SXM4', 148, 30, 200, 512),
  lambdaType('gpu_8x_a100_80gb_sxm4', 8, 'A100 (80 GB SXM4)', 'A100 SXM4', 1432, 240, 1800, 19_500),
  lambdaType('gpu_1x_h100_pcie', 1, 'H100 (80 GB PCIe)', 'H100 PCIE', 249, 26, 200, 1024),
  lambdaType('gpu_1x_h100_sxm5', 1, 'H100 (80 GB SXM5)', 'H100 SXM', 329, 26, 225, 2750),
  lambdaType('gpu_2x_h100_sxm5', 2, 'H100 (80 GB SXM5)', 'H100 SXM', 638, 52, 450, 5500),
  lambdaType('gpu_4x_h100_sxm5', 4, 'H100 (80 GB SXM5)', 'H100 SXM', 1236, 104, 900, 11_000),
  lambdaType('gpu_8x_h100_sxm5', 8, 'H100 (80 GB SXM5)', 'H100 SXM', 2392, 208, 1800, 22_000),
  lambdaType('gpu_8x_v100', 8, 'Tesla V100 (16 GB)', 'Tesla V100', 440, 88, 448, 5800),
  lambdaType('gpu_1x_b200_sxm6', 1, 'B200 (180 GB SXM6)', 'B200', 599, 30, 225, 2750),
  lambdaType('gpu_8x_b200_sxm6', 8, 'B200 (180 GB SXM6)', 'B200', 4792, 240, 1800, 22_000),
];

export const LAMBDA_REGIONS = [
  { name: 'us-east-1', description: 'Virginia, USA' },
  { name: 'us-west-1', description: 'California, USA' },
  { name: 'us-south-1', description: 'Texas, USA' },
  { name: 'us-midwest-1', description: 'Illinois, USA' },
  { name: 'europe-central-1', description: 'Germany' },
  { name: 'asia-northeast-1', description: 'Tokyo, Japan' },
] as const;

/** Lambda lists fixed prices; they move rarely, so drift is a tenth of the marketplace's. */
export function lambdaCents(seed: number, type: LambdaType, timeMs: number): number {
  const key = hashString(`lambda-${seed}-${type.name}`);
  return Math.round(type.baseCents * (1 + (drift(key, timeMs) - 1) / 10));
}

export function lambdaRegionsWithCapacity(seed: number, type: LambdaType, timeMs: number) {
  return LAMBDA_REGIONS.filter((region) => stockRoll(seed, `lambda-${type.name}-${region.name}`, timeMs) > 0.55);
}

// ---------- TensorDock ----------

export interface TensordockLocation {
  id: string;
  city: string;
  stateprovince: string;
  country: string;
  tier: number;
  gpus: { gpu: SimGpuModel; maxCount: number; key: number }[];
  pricing: { per_vcpu_hr: number; per_gb_ram_hr: number; per_gb_storage_hr: number };
  resources: { max_vcpus: number; max_ram_gb: number; max_storage_gb: number };
  hostnodeId: string;
}

const TD_CITIES = [
  ['Austin', 'Texas', 'United States'],
  ['Chicago', 'Illinois', 'United States'],
  ['Dallas', 'Texas', 'United States'],
  ['Los Angeles', 'California', 'United States'],
  ['New York', 'New York', 'United States'],
  ['Toronto', 'Ontario', 'Canada'],
  ['Frankfurt', 'Hesse', 'Germany'],
  ['Amsterdam', 'North Holland', 'Netherlands'],
  ['Manchester', 'England', 'United Kingdom'],
  ['Stockholm', 'Stockholm', 'Sweden'],
  ['Singapore', 'Singapore', 'Singapore'],
  ['Tokyo', 'Tokyo', 'Japan'],
] as const;

const TD_GPUS = SIM_GPUS.filter((gpu) => gpu.tensordock);

/** A uuid-shaped id derived from a string (TensorDock ids are uuids). */
export function uuidFrom(text: string): string {
  const hex = [0, 1, 2, 3].map((part) => hashString(`${text}#${part}`).toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function generateTensordockLocations(seed: number): TensordockLocation[] {
  return TD_CITIES.map(([city, stateprovince, country], index) => {
    const key = hashString(`td-${seed}-${city}`);
    const gpus = TD_GPUS.filter((_, gpuIndex) => (key >>> gpuIndex) % 3 !== 0).map((gpu) => ({
      gpu,
      maxCount: [1, 2, 4, 8][(key >>> (gpu.vramGb % 7)) % 4]!,
      key: hashString(`td-${seed}-${city}-${gpu.vast}`),
    }));
    return {
      id: uuidFrom(`td-location-${seed}-${city}`),
      city,
      stateprovince,
      country,
      tier: 1 + (index % 4),
      gpus: gpus.length ? gpus : [{ gpu: TD_GPUS[index % TD_GPUS.length]!, maxCount: 2, key }],
      pricing: { per_vcpu_hr: 0.003, per_gb_ram_hr: 0.002, per_gb_storage_hr: 0.00005 },
      resources: { max_vcpus: 64 + 32 * (key % 4), max_ram_gb: 256 + 128 * (key % 4), max_storage_gb: 4000 },
      hostnodeId: uuidFrom(`td-hostnode-${seed}-${city}`),
    };
  });
}

/** TensorDock GPU $/hr per GPU at a location. */
export function tensordockGpuPrice(entry: TensordockLocation['gpus'][number], timeMs: number): number {
  return round(entry.gpu.vastUsd * 1.15 * drift(entry.key, timeMs), 3);
}

/** Whether a GPU is currently obtainable at a location (hourly, seeded). */
export function tensordockHasCapacity(seed: number, location: TensordockLocation, v0Name: string, timeMs: number): boolean {
  return stockRoll(seed, `td-${location.id}-${v0Name}`, timeMs) > 0.15;
}

/** TensorDock's RAM sizes a VM may have (GB). */
export const TENSORDOCK_RAM_STEPS = [2, 4, 6, 8, 10, 16, 32, 48, 64, 96, 128, 192, 256, 384, 512] as const;
