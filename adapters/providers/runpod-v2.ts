// RunPod REST v2 pod creation (https://docs.runpod.io/api-reference-v2/pods/create-a-pod), used for
// on-demand pods. v2 has no entrypoint field (unknown fields are a 422): the start command `args`
// takes RunPod's JSON form {"cmd":[…],"entrypoint":[…]}, which replaces the image's ENTRYPOINT, so our
// start script runs whatever the image sets (vLLM's and code-server's images start their own
// program). docs/providers.md §2.3.
import type { Instance } from '#domain/instance.ts';
import { asObject, num, str } from './common.ts';
import { parseRunpodPod, RUNPOD_CONTAINER_DISK_GB, type parseRunpodOfferId } from './runpod-parse.ts';
import type { LaunchSpec } from './types.ts';

type RunpodOffer = NonNullable<ReturnType<typeof parseRunpodOfferId>>;

/** The `POST /v2/pods` body: the GPU nested, ports a list, env an object, the disk a persistent volume at /workspace. */
export function runpodV2CreateBody(spec: LaunchSpec, offer: RunpodOffer, ports: string[], env: Record<string, string>): Record<string, unknown> {
  return {
    name: spec.name,
    image: spec.image,
    gpu: {
      id: offer.gpuTypeId,
      count: spec.gpuCount,
      // RunPod picks the host at create: only one whose driver runs the image's CUDA build will do.
      ...(spec.minCudaVersion !== undefined && { minCudaVersion: spec.minCudaVersion.toFixed(1) }),
    },
    cloud: offer.cloud,
    ...(offer.dataCenterId && { dataCenterIds: [offer.dataCenterId] }),
    disk: RUNPOD_CONTAINER_DISK_GB,
    // The requested disk survives stop/start as a volume; the container disk is wiped on stop.
    mounts: { persistent: { size: spec.diskGb, path: '/workspace' } },
    ports,
    env,
    startSsh: true,
    // The JSON form's lists go to the container as they are (no shell splitting), so a multi-line script stays whole.
    ...(spec.startScript && { args: JSON.stringify({ cmd: [spec.startScript], entrypoint: ['bash', '-c'] }) }),
  };
}

/** The pod v2 answers with, read through the GraphQL pod reader (it is provisioning: no runtime yet). */
export function parseRunpodV2Pod(raw: unknown, context: { fetchedAt: string; simulated: boolean }): Instance | undefined {
  const pod = asObject(raw);
  const gpu = asObject(pod.gpu);
  const persistent = asObject(asObject(pod.mounts).persistent);
  const status = str(pod.status) ?? 'PROVISIONING';
  return parseRunpodPod(
    {
      id: pod.id,
      name: pod.name,
      // v2 reports what it observes; STARTING is GraphQL's RUNNING without a runtime yet.
      desiredStatus: status === 'STARTING' ? 'RUNNING' : status,
      imageName: pod.image,
      gpuCount: gpu.count,
      costPerHr: num(pod.cost),
      containerDiskInGb: pod.disk,
      volumeInGb: num(persistent.size) ?? 0,
      podType: 'RESERVED',
      machine: { gpuTypeId: gpu.id },
      runtime: null,
    },
    context,
  );
}
