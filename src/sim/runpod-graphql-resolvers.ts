// RunPod's GraphQL resolvers (docs/providers.md §2.2–2.5, 2.7): gpuTypes with lowestPrice, dataCenters,
// myself/pod and the pod mutations, over the simulated market. The schema they answer for is
// runpod-graphql-schema.ts; graphql-js has already checked every argument against it.
import { gpuMetrics, type SimInstance } from './lifecycle.ts';
import type { Market } from './market.ts';
import { RUNPOD_DATA_CENTERS, RUNPOD_GPUS, runpodPerGpuResources, runpodPrices, runpodStock } from './cloud-catalogue.ts';
import { round } from './random.ts';
import type { SimGpuModel } from './gpus.ts';
import { compareCuda, type RunpodPods } from './runpod-pods.ts';

/** A field's arguments: RunPod passes everything in one optional `input` object. */
type Args<Input> = { input?: Input | null };
type Maybe<T> = T | null | undefined;

interface LowestPriceInput {
  gpuCount?: Maybe<number>;
  secureCloud?: Maybe<boolean>;
  dataCenterId?: Maybe<string>;
  countryCode?: Maybe<string>;
  minCudaVersion?: Maybe<string>;
}

interface DeployInput {
  name?: Maybe<string>;
  imageName?: Maybe<string>;
  templateId?: Maybe<string>;
  gpuTypeId?: Maybe<string>;
  gpuCount?: Maybe<number>;
  cloudType?: Maybe<string>;
  dataCenterId?: Maybe<string>;
  countryCode?: Maybe<string>;
  containerDiskInGb?: Maybe<number>;
  volumeInGb?: Maybe<number>;
  volumeMountPath?: Maybe<string>;
  ports?: Maybe<string>;
  env?: Maybe<Maybe<{ key: string; value?: Maybe<string> }>[]>;
  dockerArgs?: Maybe<string>;
  allowedCudaVersions?: Maybe<Maybe<string>[]>;
  minCudaVersion?: Maybe<string>;
  startSsh?: Maybe<boolean>;
  bidPerGpu?: number;
}

interface PodInput {
  podId: string;
  bidPerGpu?: number;
}

/** The root value graphql-js executes against: one resolver per Query and Mutation field. */
export function createRunpodResolvers(market: Market, pods: RunpodPods) {
  const { seed, now, stockFor, cudaVersionsFor, deploy, parsePorts, podPorts, gpuIds, desiredStatus } = pods;

  function gpuType(gpu: SimGpuModel) {
    const prices = runpodPrices(seed, gpu, now());
    const resources = runpodPerGpuResources(gpu);
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
      lowestPrice: ({ input }: Args<LowestPriceInput>) => {
        const secure = input?.secureCloud ?? undefined;
        const dataCenterId = input?.dataCenterId ?? undefined;
        const gpuCount = input?.gpuCount ?? 1;
        const minCudaVersion = input?.minCudaVersion ?? undefined;
        const stock = stockFor(gpu, secure, dataCenterId, minCudaVersion ? { minCudaVersion } : {});
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
          gpuTypeCudaVersions: cudaVersionsFor(gpu, secure, dataCenterId).filter((version) => !minCudaVersion || compareCuda(version, minCudaVersion) >= 0),
        };
      },
    };
  }

  function gqlPod(instance: SimInstance) {
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

  /** The pod an input names; the message is RunPod's when there is none. */
  function podFrom(input: Maybe<PodInput>, missing = 'pod not found'): SimInstance {
    const pod = input ? market.find('runpod', input.podId) : undefined;
    if (!pod) throw new Error(input ? missing : 'input is required');
    return pod;
  }

  function deployFromGraphql(input: Maybe<DeployInput>, spot: boolean) {
    if (!input) throw new Error('input is required');
    const ports = parsePorts(input.ports ?? '');
    if (typeof ports === 'string') throw new Error(ports);
    const env: Record<string, string> = {};
    for (const entry of input.env ?? []) if (entry) env[entry.key] = entry.value ?? '';
    const result = deploy({
      name: input.name ?? '',
      ...(input.imageName ? { image: input.imageName } : {}),
      ...(input.templateId ? { templateId: input.templateId } : {}),
      gpuTypeId: input.gpuTypeId,
      gpuCount: input.gpuCount ?? 1,
      cloud: input.cloudType ?? 'ALL',
      ...(input.dataCenterId ? { dataCenterIds: [input.dataCenterId] } : {}),
      ...(input.countryCode ? { countryCode: input.countryCode } : {}),
      containerDiskInGb: input.containerDiskInGb ?? 50,
      volumeInGb: input.volumeInGb ?? 0,
      volumeMountPath: input.volumeMountPath ?? '/workspace',
      ports,
      env,
      command: input.dockerArgs ? { args: input.dockerArgs } : {},
      ...(spot ? { bidPerGpu: input.bidPerGpu! } : {}),
      cuda: {
        ...(input.allowedCudaVersions ? { allowedCudaVersions: input.allowedCudaVersions.map(String) } : {}),
        ...(input.minCudaVersion ? { minCudaVersion: input.minCudaVersion } : {}),
      },
      startSsh: input.startSsh === true,
    });
    if ('failed' in result) throw new Error(result.message);
    return gqlPod(result);
  }

  function resume(input: Maybe<PodInput>) {
    const pod = podFrom(input);
    if (input?.bidPerGpu !== undefined) {
      const diskPerHour = pod.computePerHour - (pod.details.gpuCostPerHr as number);
      pod.details.gpuCostPerHr = round(input.bidPerGpu * pod.gpuCount, 4);
      pod.computePerHour = round((pod.details.gpuCostPerHr as number) + diskPerHour, 4);
    }
    if (desiredStatus(pod) === 'EXITED') market.transition(pod, 'loading');
    return gqlPod(pod);
  }

  return {
    myself: () => ({
      id: 'sim-user-runpod',
      email: 'sim-user@computehub.invalid',
      clientBalance: round(market.balanceMicros('runpod') / 1e6, 4),
      currentSpendPerHr: round(market.list('runpod').reduce((sum, pod) => sum + (desiredStatus(pod) === 'RUNNING' ? pod.computePerHour : 0) + pod.storagePerHour, 0), 4),
      spendLimit: 80,
      pods: () => market.list('runpod').map(gqlPod),
    }),
    pod: ({ input }: Args<PodInput>) => {
      if (!input) throw new Error('input is required');
      const found = market.find('runpod', input.podId);
      return found ? gqlPod(found) : null;
    },
    gpuTypes: ({ input }: Args<{ id?: Maybe<string>; ids?: Maybe<Maybe<string>[]> }>) =>
      RUNPOD_GPUS.filter((gpu) => (!input?.id || gpu.runpod!.id === input.id) && (!input?.ids || input.ids.includes(gpu.runpod!.id))).map(gpuType),
    countryCodes: () => [...new Set(RUNPOD_DATA_CENTERS.map((centre) => centre.countryCode))],
    dataCenters: () =>
      RUNPOD_DATA_CENTERS.map((centre) => ({
        id: centre.id,
        name: centre.name,
        listed: true,
        location: centre.location,
        gpuAvailability: RUNPOD_GPUS.map((gpu) => ({ gpuTypeId: gpu.runpod!.id, displayName: gpu.runpod!.displayName, stockStatus: runpodStock(seed, gpu, `SECURE-${centre.id}`, now()) })),
      })),
    podFindAndDeployOnDemand: ({ input }: Args<DeployInput>) => deployFromGraphql(input, false),
    podRentInterruptable: ({ input }: Args<DeployInput>) => deployFromGraphql(input, true),
    podStop: ({ input }: Args<PodInput>) => {
      const pod = podFrom(input);
      if (desiredStatus(pod) === 'RUNNING') market.transition(pod, 'stopped');
      return gqlPod(pod);
    },
    podResume: ({ input }: Args<PodInput>) => resume(input),
    podBidResume: ({ input }: Args<PodInput>) => resume(input),
    podTerminate: ({ input }: Args<PodInput>) => {
      market.transition(podFrom(input, 'pod not found to terminate'), 'gone');
      return null;
    },
  };
}
