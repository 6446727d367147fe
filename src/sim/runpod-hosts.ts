// RunPod's hosts as a request sees them: which places (cloud + data centre) have a GPU type in stock,
// which CUDA versions their drivers support, and where a new pod lands.
import type { Market } from './market.ts';
import { RUNPOD_DATA_CENTERS, runpodPrices, runpodStock, type RunpodStock } from './cloud-catalogue.ts';
import { hashString } from './random.ts';
import type { SimGpuModel } from './gpus.ts';

/** A CUDA version as RunPod writes it: "12.8" (major.minor; compared part by part, so 12.11 > 12.2). */
export const CUDA_VERSION = /^\d+\.\d+$/;

/** Orders CUDA versions part by part: negative when a is older than b. */
export function compareCuda(a: string, b: string): number {
  const [aMajor, aMinor] = a.split('.').map(Number);
  const [bMajor, bMinor] = b.split('.').map(Number);
  return aMajor! - bMajor! || (aMinor ?? 0) - (bMinor ?? 0);
}

/**
 * The CUDA versions the host drivers in one place (cloud + data centre) support for a GPU type: a
 * data centre holds machines of several driver generations, and each keeps some on the newest.
 * Blackwell needs a 570+ driver (CUDA 12.8), so its hosts start there.
 */
const DRIVER_CUDA = ['12.2', '12.4', '12.6', '12.8', '12.9'] as const;
function runpodHostCudas(seed: number, gpu: SimGpuModel, where: string): string[] {
  const choices = gpu.computeCap >= 1000 ? DRIVER_CUDA.slice(3) : DRIVER_CUDA;
  const older = choices[hashString(`${seed}-runpod-cuda-${gpu.vast}-${where}`) % choices.length]!;
  return [...new Set([older, choices[choices.length - 1]!])];
}

/** Which hosts a request accepts: CUDA versions (an exact list, a minimum, or any) and per-GPU vCPU/RAM floors. */
export interface CudaFilter {
  allowedCudaVersions?: string[];
  minCudaVersion?: string;
  minVcpuCountPerGpu?: number;
  minRamPerGpu?: number;
}

/** The oldest of a place's host CUDA versions the request accepts (where the pod lands), if any. */
function fittingCuda(versions: readonly string[], filter: CudaFilter): string | undefined {
  return versions.find((version) => cudaFits(version, filter));
}

function cudaFits(version: string, filter: CudaFilter): boolean {
  if (filter.allowedCudaVersions?.length) return filter.allowedCudaVersions.includes(version);
  return filter.minCudaVersion === undefined || compareCuda(version, filter.minCudaVersion) >= 0;
}

export interface Placement {
  gpu: SimGpuModel;
  dataCenterId: string;
  cloud: 'SECURE' | 'COMMUNITY';
  pricePerGpu: number;
  spotPerGpu: number;
  cudaVersion: string;
}

/** Where a pod can go; undefined = no capacity (the caller answers with RunPod's text). */
export function place(market: Market, gpu: SimGpuModel, cloud: string, dataCenterIds: string[] | undefined, countryCode?: string, cuda: CudaFilter = {}): Placement | undefined {
  const { seed, clock } = market;
  const prices = runpodPrices(seed, gpu, clock.now());
  const clouds: ('SECURE' | 'COMMUNITY')[] = cloud === 'COMMUNITY' ? ['COMMUNITY'] : cloud === 'SECURE' ? ['SECURE'] : ['COMMUNITY', 'SECURE'];
  for (const which of clouds) {
    const price = which === 'SECURE' ? prices.securePrice : prices.communityPrice;
    const spot = which === 'SECURE' ? prices.secureSpotPrice : prices.communitySpotPrice;
    if (price === null || spot === null) continue;
    const centres = RUNPOD_DATA_CENTERS.filter((centre) => (!dataCenterIds?.length || dataCenterIds.includes(centre.id)) && (!countryCode || centre.countryCode === countryCode));
    const centre = centres.find((candidate) => runpodStock(seed, gpu, `${which}-${candidate.id}`, clock.now()) !== 'None' && fittingCuda(runpodHostCudas(seed, gpu, `${which}-${candidate.id}`), cuda));
    if (centre) return { gpu, dataCenterId: centre.id, cloud: which, pricePerGpu: price, spotPerGpu: spot, cudaVersion: fittingCuda(runpodHostCudas(seed, gpu, `${which}-${centre.id}`), cuda)! };
  }
  return undefined;
}

/** The best stock level of a GPU type among the places asked about whose hosts fit the CUDA filter; null where it is not offered. */
export function stockFor(market: Market, gpu: SimGpuModel, secure: boolean | undefined, dataCenterId?: string, cuda: CudaFilter = {}): RunpodStock | null {
  const { seed, clock } = market;
  const prices = runpodPrices(seed, gpu, clock.now());
  if (secure === false && prices.communityPrice === null) return null;
  const levels: RunpodStock[] = ['None', 'Low', 'Medium', 'High'];
  const centres = RUNPOD_DATA_CENTERS.filter((centre) => !dataCenterId || centre.id === dataCenterId);
  if (!centres.length) return null;
  const clouds = secure === undefined ? ['SECURE', 'COMMUNITY'] : [secure ? 'SECURE' : 'COMMUNITY'];
  let best = 0;
  for (const which of clouds) {
    if (which === 'COMMUNITY' && prices.communityPrice === null) continue;
    for (const centre of centres) {
      if (fittingCuda(runpodHostCudas(seed, gpu, `${which}-${centre.id}`), cuda)) best = Math.max(best, levels.indexOf(runpodStock(seed, gpu, `${which}-${centre.id}`, clock.now())));
    }
  }
  return levels[best]!;
}

/** The host CUDA versions a GPU type offers (in stock, for the cloud and data centre asked about), oldest first. */
export function cudaVersionsFor(market: Market, gpu: SimGpuModel, secure: boolean | undefined, dataCenterId?: string): string[] {
  const { seed, clock } = market;
  const prices = runpodPrices(seed, gpu, clock.now());
  const clouds = (secure === undefined ? ['SECURE', 'COMMUNITY'] : [secure ? 'SECURE' : 'COMMUNITY']).filter((which) => which === 'SECURE' || prices.communityPrice !== null);
  const versions = new Set<string>();
  for (const which of clouds) {
    for (const centre of RUNPOD_DATA_CENTERS.filter((candidate) => !dataCenterId || candidate.id === dataCenterId)) {
      if (runpodStock(seed, gpu, `${which}-${centre.id}`, clock.now()) !== 'None') for (const version of runpodHostCudas(seed, gpu, `${which}-${centre.id}`)) versions.add(version);
    }
  }
  return [...versions].sort(compareCuda);
}
