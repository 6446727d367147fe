// RunPod's face (docs/providers.md §2): GraphQL at /graphql (see runpod-graphql.ts) and REST v2 at /v2
// (wrapped lists, RFC 9457 errors, observed `status`, 409 on a wrong action, the per-user quota in
// RateLimit headers; catalogue in runpod-catalog.ts, templates/keys/billing/logs in runpod-v2.ts).
import { bindRoutes, isRecord, numberFrom, type Answer, type Face, type RequestContext, type Route, type RouteOf } from './http.ts';
import type { FaultRegistry } from './faults.ts';
import { gpuMetrics, type SimInstance } from './lifecycle.ts';
import type { Market } from './market.ts';
import { createRunpodCatalog } from './runpod-catalog.ts';
import { createRunpodPods, type CudaFilter, type RunpodPods } from './runpod-pods.ts';
import { createRunpodGraphql } from './runpod-graphql.ts';
import { createRunpodQuota, type RunpodQuota } from './runpod-quota.ts';
import { createPodProblem, createRunpodV2Routes, problem } from './runpod-v2.ts';
import type { SimEndpoint, SimFault } from './types.ts';

const STATUS_TITLES: Record<number, string> = { 402: 'Payment Required', 404: 'Not Found', 422: 'Unprocessable Entity' };

/** What the v2 pod routes work on: the market and RunPod's pods over it. */
interface RunpodState {
  market: Market;
  pods: RunpodPods;
}

function v2Status(instance: SimInstance): string {
  return { pending: 'PROVISIONING', created: 'PROVISIONING', loading: 'STARTING', running: 'RUNNING', rebooting: 'STARTING', stopping: 'EXITED', stopped: 'EXITED', outbid: 'EXITED', crashed: 'ERROR', terminating: 'TERMINATED', terminated: 'TERMINATED', gone: 'TERMINATED' }[instance.phase];
}

function v2Actions(status: string): string[] {
  if (status === 'RUNNING') return ['stop', 'restart', 'terminate'];
  if (status === 'EXITED' || status === 'ERROR') return ['start', 'terminate'];
  return ['stop', 'terminate'];
}

function v2Pod({ now, podPorts, gpuIds }: RunpodPods, instance: SimInstance): Record<string, unknown> {
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

function v2Create({ pods }: RunpodState, context: RequestContext): Answer {
  const { deploy, parsePorts, templates } = pods;
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
  const result = deploy({
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
  return { status: 201, json: v2Pod(pods, result) };
}

/** A v2 handler for the pod named in the path; a 404 problem when there is none. */
function withPod(handle: (pod: SimInstance, state: RunpodState, context: RequestContext) => Answer): RouteOf<RunpodState>['handle'] {
  return (state, context) => {
    const pod = state.market.find('runpod', context.params.id!);
    return pod ? handle(pod, state, context) : problem(404, 'Not Found', `pod ${context.params.id} not found`);
  };
}

function v2Action(pod: SimInstance, { market, pods }: RunpodState, context: RequestContext): Answer {
  const action = isRecord(context.body) ? context.body.action : undefined;
  const status = v2Status(pod);
  if (typeof action !== 'string' || !['start', 'stop', 'restart', 'terminate'].includes(action)) return problem(422, 'Unprocessable Entity', 'action must be one of start, stop, restart, terminate');
  if (!v2Actions(status).includes(action)) return problem(409, 'Conflict', `cannot ${action} a pod in status ${status}; allowed: ${v2Actions(status).join(', ')}`);
  if (action === 'terminate') {
    market.transition(pod, 'gone');
    return { status: 204 };
  }
  market.transition(pod, action === 'stop' ? 'stopped' : action === 'start' ? 'loading' : 'rebooting');
  return { status: 200, json: v2Pod(pods, pod) };
}

/** POST /v2/pods/{id}/action is a start, stop, restart or destroy by its body. */
function actionEndpoint(context: RequestContext): SimEndpoint {
  const action = isRecord(context.body) ? context.body.action : undefined;
  return action === 'start' ? 'start' : action === 'stop' ? 'stop' : action === 'restart' ? 'restart' : action === 'terminate' ? 'destroy' : 'other';
}

const POD_ROUTES: RouteOf<RunpodState>[] = [
  { method: 'GET', path: '/v2/pods', endpoint: 'list', handle: ({ market, pods }) => ({ status: 200, json: { pods: market.list('runpod').map((pod) => v2Pod(pods, pod)) } }) },
  { method: 'POST', path: '/v2/pods', endpoint: 'create', handle: v2Create },
  { method: 'GET', path: '/v2/pods/:id', endpoint: 'get', handle: withPod((pod, { pods }) => ({ status: 200, json: v2Pod(pods, pod) })) },
  {
    method: 'PATCH',
    path: '/v2/pods/:id',
    endpoint: 'other',
    handle: withPod((pod, { pods }, context) => {
      if (isRecord(context.body) && typeof context.body.name === 'string') pod.name = context.body.name;
      return { status: 200, json: v2Pod(pods, pod) };
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
];

/** Every v2 call counts against the caller's quota; past it the answer is 429, and every answer carries the quota. */
function metered(quota: RunpodQuota, route: Route): Route {
  return {
    ...route,
    async handle(context) {
      const verdict = quota.take(context.apiKey ?? '');
      if (!verdict.allowed) {
        const refused = problem(429, 'Too Many Requests', `rate limit exceeded for the ${verdict.window} window`);
        return { ...refused, headers: { ...refused.headers, ...verdict.headers, 'retry-after': String(verdict.retryAfterSeconds) } };
      }
      const answer = await route.handle(context);
      return { ...answer, headers: { ...answer.headers, ...verdict.headers } };
    },
  };
}

const authError = (context: RequestContext): Answer =>
  context.path.startsWith('/v2') ? problem(401, 'Unauthorized', 'missing or invalid API key: send Authorization: Bearer <key>') : { status: 401, json: { errors: [{ message: 'Unauthorized', extensions: { code: 'UNAUTHENTICATED' } }] } };

function faultAnswer(quota: RunpodQuota, fault: SimFault, context: RequestContext): Answer {
  const retry: Record<string, string> = fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
  const rest = context.path.startsWith('/v2');
  if (fault.kind === 'auth') return authError(context);
  if (fault.kind === 'rateLimit' && rest) {
    // REST v2 always says how long to wait, in Retry-After and in the exhausted window's t.
    const seconds = fault.retryAfterSeconds ?? 12;
    const refused = problem(429, 'Too Many Requests', 'rate limit exceeded for the minute window');
    return { ...refused, headers: { ...refused.headers, ...quota.exhaustedHeaders(context.apiKey ?? '', seconds), 'retry-after': String(seconds) } };
  }
  if (fault.kind === 'rateLimit') {
    return { status: 429, json: { errors: [{ message: 'Too many requests, please slow down.', extensions: { code: 'RATE_LIMITED' } }] }, headers: retry };
  }
  const status = fault.status ?? 500;
  return rest ? problem(status, status === 503 ? 'Service Unavailable' : 'Internal Server Error', 'the server failed to handle the request; retry later') : { status, json: { errors: [{ message: 'Something went wrong. Please try again later.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] } };
}

export function runpodFace(market: Market, faults: FaultRegistry): Face {
  const pods = createRunpodPods(market, faults);
  const graphql = createRunpodGraphql(market, pods);
  const catalog = createRunpodCatalog(market, pods);
  const quota = createRunpodQuota(pods.now);
  const graphqlRoute = { path: '/graphql', endpoint: 'other', handle: graphql.handle, classify: graphql.classify } as const;
  const v2 = [...bindRoutes({ market, pods }, POD_ROUTES), ...catalog.routes, ...createRunpodV2Routes(market, pods, catalog.byId)];
  return {
    provider: 'runpod',
    routes: [{ method: 'POST', ...graphqlRoute }, { method: 'GET', ...graphqlRoute }, ...v2.map((route) => metered(quota, route))],
    keyFrom: (context) => (context.path === '/graphql' ? (context.query.get('api_key') ?? undefined) : undefined),
    authError,
    notFound: (context) => problem(404, 'Not Found', `no route ${context.method} ${context.path}`),
    faultAnswer: (fault, context) => faultAnswer(quota, fault, context),
  };
}
