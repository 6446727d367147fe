// RunPod's GraphQL resolvers (docs/providers.md §2.2–2.5, 2.7): gpuTypes with lowestPrice, dataCenters,
// myself/pod and the pod mutations, over the simulated market. One named function per root field, each
// given the face's state as graphql-js's context value. The schema they answer for is
// runpod-graphql-schema.ts; graphql-js has already checked every argument against it.
import type { SimInstance } from './lifecycle.ts';
import { RUNPOD_DATA_CENTERS, RUNPOD_GPUS, runpodStock } from './cloud-catalogue.ts';
import { round } from './random.ts';
import { deploy, desiredStatus, parsePorts, type RunpodState } from './runpod-pods.ts';
import { gqlGpuType, gqlPod, type Args, type Maybe } from './runpod-graphql-views.ts';

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

/** The pod an input names; the message is RunPod's when there is none. */
function podFrom({ market }: RunpodState, input: Maybe<PodInput>, missing = 'pod not found'): SimInstance {
  const pod = input ? market.find('runpod', input.podId) : undefined;
  if (!pod) throw new Error(input ? missing : 'input is required');
  return pod;
}

function deployFromGraphql(state: RunpodState, input: Maybe<DeployInput>, spot: boolean) {
  if (!input) throw new Error('input is required');
  const ports = parsePorts(input.ports ?? '');
  if (typeof ports === 'string') throw new Error(ports);
  const env: Record<string, string> = {};
  for (const entry of input.env ?? []) if (entry) env[entry.key] = entry.value ?? '';
  const result = deploy(state, {
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
  return gqlPod(state, result);
}

/** podResume and podBidResume: a bid resume reprices the GPUs and keeps the disk price. */
function resume(state: RunpodState, input: Maybe<PodInput>) {
  const pod = podFrom(state, input);
  if (input?.bidPerGpu !== undefined) {
    const diskPerHour = pod.computePerHour - (pod.details.gpuCostPerHr as number);
    pod.details.gpuCostPerHr = round(input.bidPerGpu * pod.gpuCount, 4);
    pod.computePerHour = round((pod.details.gpuCostPerHr as number) + diskPerHour, 4);
  }
  if (desiredStatus(pod) === 'EXITED') state.market.transition(pod, 'loading');
  return gqlPod(state, pod);
}

function myself(_args: unknown, state: RunpodState) {
  const { market } = state;
  return {
    id: 'sim-user-runpod',
    email: 'sim-user@computehub.invalid',
    clientBalance: round(market.balanceMicros('runpod') / 1e6, 4),
    currentSpendPerHr: round(market.list('runpod').reduce((sum, pod) => sum + (desiredStatus(pod) === 'RUNNING' ? pod.computePerHour : 0) + pod.storagePerHour, 0), 4),
    spendLimit: 80,
    pods: () => market.list('runpod').map((pod) => gqlPod(state, pod)),
  };
}

function pod({ input }: Args<PodInput>, state: RunpodState) {
  if (!input) throw new Error('input is required');
  const found = state.market.find('runpod', input.podId);
  return found ? gqlPod(state, found) : null;
}

function gpuTypes({ input }: Args<{ id?: Maybe<string>; ids?: Maybe<Maybe<string>[]> }>, state: RunpodState) {
  return RUNPOD_GPUS.filter((gpu) => (!input?.id || gpu.runpod!.id === input.id) && (!input?.ids || input.ids.includes(gpu.runpod!.id))).map((gpu) => gqlGpuType(state, gpu));
}

function dataCenters(_args: unknown, { market }: RunpodState) {
  return RUNPOD_DATA_CENTERS.map((centre) => ({
    id: centre.id,
    name: centre.name,
    listed: true,
    location: centre.location,
    gpuAvailability: RUNPOD_GPUS.map((gpu) => ({ gpuTypeId: gpu.runpod!.id, displayName: gpu.runpod!.displayName, stockStatus: runpodStock(market.seed, gpu, `SECURE-${centre.id}`, market.clock.now()) })),
  }));
}

function podStop({ input }: Args<PodInput>, state: RunpodState) {
  const found = podFrom(state, input);
  if (desiredStatus(found) === 'RUNNING') state.market.transition(found, 'stopped');
  return gqlPod(state, found);
}

function podTerminate({ input }: Args<PodInput>, state: RunpodState) {
  state.market.transition(podFrom(state, input, 'pod not found to terminate'), 'gone');
  return null;
}

/** The root value graphql-js executes against: one resolver per Query and Mutation field, called with (args, state). */
export const RUNPOD_RESOLVERS = {
  myself,
  pod,
  gpuTypes,
  countryCodes: () => [...new Set(RUNPOD_DATA_CENTERS.map((centre) => centre.countryCode))],
  dataCenters,
  podFindAndDeployOnDemand: ({ input }: Args<DeployInput>, state: RunpodState) => deployFromGraphql(state, input, false),
  podRentInterruptable: ({ input }: Args<DeployInput>, state: RunpodState) => deployFromGraphql(state, input, true),
  podStop,
  podResume: ({ input }: Args<PodInput>, state: RunpodState) => resume(state, input),
  podBidResume: ({ input }: Args<PodInput>, state: RunpodState) => resume(state, input),
  podTerminate,
};
