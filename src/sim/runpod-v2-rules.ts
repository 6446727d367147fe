// The rules RunPod's REST v2 enforces on a body before it acts (schema:
// https://api.runpod.io/v2/openapi.json), and its RFC 9457 error bodies: schema violations are 422s
// whose `errors` are validator strings, handler rules are 400s.
import { isRecord, type Answer } from './http.ts';
import { CUDA_VERSION } from './runpod-hosts.ts';
import type { RunpodTemplate } from './runpod-pods.ts';

/** RFC 9457 problem body; the face adds the RateLimit headers. */
export const problem = (status: number, title: string, detail: string, errors?: string[]): Answer => ({
  status,
  json: { title, status, detail, ...(errors ? { errors } : {}) },
  headers: { 'content-type': 'application/problem+json' },
});

export const invalid = (detail: string, errors: string[]) => problem(422, 'Unprocessable Entity', detail, errors);
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

export function templateProblem(body: unknown, creating: boolean): Answer | undefined {
  if (!isRecord(body)) return invalid('Request validation failed.', ['$: expected object']);
  const errors = [...unknownFields('$', body, TEMPLATE_FIELDS), ...containerProblems(body), ...mountProblems(body.mounts, false)];
  if (creating && (typeof body.name !== 'string' || !body.name)) errors.push("$: missing property 'name'");
  if (creating && typeof body.image !== 'string') errors.push("$: missing property 'image'");
  if (body.category !== undefined && !['CPU', 'NVIDIA', 'AMD'].includes(body.category as string)) errors.push("$.category: value must be one of 'CPU', 'NVIDIA', 'AMD'");
  return errors.length ? invalid('Request validation failed.', errors) : undefined;
}

const OPENSSH_PUBLIC_KEY = /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp\d+|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/]+={0,3}( .*)?$/;

/** Why RunPod would refuse a PUT /v2/account/ssh-keys body ({"keys": [OpenSSH public key lines]}), or undefined. */
export function sshKeysProblem(body: unknown): Answer | undefined {
  if (!isRecord(body)) return invalid('Request validation failed.', ['$: expected object']);
  const errors = unknownFields('$', body, ['keys']);
  if (!Array.isArray(body.keys)) errors.push("$: missing property 'keys'");
  else body.keys.forEach((key, index) => {
    if (typeof key !== 'string' || !OPENSSH_PUBLIC_KEY.test(key.trim())) errors.push(`$.keys[${index}]: expected an OpenSSH public key line such as "ssh-ed25519 AAAA... you@host"`);
  });
  return errors.length ? invalid('Request validation failed.', errors) : undefined;
}
