// How RunPod's GraphQL shows a GPU type (with its lowestPrice field) and a pod (docs/providers.md
// §2.2, 2.4): graphql-js picks the fields a query selects from these objects.
import { gpuMetrics, type SimInstance } from './lifecycle.ts';
import { RUNPOD_DATA_CENTERS, runpodPerGpuResources, runpodPrices, type RunpodPrices } from './cloud-catalogue.ts';
import { round } from './random.ts';
import type { SimGpuModel } from './gpus.ts';
import { compareCuda, cudaVersionsFor, stockFor } from './runpod-hosts.ts';
import { desiredStatus, gpuIds, podPorts, type RunpodState } from './runpod-pods.ts';

/** A field's arguments: RunPod passes everything in one optional `input` object. */
export type Args<Input> = { input?: Input | null };
export type Maybe<T> = T | null | undefined;

interface LowestPriceInput {
  gpuCount?: Maybe<number>;
  secureCloud?: Maybe<boolean>;
  dataCenterId?: Maybe<string>;
  countryCode?: Maybe<string>;
  minCudaVersion?: Maybe<string>;
}

export function gqlGpuType(state: RunpodState, gpu: SimGpuModel) {
  const prices = runpodPrices(state.market.seed, gpu, state.market.clock.now());
  return {
    id: gpu.runpod!.id,
    displayName: gpu.runpod!.displayName,
    manufacturer: gpu.manufacturer,
    memoryInGb: gpu.runpod!.memoryInGb,
    cudaCores: Math.round(gpu.tflops * 60),
    secureCloud: true,
    communityCloud: prices.communityPrice !== null,
    maxGpuCount: 8,
    maxGpuCountSecureCloud: 8,
    maxGpuCountCommunityCloud: prices.communityPrice === null ? 0 : 8,
    minPodGpuCount: 1,
    securePrice: prices.securePrice,
    communityPrice: prices.communityPrice,
    secureSpotPrice: prices.secureSpotPrice,
    communitySpotPrice: prices.communitySpotPrice,
    oneWeekPrice: round(prices.securePrice! * 0.95, 2),
    oneMonthPrice: round(prices.securePrice! * 0.88, 2),
    threeMonthPrice: round(prices.securePrice! * 0.84, 2),
    sixMonthPrice: round(prices.securePrice! * 0.8, 2),
    clusterPrice: gpu.datacenter ? round(prices.securePrice! * 1.05, 2) : null,
    nodeGroupDatacenters: RUNPOD_DATA_CENTERS.map((centre) => ({ id: centre.id, name: centre.name })),
    // Prices are the type's at the time of the gpuTypes field; stock is read when lowestPrice resolves.
    lowestPrice: ({ input }: Args<LowestPriceInput>) => lowestPrice(state, gpu, prices, input),
  };
}

/** The cheapest way to rent `gpuCount` of a type in the cloud and data centre asked about, with its stock. */
function lowestPrice({ market }: RunpodState, gpu: SimGpuModel, prices: RunpodPrices, input: Maybe<LowestPriceInput>) {
  const resources = runpodPerGpuResources(gpu);
  const secure = input?.secureCloud ?? undefined;
  const dataCenterId = input?.dataCenterId ?? undefined;
  const gpuCount = input?.gpuCount ?? 1;
  const minCudaVersion = input?.minCudaVersion ?? undefined;
  const stock = stockFor(market, gpu, secure, dataCenterId, minCudaVersion ? { minCudaVersion } : {});
  const price = secure === false ? prices.communityPrice : secure === true ? prices.securePrice : (prices.communityPrice ?? prices.securePrice);
  const spot = secure === false ? prices.communitySpotPrice : secure === true ? prices.secureSpotPrice : (prices.communitySpotPrice ?? prices.secureSpotPrice);
  const inStock = stock !== null && stock !== 'None';
  const centre = RUNPOD_DATA_CENTERS.find((candidate) => candidate.id === dataCenterId);
  return {
    gpuName: gpu.runpod!.displayName,
    gpuTypeId: gpu.runpod!.id,
    minimumBidPrice: stock === null ? null : spot,
    uninterruptablePrice: stock === null ? null : price,
    minVcpu: inStock ? resources.vcpu * gpuCount : null,
    minMemory: inStock ? resources.memoryGb * gpuCount : null,
    stockStatus: stock,
    maxUnreservedGpuCount: inStock ? 8 : 0,
    availableGpuCounts: inStock ? [1, 2, 4, 8].filter((count) => count <= (stock === 'Low' ? 2 : 8)) : [],
    compliance: gpu.datacenter ? ['GDPR', 'SOC2'] : [],
    countryCode: centre?.countryCode ?? input?.countryCode ?? null,
    // The CUDA versions the in-stock hosts of this type run (their drivers' highest supported CUDA).
    gpuTypeCudaVersions: cudaVersionsFor(market, gpu, secure, dataCenterId).filter((version) => !minCudaVersion || compareCuda(version, minCudaVersion) >= 0),
  };
}

export function gqlPod({ market }: RunpodState, instance: SimInstance) {
  const now = () => market.clock.now();
  const running = instance.phase === 'running';
  const details = instance.details;
  const uptime = running ? Math.floor((now() - (instance.runningSince ?? now())) / 1000) : 0;
  return {
    id: instance.id,
    name: instance.name,
    desiredStatus: desiredStatus(instance),
    lastStatusChange: lastStatusChange(instance),
    imageName: instance.image,
    gpuCount: instance.gpuCount,
    vcpuCount: details.vcpuCount,
    memoryInGb: details.memoryInGb,
    containerDiskInGb: details.containerDiskInGb,
    volumeInGb: details.volumeInGb,
    volumeMountPath: details.volumeMountPath,
    costPerHr: instance.details.gpuCostPerHr,
    adjustedCostPerHr: instance.details.gpuCostPerHr,
    podType: instance.interruptible ? 'INTERRUPTABLE' : 'RESERVED',
    ports: instance.ports.map((entry) => `${entry.port}/${entry.protocol}`).join(','),
    env: Object.entries(instance.env).map(([key, value]) => `${key}=${value}`),
    dockerArgs: instance.startScript ?? '',
    dockerId: running ? `sim${instance.key.toString(16)}` : null,
    machineId: instance.machineId,
    templateId: details.templateId ?? null,
    locked: false,
    uptimeSeconds: uptime,
    machine: { gpuDisplayName: details.gpuDisplayName, gpuTypeId: details.gpuTypeId, location: details.location, dataCenterId: details.dataCenterId, podHostId: `${instance.id}-${instance.key % 100_000_000}`, secureCloud: details.cloud === 'SECURE' },
    runtime: running
      ? {
          uptimeInSeconds: uptime,
          ports: podPorts(instance).map((entry) => ({ ...entry })),
          gpus: gpuIds(instance).map((id, index) => {
            const metrics = gpuMetrics(instance, now(), index);
            return { id, gpuUtilPercent: metrics.util, memoryUtilPercent: metrics.memoryUtil };
          }),
          container: { cpuPercent: gpuMetrics(instance, now()).cpuUtil, memoryPercent: gpuMetrics(instance, now()).memUtil },
        }
      : null,
  };
}

function lastStatusChange(instance: SimInstance): string {
  const when = new Date(instance.phaseSince).toUTCString();
  if (instance.phase === 'crashed') return `Exited by RunPod: container exited with code 1: ${when}`;
  if (instance.phase === 'outbid') return `Exited by RunPod: outbid, spot pod interrupted: ${when}`;
  if (instance.phase === 'stopped') return `Exited by User: ${when}`;
  return `Rented by User: ${when}`;
}
