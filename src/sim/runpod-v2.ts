// RunPod REST v2 beyond the pod lifecycle, as its own clients call it (runpod-python, the RunPod MCP
// server; schema: https://api.runpod.io/v2/openapi.json): templates, catalog lookups by id, the
// account's SSH keys, billing (runpod-billing.ts) and pod logs, plus the create-body rules RunPod
// enforces before scheduling anything. Errors are RFC 9457 bodies whose `errors` are validator strings.
import { isRecord, type Answer, type RequestContext, type Route } from './http.ts';
import type { SimInstance } from './lifecycle.ts';
import type { Market } from './market.ts';
import { CUDA_VERSION, type RunpodPods, type RunpodTemplate } from './runpod-pods.ts';
import { alnumId, createRandom, hashString } from './random.ts';
import { runpodBilling } from './runpod-billing.ts';

/** RFC 9457 problem body; the face adds the RateLimit headers. */
export const problem = (status: number, title: string, detail: string, errors?: string[]): Answer => ({
  status,
  json: { title, status, detail, ...(errors ? { errors } : {}) },
  headers: { 'content-type': 'application/problem+json' },
});

const invalid = (detail: string, errors: string[]) => problem(422, 'Unprocessable Entity', detail, errors);
const unknownFields = (where: string, body: Record<string, unknown>, allowed: readonly string[]) =>
  Object.keys(body).filter((key) => !allowed.includes(key)).map((key) => `${where}: additional properties '${key}' not allowed`);

const CONTAINER_FIELDS = ['image', 'args', 'disk', 'ports', 'env', 'registry'] as const;
// The v2 schema has no `entrypoint`/`cmd` (REST v1's dockerEntrypoint/dockerStartCmd): sending them is a 422.
const CREATE_POD_FIELDS = [...CONTAINER_FIELDS, 'name', 'mounts', 'gpu', 'cpu', 'cloud', 'dataCenterIds', 'globalNetworking', 'startSsh', 'startJupyter', 'templateId'];
const GPU_FIELDS = ['id', 'count', 'allowedCudaVersions', 'minCudaVersion', 'minRamPerGpu', 'minVcpuCountPerGpu'];
const TEMPLATE_FIELDS = [...CONTAINER_FIELDS, 'name', 'mounts', 'serverless', 'public', 'category'];

/** The container fields shared by pods and templates: ports a list, env an object, disk a positive integer. */
function containerProblems(body: Record<string, unknown>): string[] {
  const errors: string[] = [];
  if (body.ports !== undefined && !(Array.isArray(body.ports) && body.ports.every((port) => typeof port === 'string'))) errors.push('$.ports: expected array of strings, e.g. ["8888/http","22/tcp"]');
  if (body.env !== undefined && !(isRecord(body.env) && Object.values(body.env).every((value) => typeof value === 'string'))) errors.push('$.env: expected object of string values');
  if (body.disk !== undefined && !(Number.isInteger(body.disk) && (body.disk as number) >= 1)) errors.push('$.disk: must be an integer >= 1');
  if (body.image !== undefined && typeof body.image !== 'string') errors.push('$.image: expected string');
  if (body.args !== undefined && typeof body.args !== 'string') errors.push('$.args: expected string');
  return errors;
}

/** Host-local persistent storage has a 10 GB floor (v2 PersistentMount: minimum 10). */
function mountProblems(mounts: unknown, allowNetwork: boolean): string[] {
  if (mounts === undefined) return [];
  if (!isRecord(mounts)) return ['$.mounts: expected object'];
  const errors = unknownFields('$.mounts', mounts, allowNetwork ? ['persistent', 'network'] : ['persistent']);
  const persistent = mounts.persistent;
  if (persistent !== undefined) {
    if (!isRecord(persistent)) return [...errors, '$.mounts.persistent: expected object'];
    errors.push(...unknownFields('$.mounts.persistent', persistent, ['size', 'path']));
    if (!Number.isInteger(persistent.size)) errors.push("$.mounts.persistent: missing property 'size'");
    else if ((persistent.size as number) < 10) errors.push(`$.mounts.persistent.size: must be >= 10 but found ${String(persistent.size)}`);
    if (typeof persistent.path !== 'string') errors.push("$.mounts.persistent: missing property 'path'");
  }
  return errors;
}

/**
 * Why RunPod would refuse a v2 create body before scheduling, or undefined: schema violations are
 * 422s (unknown fields anywhere, a volume under 10 GB, wrong types), handler rules are 400s (a
 * non-empty allowedCudaVersions with minCudaVersion, both mount kinds); an unknown templateId is a 404.
 */
export function createPodProblem(body: unknown, templates: ReadonlyMap<string, RunpodTemplate>): Answer | undefined {
  if (!isRecord(body)) return invalid('Request validation failed.', ['$: expected object']);
  const errors = [...unknownFields('$', body, CREATE_POD_FIELDS), ...containerProblems(body), ...mountProblems(body.mounts, true)];
  if (typeof body.name !== 'string' || !body.name) errors.push("$: missing property 'name'");
  if (body.image === undefined && body.templateId === undefined) errors.push("$: missing property 'image'");
  if (body.cloud !== undefined && body.cloud !== 'SECURE' && body.cloud !== 'COMMUNITY') errors.push("$.cloud: value must be one of 'SECURE', 'COMMUNITY'");
  const gpu = body.gpu;
  if (gpu !== undefined) {
    if (!isRecord(gpu)) errors.push('$.gpu: expected object');
    else {
      errors.push(...unknownFields('$.gpu', gpu, GPU_FIELDS));
      if (typeof gpu.id !== 'string') errors.push("$.gpu: missing property 'id'");
      for (const field of ['count', 'minRamPerGpu', 'minVcpuCountPerGpu']) {
        if (gpu[field] !== undefined && !(Number.isInteger(gpu[field]) && (gpu[field] as number) >= 1)) errors.push(`$.gpu.${field}: must be an integer >= 1`);
      }
      if (gpu.allowedCudaVersions !== undefined && !(Array.isArray(gpu.allowedCudaVersions) && gpu.allowedCudaVersions.every((version) => typeof version === 'string' && CUDA_VERSION.test(version)))) {
        errors.push('$.gpu.allowedCudaVersions: expected array of CUDA versions such as "12.8"');
      }
      if (gpu.minCudaVersion !== undefined && !(typeof gpu.minCudaVersion === 'string' && CUDA_VERSION.test(gpu.minCudaVersion))) errors.push('$.gpu.minCudaVersion: expected a CUDA version such as "12.8"');
    }
  }
  if (errors.length) return invalid('Request validation failed.', errors);
  if ((gpu === undefined) === (body.cpu === undefined)) return problem(400, 'Bad Request', 'exactly one of gpu or cpu must be set');
  // An explicit [] states no constraint, so only a non-empty list clashes with a floor.
  if (isRecord(gpu) && Array.isArray(gpu.allowedCudaVersions) && gpu.allowedCudaVersions.length > 0 && gpu.minCudaVersion !== undefined) {
    return problem(400, 'Bad Request', 'gpu.allowedCudaVersions and gpu.minCudaVersion are mutually exclusive; send one of them');
  }
  if (isRecord(body.mounts) && body.mounts.persistent !== undefined && body.mounts.network !== undefined) return problem(400, 'Bad Request', 'mounts.persistent and mounts.network are mutually exclusive');
  if (typeof body.templateId === 'string' && !templates.has(body.templateId)) return problem(404, 'Not Found', `template ${body.templateId} not found`);
  if (typeof body.templateId === 'string' && templates.get(body.templateId)!.serverless) return invalid('Request validation failed.', [`$.templateId: template ${body.templateId} is a serverless template`]);
  return undefined;
}

function templateProblem(body: unknown, creating: boolean): Answer | undefined {
  if (!isRecord(body)) return invalid('Request validation failed.', ['$: expected object']);
  const errors = [...unknownFields('$', body, TEMPLATE_FIELDS), ...containerProblems(body), ...mountProblems(body.mounts, false)];
  if (creating && (typeof body.name !== 'string' || !body.name)) errors.push("$: missing property 'name'");
  if (creating && typeof body.image !== 'string') errors.push("$: missing property 'image'");
  if (body.category !== undefined && !['CPU', 'NVIDIA', 'AMD'].includes(body.category as string)) errors.push("$.category: value must be one of 'CPU', 'NVIDIA', 'AMD'");
  return errors.length ? invalid('Request validation failed.', errors) : undefined;
}

const OPENSSH_PUBLIC_KEY = /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp\d+|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/]+={0,3}( .*)?$/;

/** Catalogue lookups by id, answered by the face that owns the catalogue (404 problem when unknown). */
export interface RunpodCatalogueById {
  gpu(id: string, context: RequestContext): Answer;
  dataCenter(id: string, context: RequestContext): Answer;
}

export function createRunpodV2Routes(market: Market, pods: RunpodPods, catalogue: RunpodCatalogueById): Route[] {
  const { templates, accountKeys } = pods;
  const random = createRandom(hashString(`runpod-templates-${market.seed}`));

  function templateView(template: RunpodTemplate) {
    return { ...template, mounts: template.mounts ?? {} };
  }

  function saveTemplate(id: string, body: Record<string, unknown>, previous?: RunpodTemplate): RunpodTemplate {
    const template: RunpodTemplate = {
      id,
      name: (body.name as string | undefined) ?? previous!.name,
      image: (body.image as string | undefined) ?? previous!.image,
      args: (body.args as string | undefined) ?? previous?.args ?? '',
      disk: (body.disk as number | undefined) ?? previous?.disk ?? 50,
      mounts: isRecord(body.mounts) && isRecord(body.mounts.persistent) ? { persistent: body.mounts.persistent as { size: number; path: string } } : (previous?.mounts ?? {}),
      ports: (body.ports as string[] | undefined) ?? previous?.ports ?? [],
      env: (body.env as Record<string, string> | undefined) ?? previous?.env ?? {},
      registry: (body.registry as string | null | undefined) ?? previous?.registry ?? null,
      serverless: (body.serverless as boolean | undefined) ?? previous?.serverless ?? false,
      public: (body.public as boolean | undefined) ?? previous?.public ?? false,
      category: (body.category as RunpodTemplate['category'] | undefined) ?? previous?.category ?? 'NVIDIA',
    };
    templates.set(id, template);
    return template;
  }

  const found = (what: string, id: string) => problem(404, 'Not Found', `${what} ${id} not found`);

  function logs(context: RequestContext): Answer {
    const pod = market.find('runpod', context.params.id!);
    if (!pod) return found('pod', context.params.id!);
    const source = context.query.get('source');
    if (source !== null && source !== 'container' && source !== 'system') return invalid('Request validation failed.', ["query.source: value must be one of 'container', 'system'"]);
    const tail = context.query.has('tail') ? Number(context.query.get('tail')) : 100;
    if (!Number.isInteger(tail) || tail < 0 || tail > 5000) return invalid('Request validation failed.', ['query.tail: must be an integer from 0 to 5000']);
    const all = podLogLines(pod).filter((line) => !source || line.source === source);
    const lines = tail === 0 ? [] : all.slice(-tail);
    const text = lines.map((line, index) => `id: ${line.ts}/${String(index + 1).padStart(12, '0')}\ndata: ${JSON.stringify(line)}\n\n`).join('');
    return { status: 200, text, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' } };
  }

  return [
    { method: 'GET', path: '/v2/templates', endpoint: 'other', handle: () => ({ status: 200, json: { templates: [...templates.values()].map(templateView) } }) },
    {
      method: 'POST',
      path: '/v2/templates',
      endpoint: 'other',
      handle: (context) => templateProblem(context.body, true) ?? { status: 201, json: templateView(saveTemplate(alnumId(random, 10), context.body as Record<string, unknown>)) },
    },
    { method: 'GET', path: '/v2/templates/:id', endpoint: 'other', handle: (context) => (templates.has(context.params.id!) ? { status: 200, json: templateView(templates.get(context.params.id!)!) } : found('template', context.params.id!)) },
    {
      method: 'PATCH',
      path: '/v2/templates/:id',
      endpoint: 'other',
      handle: (context) => {
        const previous = templates.get(context.params.id!);
        if (!previous) return found('template', context.params.id!);
        return templateProblem(context.body, false) ?? { status: 200, json: templateView(saveTemplate(previous.id, context.body as Record<string, unknown>, previous)) };
      },
    },
    { method: 'DELETE', path: '/v2/templates/:id', endpoint: 'other', handle: (context) => (templates.delete(context.params.id!) ? { status: 204 } : found('template', context.params.id!)) },
    {
      method: 'GET',
      path: '/v2/catalog/gpus/:id',
      endpoint: 'offers',
      anonymous: true,
      handle: (context) => catalogue.gpu(context.params.id!, context),
    },
    {
      method: 'GET',
      path: '/v2/catalog/datacenters/:id',
      endpoint: 'offers',
      anonymous: true,
      handle: (context) => catalogue.dataCenter(context.params.id!, context),
    },
    { method: 'GET', path: '/v2/account/ssh-keys', endpoint: 'sshKeys', handle: () => ({ status: 200, json: { keys: [...accountKeys] } }) },
    {
      method: 'PUT',
      path: '/v2/account/ssh-keys',
      endpoint: 'sshKeys',
      handle: (context) => {
        const body = context.body;
        if (!isRecord(body)) return invalid('Request validation failed.', ['$: expected object']);
        const errors = unknownFields('$', body, ['keys']);
        if (!Array.isArray(body.keys)) errors.push("$: missing property 'keys'");
        else body.keys.forEach((key, index) => {
          if (typeof key !== 'string' || !OPENSSH_PUBLIC_KEY.test(key.trim())) errors.push(`$.keys[${index}]: expected an OpenSSH public key line such as "ssh-ed25519 AAAA... you@host"`);
        });
        if (errors.length) return invalid('Request validation failed.', errors);
        // PUT replaces the whole list: that is how RunPod's API works (there is no call for one key).
        accountKeys.splice(0, accountKeys.length, ...(body.keys as string[]).map((key) => key.trim()));
        return { status: 200, json: { keys: [...accountKeys] } };
      },
    },
    { method: 'GET', path: '/v2/billing', endpoint: 'account', handle: (context) => runpodBilling(market, context) },
    { method: 'GET', path: '/v2/pods/:id/logs', endpoint: 'other', handle: logs },
  ];
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
