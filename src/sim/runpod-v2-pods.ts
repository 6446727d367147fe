// RunPod's REST v2 pods (https://api.runpod.io/v2/openapi.json, Pods): wrapped lists, the observed
// `status` with the actions it allows (409 on a wrong one), creates checked by runpod-v2-rules.ts, and
// the pod's log as a server-sent event stream.
import { isRecord, numberFrom, type Answer, type RequestContext, type RouteOf } from './http.ts';
import { gpuMetrics, type SimInstance } from './lifecycle.ts';
import type { CudaFilter } from './runpod-hosts.ts';
import { deploy, gpuIds, parsePorts, podPorts, type RunpodState } from './runpod-pods.ts';
import { createPodProblem, invalid, problem } from './runpod-v2-rules.ts';
import type { SimEndpoint } from './types.ts';

const STATUS_TITLES: Record<number, string> = { 402: 'Payment Required', 404: 'Not Found', 422: 'Unprocessable Entity' };

function v2Status(instance: SimInstance): string {
  return { pending: 'PROVISIONING', created: 'PROVISIONING', loading: 'STARTING', running: 'RUNNING', rebooting: 'STARTING', stopping: 'EXITED', stopped: 'EXITED', outbid: 'EXITED', crashed: 'ERROR', terminating: 'TERMINATED', terminated: 'TERMINATED', gone: 'TERMINATED' }[instance.phase];
}

function v2Actions(status: string): string[] {
  if (status === 'RUNNING') return ['stop', 'restart', 'terminate'];
  if (status === 'EXITED' || status === 'ERROR') return ['start', 'terminate'];
  return ['stop', 'terminate'];
}

function v2Pod({ market }: RunpodState, instance: SimInstance): Record<string, unknown> {
  const now = () => market.clock.now();
  const status = v2Status(instance);
  const running = status === 'RUNNING';
  const details = instance.details;
  const direct = running && instance.ports.some((entry) => entry.port === 22 && entry.protocol === 'tcp');
  const podHostId = `${instance.id}-${instance.key % 100_000_000}`;
  const metrics = running ? gpuMetrics(instance, now()) : undefined;
  return {
    id: instance.id,
    name: instance.name,
    status,
    actions: v2Actions(status),
    image: instance.image,
    args: instance.startScript ?? null,
    disk: details.containerDiskInGb,
    mounts: details.volumeInGb ? { persistent: { size: details.volumeInGb, path: details.volumeMountPath } } : {},
    ports: instance.ports.map((entry) => `${entry.port}/${entry.protocol}`),
    env: instance.env,
    registry: null,
    gpu: { id: details.gpuTypeId, count: instance.gpuCount, vcpuCount: details.vcpuCount, memory: details.memoryInGb },
    cloud: details.cloud,
    dataCenterId: details.dataCenterId,
    cudaVersion: details.cudaVersion,
    ssh: {
      proxy: running ? { host: 'ssh.runpod.io', port: 22, username: podHostId, command: `ssh ${podHostId}@ssh.runpod.io` } : null,
      direct: direct ? { host: instance.ip, port: instance.publicPorts[22], username: 'root', command: `ssh root@${instance.ip} -p ${instance.publicPorts[22]}` } : null,
    },
    cluster: null,
    // A template is a one-time source of settings: the pod keeps no link to it.
    template: null,
    cost: status === 'EXITED' || status === 'TERMINATED' ? 0 : instance.details.gpuCostPerHr,
    locked: false,
    globalNetworking: { enabled: false, ip: null, internalDns: null },
    runtime: metrics
      ? {
          uptime: Math.floor((now() - (instance.runningSince ?? now())) / 1000),
          gpus: gpuIds(instance).map((_, index) => {
            const perGpu = gpuMetrics(instance, now(), index);
            return { util: perGpu.util, memoryUtil: perGpu.memoryUtil };
          }),
          cpu: { util: metrics.cpuUtil },
          memory: { util: metrics.memUtil },
          ports: podPorts(instance).map((entry) => ({ private: entry.privatePort, public: entry.publicPort, type: entry.type, ip: entry.ip })),
        }
      : null,
    createdAt: new Date(instance.createdAt).toISOString(),
    startedAt: instance.runningSince !== undefined ? new Date(instance.runningSince).toISOString() : null,
  };
}

function v2Create(state: RunpodState, context: RequestContext): Answer {
  const { templates } = state;
  const refused = createPodProblem(context.body, templates);
  if (refused) return refused;
  const given = context.body as Record<string, unknown>;
  // A template supplies what the body leaves out; a field the body gives replaces the template's.
  const template = typeof given.templateId === 'string' ? templates.get(given.templateId) : undefined;
  const body: Record<string, unknown> = { ...(template && { image: template.image, args: template.args, disk: template.disk, ports: template.ports, mounts: template.mounts }), ...given };
  if (body.cpu !== undefined) return problem(400, 'Bad Request', 'CPU pods are not offered by this simulated market; ask for a gpu');
  const gpu = body.gpu as Record<string, unknown>;
  const ports = parsePorts(body.ports ?? []);
  if (typeof ports === 'string') return problem(422, 'Unprocessable Entity', ports);
  const persistent = isRecord(body.mounts) && isRecord(body.mounts.persistent) ? body.mounts.persistent : undefined;
  const cuda: CudaFilter = {
    ...(Array.isArray(gpu.allowedCudaVersions) && { allowedCudaVersions: gpu.allowedCudaVersions as string[] }),
    ...(typeof gpu.minCudaVersion === 'string' && { minCudaVersion: gpu.minCudaVersion }),
    ...(typeof gpu.minRamPerGpu === 'number' && { minRamPerGpu: gpu.minRamPerGpu }),
    ...(typeof gpu.minVcpuCountPerGpu === 'number' && { minVcpuCountPerGpu: gpu.minVcpuCountPerGpu }),
  };
  const result = deploy(state, {
    name: body.name as string,
    ...(typeof body.image === 'string' ? { image: body.image } : {}),
    ...(typeof body.templateId === 'string' ? { templateId: body.templateId } : {}),
    gpuTypeId: gpu.id,
    gpuCount: numberFrom(gpu.count) ?? 1,
    cloud: typeof body.cloud === 'string' ? body.cloud : 'SECURE',
    ...(Array.isArray(body.dataCenterIds) ? { dataCenterIds: body.dataCenterIds.map(String) } : {}),
    containerDiskInGb: numberFrom(body.disk) ?? 50,
    volumeInGb: numberFrom(persistent?.size) ?? 0,
    volumeMountPath: typeof persistent?.path === 'string' ? persistent.path : '/workspace',
    ports,
    env: { ...(body.env as Record<string, string> | undefined) },
    command: typeof body.args === 'string' && body.args ? { args: body.args } : {},
    cuda,
    startSsh: body.startSsh === true,
    startJupyter: body.startJupyter === true,
  });
  if ('failed' in result) return problem(result.status, STATUS_TITLES[result.status] ?? 'Bad Request', result.message);
  return { status: 201, json: v2Pod(state, result) };
}

/** A v2 handler for the pod named in the path; a 404 problem when there is none. */
function withPod(handle: (pod: SimInstance, state: RunpodState, context: RequestContext) => Answer): RouteOf<RunpodState>['handle'] {
  return (state, context) => {
    const pod = state.market.find('runpod', context.params.id!);
    return pod ? handle(pod, state, context) : problem(404, 'Not Found', `pod ${context.params.id} not found`);
  };
}

function v2Action(pod: SimInstance, state: RunpodState, context: RequestContext): Answer {
  const { market } = state;
  const action = isRecord(context.body) ? context.body.action : undefined;
  const status = v2Status(pod);
  if (typeof action !== 'string' || !['start', 'stop', 'restart', 'terminate'].includes(action)) return problem(422, 'Unprocessable Entity', 'action must be one of start, stop, restart, terminate');
  if (!v2Actions(status).includes(action)) return problem(409, 'Conflict', `cannot ${action} a pod in status ${status}; allowed: ${v2Actions(status).join(', ')}`);
  if (action === 'terminate') {
    market.transition(pod, 'gone');
    return { status: 204 };
  }
  market.transition(pod, action === 'stop' ? 'stopped' : action === 'start' ? 'loading' : 'rebooting');
  return { status: 200, json: v2Pod(state, pod) };
}

/** POST /v2/pods/{id}/action is a start, stop, restart or destroy by its body. */
function actionEndpoint(context: RequestContext): SimEndpoint {
  const action = isRecord(context.body) ? context.body.action : undefined;
  return action === 'start' ? 'start' : action === 'stop' ? 'stop' : action === 'restart' ? 'restart' : action === 'terminate' ? 'destroy' : 'other';
}

/** The pod's log as a server-sent event stream, filtered by `source` and cut to the last `tail` lines. */
function podLogs(pod: SimInstance, _state: RunpodState, context: RequestContext): Answer {
  const source = context.query.get('source');
  if (source !== null && source !== 'container' && source !== 'system') return invalid('Request validation failed.', ["query.source: value must be one of 'container', 'system'"]);
  const tail = context.query.has('tail') ? Number(context.query.get('tail')) : 100;
  if (!Number.isInteger(tail) || tail < 0 || tail > 5000) return invalid('Request validation failed.', ['query.tail: must be an integer from 0 to 5000']);
  const all = podLogLines(pod).filter((line) => !source || line.source === source);
  const lines = tail === 0 ? [] : all.slice(-tail);
  const text = lines.map((line, index) => `id: ${line.ts}/${String(index + 1).padStart(12, '0')}\ndata: ${JSON.stringify(line)}\n\n`).join('');
  return { status: 200, text, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' } };
}

/** The log a pod has written so far: the host's lifecycle on `system`, the container's start on `container`. */
function podLogLines(pod: SimInstance): { ts: string; source: 'container' | 'system'; line: string }[] {
  const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const lines: { ts: string; source: 'container' | 'system'; line: string }[] = [
    { ts: at(pod.createdAt), source: 'system', line: `create pod ${pod.id} on machine ${pod.machineId}` },
    { ts: at(pod.createdAt), source: 'system', line: `pulling image ${pod.image ?? ''}` },
  ];
  if (pod.runningSince !== undefined) {
    lines.push({ ts: at(pod.runningSince), source: 'system', line: 'start container' });
    lines.push({ ts: at(pod.runningSince), source: 'container', line: pod.startScript ? `running: ${pod.startScript.split('\n')[0]!.slice(0, 200)}` : 'container started' });
  }
  if (pod.phase === 'crashed') lines.push({ ts: at(pod.phaseSince), source: 'container', line: 'container exited with code 1' });
  if (['stopped', 'outbid'].includes(pod.phase)) lines.push({ ts: at(pod.phaseSince), source: 'system', line: 'stop container' });
  return lines;
}

export const POD_ROUTES: RouteOf<RunpodState>[] = [
  { method: 'GET', path: '/v2/pods', endpoint: 'list', handle: (state) => ({ status: 200, json: { pods: state.market.list('runpod').map((pod) => v2Pod(state, pod)) } }) },
  { method: 'POST', path: '/v2/pods', endpoint: 'create', handle: v2Create },
  { method: 'GET', path: '/v2/pods/:id', endpoint: 'get', handle: withPod((pod, state) => ({ status: 200, json: v2Pod(state, pod) })) },
  {
    method: 'PATCH',
    path: '/v2/pods/:id',
    endpoint: 'other',
    handle: withPod((pod, state, context) => {
      if (isRecord(context.body) && typeof context.body.name === 'string') pod.name = context.body.name;
      return { status: 200, json: v2Pod(state, pod) };
    }),
  },
  { method: 'POST', path: '/v2/pods/:id/action', endpoint: actionEndpoint, handle: withPod(v2Action) },
  {
    method: 'DELETE',
    path: '/v2/pods/:id',
    endpoint: 'destroy',
    handle: withPod((pod, { market }) => {
      market.transition(pod, 'gone');
      return { status: 204 };
    }),
  },
  { method: 'GET', path: '/v2/pods/:id/logs', endpoint: 'other', handle: withPod(podLogs) },
];
