// Pure RunPod normalisation (GraphQL shapes): GPU types → offers (per-GPU price × count + disk),
// pods → instances (desiredStatus + runtime), SSH from the public TCP mapping of port 22, errors[].
import { z } from 'zod';
import type { GpuMetrics, Instance, InstanceStatus, PortMapping } from '#domain/instance.ts';
import type { Offer } from '#domain/offer.ts';
import { parseCudaVersion } from '#domain/cuda.ts';
import { canonicalGpu } from '#domain/gpus.ts';
import { asArray, asObject, HOURS_PER_MONTH, num, str, usd, type Json } from './common.ts';
import { countryCode } from './countries.ts';
import type { ProviderFault } from './http.ts';
import { readWire, wireObject, wireOptionalList } from './wire.ts';

// The GraphQL answers' envelopes as zod schemas: a list that is not a list is a bad-response, not
// "nothing to rent". The records inside are read leniently below.
const gpuTypesAnswerSchema = wireObject({ gpuTypes: z.array(z.unknown()), dataCenters: wireOptionalList(z.unknown()) });
const podsAnswerSchema = wireObject({ myself: wireObject({ pods: z.array(z.unknown()) }) });

/** `gpuTypes` and `dataCenters` of the offers query. */
export function readRunpodGpuTypesAnswer(data: unknown): { gpuTypes: unknown[]; dataCenters: RunpodDataCenter[] } {
  const answer = readWire('runpod', 'the GPU types', gpuTypesAnswerSchema, data);
  return { gpuTypes: answer.gpuTypes, dataCenters: parseRunpodDataCenters(answer.dataCenters) };
}

/** The pods of `myself { pods }`. */
export function readRunpodPodsAnswer(data: unknown): unknown[] {
  return readWire('runpod', 'the pod list', podsAnswerSchema, data).myself.pods;
}

/** RunPod bills pod disk (container + volume) at $0.10 per GB-month while running. */
export const RUNPOD_DISK_USD_PER_GB_MONTH = 0.1;
/** Container disk (image and system) ComputeHub gives every pod; the requested disk is the persistent volume. */
export const RUNPOD_CONTAINER_DISK_GB = 20;
/** A stopped pod keeps its volume at $0.20 per GB-month. */
export const RUNPOD_STOPPED_VOLUME_USD_PER_GB_MONTH = 0.2;

export type RunpodCloud = 'SECURE' | 'COMMUNITY';

/** Offer ids carry what create needs: cloud, GPU type id and, for Secure Cloud, the data centre. */
export function runpodOfferId(gpuTypeId: string, cloud: RunpodCloud, dataCenterId?: string): string {
  return `${cloud}:${gpuTypeId}${dataCenterId ? `@${dataCenterId}` : ''}`;
}

export function parseRunpodOfferId(offerId: string): { gpuTypeId: string; cloud: RunpodCloud; dataCenterId?: string } | undefined {
  const match = /^(SECURE|COMMUNITY):([^@]+)(?:@(.+))?$/.exec(offerId);
  if (!match) return undefined;
  return { cloud: match[1] as RunpodCloud, gpuTypeId: match[2]!, ...(match[3] ? { dataCenterId: match[3] } : {}) };
}

/** Secure Cloud stock per data centre, from the `dataCenters { gpuAvailability }` query. */
export interface RunpodDataCenter {
  id: string;
  country?: string;
  stock: Map<string, string>;
}

export function parseRunpodDataCenters(raw: unknown): RunpodDataCenter[] {
  return asArray(raw).flatMap((entry) => {
    const centre = asObject(entry);
    const id = str(centre.id);
    if (!id || centre.listed === false) return [];
    const stock = new Map<string, string>();
    for (const availability of asArray(centre.gpuAvailability).map(asObject)) {
      const gpuTypeId = str(availability.gpuTypeId);
      const level = str(availability.stockStatus)?.toLowerCase();
      if (gpuTypeId && level) stock.set(gpuTypeId, level);
    }
    const country = countryCode(str(centre.location));
    return [{ id, stock, ...(country ? { country } : {}) }];
  });
}

const AVAILABILITY: Record<string, 'low' | 'medium' | 'high'> = { low: 'low', medium: 'medium', high: 'high' };

interface RunpodPlace {
  cloud: RunpodCloud;
  region: string;
  dataCenterId?: string;
  country?: string;
  stock?: string;
}

/** Where a GPU type can be rented: each Secure Cloud data centre with stock (or Secure Cloud as a whole when no data centres were listed), and Community Cloud. */
function placesFor(type: Json, id: string, dataCenters: RunpodDataCenter[], overallStock: string | undefined): RunpodPlace[] {
  const places: RunpodPlace[] = [];
  if (type.secureCloud !== false) {
    const stocked = dataCenters.filter((centre) => ['low', 'medium', 'high'].includes(centre.stock.get(id) ?? ''));
    if (dataCenters.length === 0) places.push({ cloud: 'SECURE', region: 'Secure Cloud', ...(overallStock ? { stock: overallStock } : {}) });
    for (const centre of stocked) {
      places.push({ cloud: 'SECURE', region: centre.id, dataCenterId: centre.id, stock: centre.stock.get(id)!, ...(centre.country ? { country: centre.country } : {}) });
    }
  }
  if (type.communityCloud !== false) places.push({ cloud: 'COMMUNITY', region: 'Community Cloud', ...(overallStock ? { stock: overallStock } : {}) });
  return places;
}

export function parseRunpodGpuType(
  raw: unknown,
  context: {
    gpuCount: number;
    diskGb: number;
    interruptible: boolean;
    fetchedAt: string;
    simulated: boolean;
    dataCenters?: RunpodDataCenter[];
    /** The GPU count `lowestPrice` was asked for; its stock and vCPU/RAM figures scale from that. */
    lowestPriceGpuCount?: number;
  },
): Offer[] {
  const type = asObject(raw);
  const id = str(type.id);
  if (!id) return [];
  const vramGb = num(type.memoryInGb) ?? 0;
  const display = str(type.displayName) ?? id;
  const gpu = (canonicalGpu(id, vramGb) ?? canonicalGpu(display, vramGb))?.name ?? display;
  const maxCount = num(type.maxGpuCount);
  if (maxCount !== undefined && context.gpuCount > maxCount) return [];
  const lowest = type.lowestPrice === null || type.lowestPrice === undefined ? undefined : asObject(type.lowestPrice);
  const stock = str(lowest?.stockStatus)?.toLowerCase();
  // null stock means "not offered for this filter" and None means sold out: nothing to rent either way.
  if (lowest && (stock === undefined || stock === 'none')) return [];
  const disk = ((RUNPOD_CONTAINER_DISK_GB + context.diskGb) * RUNPOD_DISK_USD_PER_GB_MONTH) / HOURS_PER_MONTH;
  // The newest CUDA any host of this type runs: create asks for a host at least that new (minCudaVersion).
  const cudaVersions = asArray(lowest?.gpuTypeCudaVersions).flatMap((version) => (typeof version === 'string' ? (parseCudaVersion(version) ?? []) : []));
  const offers: Offer[] = [];
  for (const place of placesFor(type, id, context.dataCenters ?? [], stock)) {
    const onDemand = num(place.cloud === 'SECURE' ? type.securePrice : type.communityPrice);
    const spot = num(place.cloud === 'SECURE' ? type.secureSpotPrice : type.communitySpotPrice);
    const perGpu = context.interruptible ? spot : onDemand;
    if (perGpu === undefined || perGpu <= 0) continue;
    const gpuTotal = perGpu * context.gpuCount;
    const offer: Offer = {
      provider: 'runpod',
      offerId: runpodOfferId(id, place.cloud, place.dataCenterId),
      gpu,
      gpuRaw: id,
      gpuCount: context.gpuCount,
      vramGb,
      pricePerHour: usd(gpuTotal + disk),
      pricePerGpuHour: usd((gpuTotal + disk) / context.gpuCount),
      interruptible: context.interruptible,
      region: place.region,
      diskGb: context.diskGb,
      priceBreakdown: { gpu: usd(gpuTotal), disk: usd(disk) },
      fetchedAt: context.fetchedAt,
      simulated: context.simulated,
    };
    if (place.country) offer.country = place.country;
    if (cudaVersions.length) offer.cudaVersion = Math.max(...cudaVersions);
    if (context.interruptible) {
      const floor = num(lowest?.minimumBidPrice) ?? perGpu;
      offer.minBidPerHour = usd(floor * context.gpuCount);
    }
    // Stock was reported for the count asked about; for another count it is unknown.
    const scale = context.gpuCount / (context.lowestPriceGpuCount ?? context.gpuCount);
    if (scale === 1 && place.stock && AVAILABILITY[place.stock]) offer.available = AVAILABILITY[place.stock];
    const vcpus = num(lowest?.minVcpu);
    if (vcpus !== undefined) offer.vcpus = vcpus * scale;
    const ram = num(lowest?.minMemory);
    if (ram !== undefined) offer.ramGb = ram * scale;
    offers.push(offer);
  }
  return offers;
}

/** desiredStatus is only the goal; the container is up once `runtime` is present. */
export function runpodStatus(pod: Json): InstanceStatus {
  const desired = (str(pod.desiredStatus) ?? '').toUpperCase();
  const running = pod.runtime !== null && pod.runtime !== undefined;
  switch (desired) {
    case 'RUNNING':
      return running ? 'running' : 'starting';
    case 'CREATED':
    case 'PROVISIONING':
      return 'creating';
    // RESTARTING and PAUSED are not in our reference but appear in RunPod's published schema.
    case 'RESTARTING':
      return 'starting';
    case 'EXITED':
    case 'STOPPED':
    case 'PAUSED':
      return 'stopped';
    case 'TERMINATED':
      return 'terminated';
    case 'DEAD':
    case 'ERROR':
      return 'failed';
    default:
      return 'unknown';
  }
}

export function runpodPorts(podId: string, runtime: Json): PortMapping[] {
  const mappings: PortMapping[] = [];
  for (const raw of asArray(runtime.ports)) {
    const port = asObject(raw);
    const privatePort = num(port.privatePort);
    const publicPort = num(port.publicPort);
    const ip = str(port.ip);
    if (privatePort === undefined) continue;
    if (str(port.type) === 'http') {
      // HTTP ports are served through RunPod's proxy whatever the mapping says.
      const host = `${podId}-${privatePort}.proxy.runpod.net`;
      mappings.push({ containerPort: privatePort, protocol: 'http', host, hostPort: 443, url: `https://${host}` });
    } else if (port.isIpPublic === true && ip && publicPort !== undefined) {
      mappings.push({ containerPort: privatePort, protocol: 'tcp', host: ip, hostPort: publicPort });
    }
  }
  return mappings.sort((a, b) => a.containerPort - b.containerPort);
}

export function parseRunpodPod(raw: unknown, context: { fetchedAt: string; simulated: boolean }): Instance | undefined {
  const pod = asObject(raw);
  const id = str(pod.id);
  if (!id) return undefined;
  const status = runpodStatus(pod);
  const machine = asObject(pod.machine);
  // The type id is unambiguous ("NVIDIA A100 80GB PCIe"); the display name may not be ("A100 PCIe").
  const gpuRaw = str(machine.gpuTypeId) ?? str(machine.gpuDisplayName) ?? 'unknown';
  const runtime = asObject(pod.runtime);
  const ports = status === 'running' ? runpodPorts(id, runtime) : [];
  const desired = str(pod.desiredStatus) ?? 'unknown';
  const instance: Instance = {
    provider: 'runpod',
    providerInstanceId: id,
    status,
    rawStatus: desired === 'RUNNING' && status === 'starting' ? 'RUNNING (no runtime yet)' : desired,
    gpu: canonicalGpu(gpuRaw)?.name ?? gpuRaw,
    gpuCount: num(pod.gpuCount) ?? 1,
    // costPerHr is the GPU price; disk bills on top (as in the offer's all-in price), so add it.
    pricePerHour: usd((num(pod.costPerHr) ?? 0) + (((num(pod.containerDiskInGb) ?? 0) + (num(pod.volumeInGb) ?? 0)) * RUNPOD_DISK_USD_PER_GB_MONTH) / HOURS_PER_MONTH),
    ports,
    interruptible: /interrupt|spot/i.test(str(pod.podType) ?? ''),
    simulated: context.simulated,
  };
  const name = str(pod.name);
  if (name) instance.name = name;
  const message = str(pod.lastStatusChange);
  if (message) instance.statusMessage = message;
  const volume = num(pod.volumeInGb);
  if (volume !== undefined) instance.stoppedPricePerHour = usd((volume * RUNPOD_STOPPED_VOLUME_USD_PER_GB_MONTH) / HOURS_PER_MONTH);
  const image = str(pod.imageName);
  if (image) instance.image = image;
  const location = str(machine.location);
  if (location) instance.region = location;
  const ssh = ports.find((port) => port.containerPort === 22 && port.protocol === 'tcp');
  if (ssh) {
    instance.ssh = { host: ssh.host, port: ssh.hostPort, user: 'root' };
    instance.publicIp = ssh.host;
  }
  if (status === 'running') {
    const metrics = runpodMetrics(runtime, num(pod.gpuCount) ?? 1, canonicalGpu(gpuRaw)?.vramGb, context.fetchedAt);
    if (metrics) instance.metrics = metrics;
  }
  return instance;
}

function runpodMetrics(runtime: Json, gpuCount: number, vramPerGpu: number | undefined, at: string): GpuMetrics | undefined {
  const gpus = asArray(runtime.gpus).map(asObject);
  const utils = gpus.map((gpu) => num(gpu.gpuUtilPercent)).filter((value): value is number => value !== undefined);
  const memory = gpus.map((gpu) => num(gpu.memoryUtilPercent)).filter((value): value is number => value !== undefined);
  if (utils.length === 0 && memory.length === 0) return undefined;
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const metrics: GpuMetrics = { at };
  if (utils.length) metrics.gpuUtilPercent = Math.round(mean(utils) * 10) / 10;
  if (vramPerGpu !== undefined) {
    metrics.vramTotalGb = vramPerGpu * gpuCount;
    if (memory.length) metrics.vramUsedGb = Math.round(((mean(memory) / 100) * vramPerGpu * gpuCount) * 10) / 10;
  }
  return metrics;
}

const CAPACITY_TEXT = /no longer any instances available|no instances available|not enough .*available|insufficient capacity/i;

/** GraphQL answers 200 with errors[]; REST v2 uses RFC 9457 bodies. */
export function runpodFault(body: unknown, status: number): ProviderFault | undefined {
  const object = asObject(body);
  const errors = asArray(object.errors);
  const ok = status >= 200 && status < 300;
  if (ok && errors.length === 0) return undefined;
  const first = asObject(errors[0]);
  const message = str(first.message) ?? str(object.detail) ?? str(object.title) ?? str(object.message) ?? str(object.error) ?? (typeof body === 'string' ? body : undefined);
  const code = str(asObject(first.extensions).code);
  const fault: ProviderFault = { ...(message ? { message } : {}), ...(code ? { code } : {}) };
  const text = `${code ?? ''} ${message ?? ''}`;
  if (CAPACITY_TEXT.test(text)) return { ...fault, kind: 'no-capacity' };
  if (/UNAUTHENTICATED|unauthori[sz]ed|api key/i.test(text)) return { ...fault, kind: 'auth' };
  if (/not found/i.test(text)) return { ...fault, kind: 'not-found' };
  if (/rate limit|too many requests/i.test(text)) return { ...fault, kind: 'rate-limit' };
  if (/INTERNAL_SERVER_ERROR|something went wrong/i.test(text)) return { ...fault, kind: 'unavailable' };
  return fault;
}
