// RunPod's GraphQL API (docs/providers.md §2.2–2.5, 2.7): gpuTypes with lowestPrice, myself/pod, and the
// pod mutations. Errors, even malformed queries, answer HTTP 200 with errors[] (§2.1).
import { isRecord, numberFrom, type Answer, type RequestContext } from './http.ts';
import { gpuMetrics, type SimInstance } from './lifecycle.ts';
import type { Market } from './market.ts';
import { GqlError, parseOperation, project, type GqlField, type GqlObject, type GqlValue } from './graphql.ts';
import { RUNPOD_DATA_CENTERS, RUNPOD_GPUS, runpodPerGpuResources, runpodPrices, runpodStock } from './cloud-catalogue.ts';
import { round } from './random.ts';
import type { SimGpuModel } from './gpus.ts';
import { compareCuda, type RunpodPods } from './runpod-pods.ts';
import type { SimEndpoint } from './types.ts';

const CATALOGUE_FIELDS = new Set(['gpuTypes', 'countryCodes', 'dataCenters', 'cpuFlavors']);
const GRAPHQL_ENDPOINTS: Record<string, SimEndpoint> = {
  gpuTypes: 'offers',
  dataCenters: 'offers',
  countryCodes: 'offers',
  cpuFlavors: 'offers',
  pod: 'get',
  podFindAndDeployOnDemand: 'create',
  podRentInterruptable: 'create',
  podStop: 'stop',
  podResume: 'start',
  podBidResume: 'start',
  podTerminate: 'destroy',
};
const DEPLOY_INPUT_FIELDS = new Set([
  'name', 'imageName', 'gpuTypeId', 'gpuCount', 'cloudType', 'containerDiskInGb', 'volumeInGb', 'volumeMountPath', 'minVcpuCount',
  'minMemoryInGb', 'dockerArgs', 'ports', 'env', 'templateId', 'networkVolumeId', 'dataCenterId', 'countryCode', 'supportPublicIp',
  'startSsh', 'startJupyter', 'allowedCudaVersions', 'minCudaVersion', 'minDownload', 'minUpload', 'containerRegistryAuthId', 'bidPerGpu',
  'deployCost', 'stopAfter', 'terminateAfter', 'cudaVersion',
]);
/** RunPod's GraphQL answers every error, even a malformed query, with HTTP 200 and errors[] (docs/providers.md §2.1). */
const graphqlFailure = (message: string, code: string): Answer => ({ status: 200, json: { errors: [{ message, extensions: { code } }], data: null } });

export function createRunpodGraphql(market: Market, pods: RunpodPods) {
  const { seed, now, stockFor, cudaVersionsFor, deploy, parsePorts, podPorts, gpuIds, desiredStatus } = pods;

  function gpuType(gpu: SimGpuModel): GqlObject {
    const prices = runpodPrices(seed, gpu, now());
    const resources = runpodPerGpuResources(gpu);
    return {
      __type: 'GpuType',
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
      nodeGroupDatacenters: RUNPOD_DATA_CENTERS.map((centre) => ({ __type: 'DataCenter', id: centre.id, name: centre.name })),
      lowestPrice: (args: Record<string, GqlValue>) => {
        const input = isRecord(args.input) ? args.input : {};
        const secure = typeof input.secureCloud === 'boolean' ? input.secureCloud : undefined;
        const dataCenterId = typeof input.dataCenterId === 'string' ? input.dataCenterId : undefined;
        const gpuCount = numberFrom(input.gpuCount) ?? 1;
        const minCudaVersion = typeof input.minCudaVersion === 'string' ? input.minCudaVersion : undefined;
        const stock = stockFor(gpu, secure, dataCenterId, minCudaVersion ? { minCudaVersion } : {});
        const price = secure === false ? prices.communityPrice : secure === true ? prices.securePrice : (prices.communityPrice ?? prices.securePrice);
        const spot = secure === false ? prices.communitySpotPrice : secure === true ? prices.secureSpotPrice : (prices.communitySpotPrice ?? prices.secureSpotPrice);
        const inStock = stock !== null && stock !== 'None';
        const centre = RUNPOD_DATA_CENTERS.find((candidate) => candidate.id === dataCenterId);
        return {
          __type: 'LowestPrice',
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
          countryCode: centre?.countryCode ?? (typeof input.countryCode === 'string' ? input.countryCode : null),
          // The CUDA versions the in-stock hosts of this type run (their drivers' highest supported CUDA).
          gpuTypeCudaVersions: cudaVersionsFor(gpu, secure, dataCenterId).filter((version) => !minCudaVersion || compareCuda(version, minCudaVersion) >= 0),
        };
      },
    };
  }

  function gqlPod(instance: SimInstance): GqlObject {
    const running = instance.phase === 'running';
    const details = instance.details;
    const uptime = running ? Math.floor((now() - (instance.runningSince ?? now())) / 1000) : 0;
    return {
      __type: 'Pod',
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
      machine: { __type: 'Machine', gpuDisplayName: details.gpuDisplayName, gpuTypeId: details.gpuTypeId, location: details.location, dataCenterId: details.dataCenterId, podHostId: `${instance.id}-${instance.key % 100_000_000}`, secureCloud: details.cloud === 'SECURE' },
      runtime: running
        ? {
            __type: 'PodRuntime',
            uptimeInSeconds: uptime,
            ports: podPorts(instance).map((entry) => ({ __type: 'PodRuntimePorts', ...entry })),
            gpus: gpuIds(instance).map((id, index) => {
              const metrics = gpuMetrics(instance, now(), index);
              return { __type: 'PodRuntimeGpus', id, gpuUtilPercent: metrics.util, memoryUtilPercent: metrics.memoryUtil };
            }),
            container: { __type: 'PodRuntimeContainer', cpuPercent: gpuMetrics(instance, now()).cpuUtil, memoryPercent: gpuMetrics(instance, now()).memUtil },
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


  class ResolverError extends Error {}

  function podInput(args: Record<string, GqlValue>): Record<string, GqlValue> {
    const input = args.input;
    if (!isRecord(input)) throw new ResolverError('input is required');
    return input as Record<string, GqlValue>;
  }

  function findPod(args: Record<string, GqlValue>): SimInstance | undefined {
    const podId = podInput(args).podId;
    return typeof podId === 'string' ? market.find('runpod', podId) : undefined;
  }

  function deployFromGraphql(args: Record<string, GqlValue>, spot: boolean): GqlObject {
    const input = podInput(args);
    const typeName = spot ? 'PodRentInterruptableInput' : 'PodFindAndDeployOnDemandInput';
    for (const key of Object.keys(input)) {
      if (!DEPLOY_INPUT_FIELDS.has(key) || (!spot && key === 'bidPerGpu')) throw new GqlError(`Field "${key}" is not defined by type "${typeName}".`, 'GRAPHQL_VALIDATION_FAILED');
    }
    if (spot && numberFrom(input.bidPerGpu) === undefined) throw new GqlError(`Field "${typeName}.bidPerGpu" of required type "Float!" was not provided.`, 'GRAPHQL_VALIDATION_FAILED');
    const ports = parsePorts(input.ports ?? '');
    if (typeof ports === 'string') throw new ResolverError(ports);
    const env: Record<string, string> = {};
    if (Array.isArray(input.env)) for (const entry of input.env) if (isRecord(entry) && typeof entry.key === 'string') env[entry.key] = String(entry.value ?? '');
    const result = deploy({
      name: typeof input.name === 'string' ? input.name : '',
      ...(typeof input.imageName === 'string' ? { image: input.imageName } : {}),
      ...(typeof input.templateId === 'string' ? { templateId: input.templateId } : {}),
      gpuTypeId: input.gpuTypeId,
      gpuCount: numberFrom(input.gpuCount) ?? 1,
      cloud: typeof input.cloudType === 'string' ? input.cloudType : 'ALL',
      ...(typeof input.dataCenterId === 'string' ? { dataCenterIds: [input.dataCenterId] } : {}),
      ...(typeof input.countryCode === 'string' ? { countryCode: input.countryCode } : {}),
      containerDiskInGb: numberFrom(input.containerDiskInGb) ?? 50,
      volumeInGb: numberFrom(input.volumeInGb) ?? 0,
      volumeMountPath: typeof input.volumeMountPath === 'string' ? input.volumeMountPath : '/workspace',
      ports,
      env,
      command: typeof input.dockerArgs === 'string' && input.dockerArgs ? { args: input.dockerArgs } : {},
      ...(spot ? { bidPerGpu: numberFrom(input.bidPerGpu)! } : {}),
      cuda: {
        ...(input.allowedCudaVersions !== undefined && input.allowedCudaVersions !== null ? { allowedCudaVersions: ([] as GqlValue[]).concat(input.allowedCudaVersions).map(String) } : {}),
        ...(typeof input.minCudaVersion === 'string' ? { minCudaVersion: input.minCudaVersion } : {}),
      },
      startSsh: input.startSsh === true,
    });
    if ('failed' in result) throw new ResolverError(result.message);
    return gqlPod(result);
  }

  const queryRoot = (): GqlObject => ({
    __type: 'Query',
    myself: {
      __type: 'User',
      id: 'sim-user-runpod',
      email: 'sim-user@computehub.invalid',
      clientBalance: round(market.balanceMicros('runpod') / 1e6, 4),
      currentSpendPerHr: round(market.list('runpod').reduce((sum, pod) => sum + (desiredStatus(pod) === 'RUNNING' ? pod.computePerHour : 0) + pod.storagePerHour, 0), 4),
      spendLimit: 80,
      pods: () => market.list('runpod').map(gqlPod),
    },
    pod: (args: Record<string, GqlValue>) => {
      const found = findPod(args);
      return found ? gqlPod(found) : null;
    },
    gpuTypes: (args: Record<string, GqlValue>) => {
      const input = isRecord(args.input) ? args.input : {};
      return RUNPOD_GPUS.filter((gpu) => input.id === undefined || gpu.runpod!.id === input.id).map(gpuType);
    },
    countryCodes: [...new Set(RUNPOD_DATA_CENTERS.map((centre) => centre.countryCode))],
    dataCenters: () =>
      RUNPOD_DATA_CENTERS.map((centre) => ({
        __type: 'DataCenter',
        id: centre.id,
        name: centre.name,
        listed: true,
        location: centre.location,
        gpuAvailability: RUNPOD_GPUS.map((gpu) => ({ __type: 'GpuAvailability', gpuTypeId: gpu.runpod!.id, displayName: gpu.runpod!.displayName, stockStatus: runpodStock(seed, gpu, `SECURE-${centre.id}`, now()) })),
      })),
  });

  const mutationRoot = (): GqlObject => ({
    __type: 'Mutation',
    podFindAndDeployOnDemand: (args: Record<string, GqlValue>) => deployFromGraphql(args, false),
    podRentInterruptable: (args: Record<string, GqlValue>) => deployFromGraphql(args, true),
    podStop: (args: Record<string, GqlValue>) => {
      const pod = findPod(args);
      if (!pod) throw new ResolverError('pod not found');
      if (desiredStatus(pod) === 'RUNNING') market.transition(pod, 'stopped');
      return gqlPod(pod);
    },
    podResume: (args: Record<string, GqlValue>) => resume(args, false),
    podBidResume: (args: Record<string, GqlValue>) => resume(args, true),
    podTerminate: (args: Record<string, GqlValue>) => {
      const pod = findPod(args);
      if (!pod) throw new ResolverError('pod not found to terminate');
      market.transition(pod, 'gone');
      return null;
    },
  });

  function resume(args: Record<string, GqlValue>, bid: boolean): GqlObject {
    const pod = findPod(args);
    if (!pod) throw new ResolverError('pod not found');
    if (bid) {
      const bidPerGpu = numberFrom(podInput(args).bidPerGpu);
      if (bidPerGpu === undefined) throw new ResolverError('bidPerGpu is required');
      const diskPerHour = pod.computePerHour - (pod.details.gpuCostPerHr as number);
      pod.details.gpuCostPerHr = round(bidPerGpu * pod.gpuCount, 4);
      pod.computePerHour = round((pod.details.gpuCostPerHr as number) + diskPerHour, 4);
    }
    if (desiredStatus(pod) === 'EXITED') market.transition(pod, 'loading');
    return gqlPod(pod);
  }

  function graphql(context: RequestContext): Answer {
    const body = isRecord(context.body) ? context.body : {};
    const query = typeof body.query === 'string' ? body.query : context.query.get('query');
    if (!query) return graphqlFailure('Must provide query string.', 'BAD_USER_INPUT');
    const variables = isRecord(body.variables) ? body.variables : {};
    let operation;
    try {
      operation = parseOperation(query, variables, typeof body.operationName === 'string' ? body.operationName : undefined);
    } catch (error) {
      const gql = error as GqlError;
      return graphqlFailure(gql.message, gql.code);
    }
    const root = operation.kind === 'mutation' ? mutationRoot() : queryRoot();
    const data: Record<string, unknown> = {};
    const errors: unknown[] = [];
    for (const field of operation.selections) {
      const key = field.alias ?? field.name;
      try {
        data[key] = (project(root, [field], operation.kind) as Record<string, unknown>)[key];
      } catch (error) {
        if (error instanceof GqlError) return graphqlFailure(error.message, error.code);
        errors.push({ message: (error as Error).message, path: [key], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
        data[key] = null;
      }
    }
    return { status: 200, json: errors.length ? { errors, data } : { data } };
  }

  /** Tags a GraphQL request by its root field; catalogue-only queries may come without a key. */
  function classify(context: RequestContext): { endpoint: SimEndpoint; operations?: string[]; anonymous?: boolean } {
    const body = isRecord(context.body) ? context.body : {};
    const query = typeof body.query === 'string' ? body.query : (context.query.get('query') ?? '');
    let fields: GqlField[];
    try {
      fields = parseOperation(query, isRecord(body.variables) ? body.variables : {}, typeof body.operationName === 'string' ? body.operationName : undefined).selections;
    } catch {
      return { endpoint: 'other' };
    }
    const operations = fields.map((field) => field.name);
    const first = fields[0];
    let endpoint: SimEndpoint = first ? (GRAPHQL_ENDPOINTS[first.name] ?? 'other') : 'other';
    if (first?.name === 'myself') endpoint = first.selections?.some((selection) => selection.name === 'pods') ? 'list' : 'account';
    return { endpoint, operations, anonymous: operations.length > 0 && operations.every((name) => CATALOGUE_FIELDS.has(name)) };
  }

  return { handle: graphql, classify };
}
