// RunPod pods as both APIs see them: what RunPod keeps per account (templates, SSH keys), deploy with
// RunPod's failure messages, and the runtime facts (ports, GPU ids) that GraphQL and REST v2 render differently.
import type { FaultRegistry } from './faults.ts';
import type { SimInstance } from './lifecycle.ts';
import type { Market, NewInstance } from './market.ts';
import { RUNPOD_DATA_CENTERS, RUNPOD_GPUS, runpodPerGpuResources } from './cloud-catalogue.ts';
import { createRandom, hashString, round, type Random } from './random.ts';
import type { SimFault } from './types.ts';
import { containerStart, type ContainerCommand } from './runpod-images.ts';
import { CUDA_VERSION, place, type CudaFilter, type Placement } from './runpod-hosts.ts';

/** RunPod's own capacity message (docs/providers.md §6.7); v2 sends it with HTTP 400. */
const NO_CAPACITY = 'There are no longer any instances available with the requested specifications. Please refresh and try again.';

/** Storage prices, $/GB/month: container disk while running, volume always. */
const CONTAINER_DISK_MONTH = 0.1;
const VOLUME_MONTH = 0.2;

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

/** What one simulator's RunPod face keeps besides the market: the account's templates and SSH keys. */
export interface RunpodState {
  market: Market;
  faults: FaultRegistry;
  templates: Map<string, RunpodTemplate>;
  /** The account's SSH public keys (PUT /v2/account/ssh-keys); startSsh puts them in PUBLIC_KEY. */
  accountKeys: string[];
  /** Where new template ids come from: seeded, so a run's ids repeat. */
  templateIds: Random;
}

export function createRunpodState(market: Market, faults: FaultRegistry): RunpodState {
  return { market, faults, templates: new Map(), accountKeys: [], templateIds: createRandom(hashString(`runpod-templates-${market.seed}`)) };
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

const refusal = (status: number, message: string): DeployFailure => ({ failed: true, status, message });

const gpuById = (id: unknown) => RUNPOD_GPUS.find((gpu) => gpu.runpod!.id === id);

/** Why RunPod refuses a deploy of a known GPU type before looking for a host, or undefined. */
function requestRefusal({ market }: RunpodState, request: DeployRequest, template: RunpodTemplate | undefined): DeployFailure | undefined {
  if (!request.image && !request.templateId) return refusal(422, 'imageName is required unless templateId is given');
  if (request.templateId !== undefined && !template) return refusal(404, `template ${request.templateId} not found`);
  if (template?.serverless) return refusal(422, `template ${template.id} is a serverless template; pods need a pod template`);
  const versions = [...(request.cuda?.allowedCudaVersions ?? []), ...(request.cuda?.minCudaVersion !== undefined ? [request.cuda.minCudaVersion] : [])];
  const badVersion = versions.find((version) => !CUDA_VERSION.test(version));
  if (badVersion !== undefined) return refusal(422, `"${badVersion}" is not a CUDA version; write it as major.minor, e.g. "12.8"`);
  // An empty allowedCudaVersions states no constraint, so only a non-empty one clashes with a floor.
  if (request.cuda?.allowedCudaVersions?.length && request.cuda.minCudaVersion !== undefined) {
    return refusal(400, 'allowedCudaVersions and minCudaVersion are mutually exclusive; send one of them');
  }
  if (request.volumeInGb > 0 && request.volumeInGb < 10) return refusal(422, `volumeInGb must be at least 10 GB (or 0 for no volume), got ${request.volumeInGb}`);
  if (!(Number.isInteger(request.gpuCount) && request.gpuCount >= 1 && request.gpuCount <= 8)) return refusal(400, `gpuCount must be 1-8, got ${request.gpuCount}`);
  if (market.balanceMicros('runpod') <= 0) return refusal(402, 'Insufficient balance: add funds to your RunPod account to deploy pods.');
  return undefined;
}

/** Deploys or explains why not (a message in RunPod's words plus the v2 status code). */
export function deploy(state: RunpodState, request: DeployRequest): SimInstance | DeployFailure {
  const gpu = gpuById(request.gpuTypeId);
  if (!gpu) return refusal(400, `GPU type "${String(request.gpuTypeId)}" is not a valid gpuTypeId; use an id from gpuTypes such as "NVIDIA GeForce RTX 4090"`);
  const template = request.templateId === undefined ? undefined : state.templates.get(request.templateId);
  const refused = requestRefusal(state, request, template);
  if (refused) return refused;
  const resources = runpodPerGpuResources(gpu);
  const fault = state.faults.takeCreateFault('runpod');
  // Host minima are placement filters: no host of this type offers more than its per-GPU share.
  const hostTooSmall = (request.cuda?.minVcpuCountPerGpu ?? 0) > resources.vcpu || (request.cuda?.minRamPerGpu ?? 0) > resources.memoryGb;
  const placement = fault?.kind === 'noCapacity' || hostTooSmall ? undefined : place(state.market, gpu, request.cloud, request.dataCenterIds, request.countryCode, request.cuda);
  if (!placement) return refusal(400, NO_CAPACITY);
  if (request.bidPerGpu !== undefined && request.bidPerGpu < placement.spotPerGpu) {
    return refusal(400, `Your bid price ($${request.bidPerGpu}/GPU/hr) is lower than the current minimum bid price ($${placement.spotPerGpu}/GPU/hr).`);
  }
  return state.market.add('runpod', newPod(state, request, placement, template, fault));
}

/** The pod a deploy adds to the market, priced and placed. */
function newPod(state: RunpodState, request: DeployRequest, placement: Placement, template: RunpodTemplate | undefined, fault: SimFault | undefined): NewInstance {
  const { gpu } = placement;
  const resources = runpodPerGpuResources(gpu);
  const perGpu = request.bidPerGpu ?? placement.pricePerGpu;
  const image = request.image ?? template!.image;
  const start = containerStart(image, request.command);
  const centre = RUNPOD_DATA_CENTERS.find((candidate) => candidate.id === placement.dataCenterId)!;
  return {
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
    env: podEnv(state, request, template),
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
  };
}

/**
 * A template's env merged per key under the request's; startSsh adds the account's keys as
 * PUBLIC_KEY and startJupyter a generated JUPYTER_PASSWORD, unless the request sets them.
 */
function podEnv({ market, accountKeys }: RunpodState, request: DeployRequest, template: RunpodTemplate | undefined): Record<string, string> {
  const env = { ...template?.env, ...request.env };
  if (request.startSsh && accountKeys.length && env.PUBLIC_KEY === undefined) env.PUBLIC_KEY = accountKeys.join('\n');
  if (request.startJupyter && env.JUPYTER_PASSWORD === undefined) env.JUPYTER_PASSWORD = `sim${hashString(`${request.name}-${market.clock.now()}`).toString(36)}`;
  return env;
}

export function parsePorts(raw: unknown): PodPort[] | string {
  const items = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw.map(String) : [];
  const ports: PodPort[] = [];
  for (const item of items.map((text) => text.trim()).filter(Boolean)) {
    const found = /^(\d+)\/(tcp|http|udp)$/.exec(item);
    if (!found) return `port "${item}" must look like "8888/http" or "22/tcp"`;
    ports.push({ port: Number(found[1]), protocol: found[2] as 'tcp' | 'http' | 'udp' });
  }
  return ports;
}

export function podPorts(instance: SimInstance) {
  return instance.ports.map((entry) => ({
    ip: entry.protocol === 'http' ? instance.privateIp : instance.ip,
    isIpPublic: entry.protocol !== 'http',
    privatePort: entry.port,
    publicPort: instance.publicPorts[entry.port]!,
    type: entry.protocol,
  }));
}

export function gpuIds(instance: SimInstance): string[] {
  return Array.from({ length: instance.gpuCount }, (_, index) => `GPU-${(instance.key + index).toString(16).padStart(8, '0')}-sim0-4000-a000-${instance.id.slice(0, 12)}`);
}

export function desiredStatus(instance: SimInstance): string {
  return ['stopped', 'outbid', 'crashed'].includes(instance.phase) ? 'EXITED' : 'RUNNING';
}
