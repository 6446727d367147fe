// RunPod pods as both APIs see them: placement by stock, deploy with RunPod's failure messages,
// and the runtime facts (ports, GPU ids) that GraphQL and REST v2 render differently.
import type { FaultRegistry } from './faults.ts';
import type { SimInstance } from './lifecycle.ts';
import type { Market } from './market.ts';
import { RUNPOD_DATA_CENTERS, RUNPOD_GPUS, runpodPerGpuResources, runpodPrices, runpodStock, type RunpodStock } from './cloud-catalogue.ts';
import { hashString, round } from './random.ts';
import type { SimGpuModel } from './gpus.ts';
import { containerStart, type ContainerCommand } from './runpod-images.ts';

/** RunPod's own capacity message (docs/providers.md §6.7); v2 sends it with HTTP 400. */
const NO_CAPACITY = 'There are no longer any instances available with the requested specifications. Please refresh and try again.';

/** Storage prices, $/GB/month: container disk while running, volume always. */
const CONTAINER_DISK_MONTH = 0.1;
const VOLUME_MONTH = 0.2;

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

/** A pod template as RunPod stores it (GET /v2/templates/{id}); pods created from it take its settings. */
export interface RunpodTemplate {
  id: string;
  name: string;
  image: string;
  args: string;
  disk: number;
  mounts: { persistent?: { size: number; path: string } };
  ports: string[];
  env: Record<string, string>;
  registry: string | null;
  serverless: boolean;
  public: boolean;
  category: 'CPU' | 'NVIDIA' | 'AMD';
}

interface Placement {
  gpu: SimGpuModel;
  dataCenterId: string;
  cloud: 'SECURE' | 'COMMUNITY';
  pricePerGpu: number;
  spotPerGpu: number;
  cudaVersion: string;
}

export interface DeployRequest {
  name: string;
  image?: string;
  templateId?: string;
  gpuTypeId: unknown;
  gpuCount: number;
  cloud: string;
  dataCenterIds?: string[];
  countryCode?: string;
  containerDiskInGb: number;
  volumeInGb: number;
  volumeMountPath: string;
  ports: PodPort[];
  env: Record<string, string>;
  command: ContainerCommand;
  bidPerGpu?: number;
  cuda?: CudaFilter;
  startSsh?: boolean;
  startJupyter?: boolean;
}

export type PodPort = { port: number; protocol: 'tcp' | 'http' | 'udp' };
export type DeployFailure = { failed: true; status: number; message: string };
export type RunpodPods = ReturnType<typeof createRunpodPods>;

export function createRunpodPods(market: Market, faults: FaultRegistry) {
  const seed = market.seed;
  const now = () => market.clock.now();
  const gpuById = (id: unknown) => RUNPOD_GPUS.find((gpu) => gpu.runpod!.id === id);
  const templates = new Map<string, RunpodTemplate>();
  /** The account's SSH public keys (PUT /v2/account/ssh-keys); startSsh puts them in PUBLIC_KEY. */
  const accountKeys: string[] = [];

  /** Finds where a pod can go; undefined = no capacity (the caller answers with RunPod's text). */
  function place(gpu: SimGpuModel, cloud: string, dataCenterIds: string[] | undefined, countryCode?: string, cuda: CudaFilter = {}): Placement | undefined {
    const prices = runpodPrices(seed, gpu, now());
    const clouds: ('SECURE' | 'COMMUNITY')[] = cloud === 'COMMUNITY' ? ['COMMUNITY'] : cloud === 'SECURE' ? ['SECURE'] : ['COMMUNITY', 'SECURE'];
    for (const which of clouds) {
      const price = which === 'SECURE' ? prices.securePrice : prices.communityPrice;
      const spot = which === 'SECURE' ? prices.secureSpotPrice : prices.communitySpotPrice;
      if (price === null || spot === null) continue;
      const centres = RUNPOD_DATA_CENTERS.filter((centre) => (!dataCenterIds?.length || dataCenterIds.includes(centre.id)) && (!countryCode || centre.countryCode === countryCode));
      const centre = centres.find((candidate) => runpodStock(seed, gpu, `${which}-${candidate.id}`, now()) !== 'None' && fittingCuda(runpodHostCudas(seed, gpu, `${which}-${candidate.id}`), cuda));
      if (centre) return { gpu, dataCenterId: centre.id, cloud: which, pricePerGpu: price, spotPerGpu: spot, cudaVersion: fittingCuda(runpodHostCudas(seed, gpu, `${which}-${centre.id}`), cuda)! };
    }
    return undefined;
  }

  function stockFor(gpu: SimGpuModel, secure: boolean | undefined, dataCenterId?: string, cuda: CudaFilter = {}): RunpodStock | null {
    const prices = runpodPrices(seed, gpu, now());
    if (secure === false && prices.communityPrice === null) return null;
    const levels: RunpodStock[] = ['None', 'Low', 'Medium', 'High'];
    const centres = RUNPOD_DATA_CENTERS.filter((centre) => !dataCenterId || centre.id === dataCenterId);
    if (!centres.length) return null;
    const clouds = secure === undefined ? ['SECURE', 'COMMUNITY'] : [secure ? 'SECURE' : 'COMMUNITY'];
    let best = 0;
    for (const which of clouds) {
      if (which === 'COMMUNITY' && prices.communityPrice === null) continue;
      for (const centre of centres) {
        if (fittingCuda(runpodHostCudas(seed, gpu, `${which}-${centre.id}`), cuda)) best = Math.max(best, levels.indexOf(runpodStock(seed, gpu, `${which}-${centre.id}`, now())));
      }
    }
    return levels[best]!;
  }

  /** The host CUDA versions a GPU type offers (in stock, for the cloud and data centre asked about), oldest first. */
  function cudaVersionsFor(gpu: SimGpuModel, secure: boolean | undefined, dataCenterId?: string): string[] {
    const prices = runpodPrices(seed, gpu, now());
    const clouds = (secure === undefined ? ['SECURE', 'COMMUNITY'] : [secure ? 'SECURE' : 'COMMUNITY']).filter((which) => which === 'SECURE' || prices.communityPrice !== null);
    const versions = new Set<string>();
    for (const which of clouds) {
      for (const centre of RUNPOD_DATA_CENTERS.filter((candidate) => !dataCenterId || candidate.id === dataCenterId)) {
        if (runpodStock(seed, gpu, `${which}-${centre.id}`, now()) !== 'None') for (const version of runpodHostCudas(seed, gpu, `${which}-${centre.id}`)) versions.add(version);
      }
    }
    return [...versions].sort(compareCuda);
  }


  function podPorts(instance: SimInstance) {
    return instance.ports.map((entry) => ({
      ip: entry.protocol === 'http' ? instance.privateIp : instance.ip,
      isIpPublic: entry.protocol !== 'http',
      privatePort: entry.port,
      publicPort: instance.publicPorts[entry.port]!,
      type: entry.protocol,
    }));
  }

  function gpuIds(instance: SimInstance): string[] {
    return Array.from({ length: instance.gpuCount }, (_, index) => `GPU-${(instance.key + index).toString(16).padStart(8, '0')}-sim0-4000-a000-${instance.id.slice(0, 12)}`);
  }

  function desiredStatus(instance: SimInstance): string {
    return ['stopped', 'outbid', 'crashed'].includes(instance.phase) ? 'EXITED' : 'RUNNING';
  }


  /** Deploys or explains why not (a message in RunPod's words plus the v2 status code). */
  function deploy(request: DeployRequest): SimInstance | DeployFailure {
    const gpu = gpuById(request.gpuTypeId);
    if (!gpu) return { failed: true, status: 400, message: `GPU type "${String(request.gpuTypeId)}" is not a valid gpuTypeId; use an id from gpuTypes such as "NVIDIA GeForce RTX 4090"` };
    if (!request.image && !request.templateId) return { failed: true, status: 422, message: 'imageName is required unless templateId is given' };
    const template = request.templateId === undefined ? undefined : templates.get(request.templateId);
    if (request.templateId !== undefined && !template) return { failed: true, status: 404, message: `template ${request.templateId} not found` };
    if (template?.serverless) return { failed: true, status: 422, message: `template ${template.id} is a serverless template; pods need a pod template` };
    const versions = [...(request.cuda?.allowedCudaVersions ?? []), ...(request.cuda?.minCudaVersion !== undefined ? [request.cuda.minCudaVersion] : [])];
    const badVersion = versions.find((version) => !CUDA_VERSION.test(version));
    if (badVersion !== undefined) return { failed: true, status: 422, message: `"${badVersion}" is not a CUDA version; write it as major.minor, e.g. "12.8"` };
    // An empty allowedCudaVersions states no constraint, so only a non-empty one clashes with a floor.
    if (request.cuda?.allowedCudaVersions?.length && request.cuda.minCudaVersion !== undefined) {
      return { failed: true, status: 400, message: 'allowedCudaVersions and minCudaVersion are mutually exclusive; send one of them' };
    }
    if (request.volumeInGb > 0 && request.volumeInGb < 10) return { failed: true, status: 422, message: `volumeInGb must be at least 10 GB (or 0 for no volume), got ${request.volumeInGb}` };
    if (!(Number.isInteger(request.gpuCount) && request.gpuCount >= 1 && request.gpuCount <= 8)) return { failed: true, status: 400, message: `gpuCount must be 1-8, got ${request.gpuCount}` };
    if (market.balanceMicros('runpod') <= 0) return { failed: true, status: 402, message: 'Insufficient balance: add funds to your RunPod account to deploy pods.' };
    const resources = runpodPerGpuResources(gpu);
    const fault = faults.takeCreateFault('runpod');
    // Host minima are placement filters: no host of this type offers more than its per-GPU share.
    const hostTooSmall = (request.cuda?.minVcpuCountPerGpu ?? 0) > resources.vcpu || (request.cuda?.minRamPerGpu ?? 0) > resources.memoryGb;
    const placement = fault?.kind === 'noCapacity' || hostTooSmall ? undefined : place(gpu, request.cloud, request.dataCenterIds, request.countryCode, request.cuda);
    if (!placement) return { failed: true, status: 400, message: NO_CAPACITY };
    if (request.bidPerGpu !== undefined && request.bidPerGpu < placement.spotPerGpu) {
      return { failed: true, status: 400, message: `Your bid price ($${request.bidPerGpu}/GPU/hr) is lower than the current minimum bid price ($${placement.spotPerGpu}/GPU/hr).` };
    }
    const perGpu = request.bidPerGpu ?? placement.pricePerGpu;
    const image = request.image ?? template!.image;
    const start = containerStart(image, request.command);
    const centre = RUNPOD_DATA_CENTERS.find((candidate) => candidate.id === placement.dataCenterId)!;
    return market.add('runpod', {
      provider: 'runpod',
      name: request.name,
      gpuName: gpu.runpod!.displayName,
      gpuCount: request.gpuCount,
      vramGb: gpu.vramGb,
      computePerHour: round(perGpu * request.gpuCount + (request.containerDiskInGb * CONTAINER_DISK_MONTH) / 730, 4),
      storagePerHour: (request.volumeInGb * VOLUME_MONTH) / 730,
      interruptible: request.bidPerGpu !== undefined,
      ...(request.bidPerGpu !== undefined ? { bidPerHour: request.bidPerGpu * request.gpuCount } : {}),
      image,
      env: podEnv(request, template),
      ports: request.ports,
      ...(start && { startScript: start.line }),
      diskGb: request.containerDiskInGb + request.volumeInGb,
      machineId: `sim${placement.dataCenterId.toLowerCase().replace(/-/g, '')}${gpu.vramGb}`,
      // The image's own program got our start command as arguments: it refuses them and the container exits.
      crashWhenRunning: fault?.kind === 'crash' || start?.misrouted === true,
      outbidWhenRunning: fault?.kind === 'outbid' && request.bidPerGpu !== undefined,
      details: {
        gpuTypeId: gpu.runpod!.id,
        gpuDisplayName: gpu.runpod!.displayName,
        cloud: placement.cloud,
        dataCenterId: placement.dataCenterId,
        location: centre.location,
        vcpuCount: resources.vcpu * request.gpuCount,
        memoryInGb: resources.memoryGb * request.gpuCount,
        containerDiskInGb: request.containerDiskInGb,
        volumeInGb: request.volumeInGb,
        volumeMountPath: request.volumeMountPath,
        templateId: request.templateId,
        cudaVersion: placement.cudaVersion,
        // costPerHr is the GPU price only (the docs' example equals the GPU type's price); disks bill on top.
        gpuCostPerHr: round(perGpu * request.gpuCount, 4),
      },
    });
  }

  /**
   * A template's env merged per key under the request's; startSsh adds the account's keys as
   * PUBLIC_KEY and startJupyter a generated JUPYTER_PASSWORD, unless the request sets them.
   */
  function podEnv(request: DeployRequest, template: RunpodTemplate | undefined): Record<string, string> {
    const env = { ...template?.env, ...request.env };
    if (request.startSsh && accountKeys.length && env.PUBLIC_KEY === undefined) env.PUBLIC_KEY = accountKeys.join('\n');
    if (request.startJupyter && env.JUPYTER_PASSWORD === undefined) env.JUPYTER_PASSWORD = `sim${hashString(`${request.name}-${now()}`).toString(36)}`;
    return env;
  }

  function parsePorts(raw: unknown): PodPort[] | string {
    const items = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw.map(String) : [];
    const ports: PodPort[] = [];
    for (const item of items.map((text) => text.trim()).filter(Boolean)) {
      const found = /^(\d+)\/(tcp|http|udp)$/.exec(item);
      if (!found) return `port "${item}" must look like "8888/http" or "22/tcp"`;
      ports.push({ port: Number(found[1]), protocol: found[2] as 'tcp' | 'http' | 'udp' });
    }
    return ports;
  }

  return { seed, now, stockFor, cudaVersionsFor, deploy, parsePorts, podPorts, gpuIds, desiredStatus, templates, accountKeys, gpuById };
}
