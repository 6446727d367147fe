// Lambda Cloud's face (docs/providers.md §3): {"data": ...} envelopes, {"error": {code, message, suggestion}},
// an instance-types object keyed by name, prices in cents, VMs with no stop.
import { generateKeyPairSync } from 'node:crypto';
import { bindRoutes, isRecord, type Answer, type Face, type RequestContext, type RouteOf } from './http.ts';
import type { FaultRegistry } from './faults.ts';
import type { SimInstance } from './lifecycle.ts';
import type { Market } from './market.ts';
import { LAMBDA_REGIONS, LAMBDA_TYPES, lambdaCents, lambdaRegionsWithCapacity, type LambdaType } from './cloud-catalogue.ts';
import type { SimFault } from './types.ts';

const error = (status: number, code: string, message: string, suggestion?: string): Answer => ({
  status,
  json: { error: { code, message, ...(suggestion ? { suggestion } : {}) } },
});

const LAUNCH_FIELDS = new Set(['region_name', 'instance_type_name', 'ssh_key_names', 'name', 'hostname', 'file_system_names', 'file_system_mounts', 'image', 'user_data', 'tags', 'firewall_rulesets', 'quantity']);

interface SshKey {
  id: string;
  name: string;
  public_key: string;
}

/** What one simulator's Lambda face keeps besides the market: the account's SSH keys. */
interface LambdaState {
  market: Market;
  faults: FaultRegistry;
  sshKeys: SshKey[];
}

const instanceMissing = (id: string | undefined) => error(404, 'global/object-does-not-exist', `Instance ${id} does not exist.`);

function typeJson(type: LambdaType, cents: number) {
  return { name: type.name, description: type.description, gpu_description: type.gpu_description, price_cents_per_hour: cents, specs: type.specs };
}

function status(instance: SimInstance): string {
  return { pending: 'booting', created: 'booting', loading: 'booting', running: 'active', rebooting: 'booting', stopping: 'active', stopped: 'active', outbid: 'preempted', crashed: 'unhealthy', terminating: 'terminating', terminated: 'terminated', gone: 'terminated' }[instance.phase];
}

function render(instance: SimInstance): Record<string, unknown> {
  const state = status(instance);
  const launched = state !== 'booting' || instance.phase === 'rebooting';
  const region = LAMBDA_REGIONS.find((candidate) => candidate.name === instance.details.region)!;
  const type = LAMBDA_TYPES.find((candidate) => candidate.name === instance.details.type)!;
  const action = (available: boolean, reason?: [string, string]) => ({ available, ...(available || !reason ? {} : { reason_code: reason[0], reason_description: reason[1] }) });
  const busy: [string, string] = state === 'terminating' || state === 'terminated' ? ['vm-is-terminating', 'The instance is terminating.'] : launched ? ['vm-action-in-progress', 'Another action is in progress.'] : ['vm-has-not-launched', 'The instance has not launched yet.'];
  const ready = state === 'active' || state === 'unhealthy';
  return {
    id: instance.id,
    name: instance.name || null,
    ip: launched && state !== 'terminated' ? instance.ip : null,
    private_ip: launched && state !== 'terminated' ? instance.privateIp : null,
    status: state,
    ssh_key_names: instance.details.sshKeyNames,
    file_system_names: [],
    file_system_mounts: [],
    region,
    instance_type: typeJson(type, instance.details.cents as number),
    hostname: `sim-${instance.ip.replace(/\./g, '-')}`,
    jupyter_token: `sim${instance.key.toString(16)}`,
    jupyter_url: ready ? `https://jupyter-sim-${instance.id.slice(0, 12)}.lambdaspaces.com/?token=sim${instance.key.toString(16)}` : null,
    tags: instance.details.tags,
    firewall_rulesets: [],
    actions: {
      migrate: action(false, ['vm-is-too-old', 'Migration is not offered for this instance.']),
      rebuild: action(ready, busy),
      restart: action(ready, busy),
      cold_reboot: action(ready, busy),
      terminate: action(state !== 'terminating' && state !== 'terminated', busy),
    },
  };
}

function launch({ market, faults, sshKeys }: LambdaState, context: RequestContext): Answer {
  if (!isRecord(context.body)) return error(400, 'global/invalid-parameters', 'Request body must be a JSON object.');
  const body = context.body;
  const unknown = Object.keys(body).find((key) => !LAUNCH_FIELDS.has(key));
  if (unknown) return error(400, 'global/invalid-parameters', `${unknown}: Extra inputs are not permitted`);
  if (body.quantity !== undefined && body.quantity !== 1) return error(400, 'global/invalid-parameters', Number(body.quantity) > 1 ? 'quantity: Input should be less than or equal to 1' : 'quantity: Input should be 1');
  const type = LAMBDA_TYPES.find((candidate) => candidate.name === body.instance_type_name);
  if (!type) return error(400, 'global/invalid-parameters', `Invalid instance type name: ${JSON.stringify(body.instance_type_name)}`, 'List valid names with GET /api/v1/instance-types.');
  const region = LAMBDA_REGIONS.find((candidate) => candidate.name === body.region_name);
  if (!region) return error(400, 'global/invalid-parameters', `Invalid region name: ${JSON.stringify(body.region_name)}`);
  const keyNames = body.ssh_key_names;
  if (!Array.isArray(keyNames) || keyNames.length !== 1) return error(400, 'global/invalid-parameters', 'ssh_key_names: must contain exactly one SSH key name');
  if (!sshKeys.some((key) => key.name === keyNames[0])) return error(400, 'global/invalid-parameters', `SSH key ${JSON.stringify(keyNames[0])} does not exist`, 'Add it with POST /api/v1/ssh-keys first.');
  if (body.name !== undefined && body.name !== null && typeof body.name !== 'string') return error(400, 'global/invalid-parameters', 'name: Input should be a valid string');
  if (typeof body.name === 'string' && body.name.length > 64) return error(400, 'global/invalid-parameters', 'name: String should have at most 64 characters');
  // user_data is cloud-init as plain text, at most 1 MB (docs/providers.md §3.3) — not an object.
  if (body.user_data !== undefined && body.user_data !== null && typeof body.user_data !== 'string') return error(400, 'global/invalid-parameters', 'user_data: Input should be a valid string');
  if (typeof body.user_data === 'string' && Buffer.byteLength(body.user_data, 'utf8') > 1_048_576) return error(400, 'global/invalid-parameters', 'user_data: must be at most 1 MB');
  const fault = faults.takeCreateFault('lambda');
  const hasCapacity = lambdaRegionsWithCapacity(market.seed, type, market.clock.now()).some((candidate) => candidate.name === region.name);
  if (!hasCapacity || fault?.kind === 'noCapacity') {
    return error(400, 'instance-operations/launch/insufficient-capacity', 'Not enough capacity to fulfill launch request.', 'Choose an instance type with more availability, or try again later.');
  }
  const cents = lambdaCents(market.seed, type, market.clock.now());
  const instance = market.add('lambda', {
    provider: 'lambda',
    name: typeof body.name === 'string' ? body.name : '',
    gpuName: type.gpu_description,
    gpuCount: type.specs.gpus,
    vramGb: type.gpu.vramGb,
    computePerHour: cents / 100,
    storagePerHour: 0,
    interruptible: false,
    image: isRecord(body.image) ? String(body.image.id ?? body.image.family ?? 'lambda-stack') : 'lambda-stack-24-04',
    env: {},
    ports: [{ port: 22, protocol: 'tcp' }],
    ...(typeof body.user_data === 'string' ? { startScript: body.user_data } : {}),
    diskGb: type.specs.storage_gib,
    machineId: `sim-${region.name}-${type.name}`,
    crashWhenRunning: fault?.kind === 'crash',
    details: { region: region.name, type: type.name, cents, sshKeyNames: keyNames, tags: Array.isArray(body.tags) ? body.tags : [] },
  });
  return { status: 200, json: { data: { instance_ids: [instance.id] } } };
}

function idsFrom(market: Market, context: RequestContext): string[] | Answer {
  const ids = isRecord(context.body) ? context.body.instance_ids : undefined;
  if (!Array.isArray(ids) || !ids.length || !ids.every((id) => typeof id === 'string')) return error(400, 'global/invalid-parameters', 'instance_ids: must be a non-empty list of instance ids');
  const missing = ids.find((id) => !market.find('lambda', id));
  if (missing) return instanceMissing(missing);
  return ids;
}

function restart({ market }: LambdaState, context: RequestContext): Answer {
  const ids = idsFrom(market, context);
  if (!Array.isArray(ids)) return ids;
  const instances = ids.map((id) => market.find('lambda', id)!);
  const blocked = instances.find((instance) => !['active', 'unhealthy'].includes(status(instance)));
  if (blocked) return error(400, 'global/invalid-parameters', `Instance ${blocked.id} cannot be restarted while ${status(blocked)}.`);
  for (const instance of instances) market.transition(instance, 'rebooting');
  return { status: 200, json: { data: { restarted_instances: instances.map(render) } } };
}

function terminate({ market }: LambdaState, context: RequestContext): Answer {
  const ids = idsFrom(market, context);
  if (!Array.isArray(ids)) return ids;
  const instances = ids.map((id) => market.find('lambda', id)!);
  const ended = instances.find((instance) => instance.phase === 'terminated');
  if (ended) return instanceMissing(ended.id);
  // Terminating an instance that is already terminating has answered global/unknown (skypilot).
  if (instances.some((instance) => instance.phase === 'terminating')) return error(500, 'global/unknown', 'An unknown error occurred.');
  for (const instance of instances) market.transition(instance, 'terminating');
  return { status: 200, json: { data: { terminated_instances: instances.map(render) } } };
}


function instanceTypes({ market }: LambdaState): Answer {
  const now = market.clock.now();
  const data = Object.fromEntries(LAMBDA_TYPES.map((type) => [type.name, { instance_type: typeJson(type, lambdaCents(market.seed, type, now)), regions_with_capacity_available: lambdaRegionsWithCapacity(market.seed, type, now) }]));
  return { status: 200, json: { data } };
}

const images = (): Answer => ({
  status: 200,
  json: { data: LAMBDA_REGIONS.map((region, index) => ({ id: `sim-image-${index}`, name: 'Lambda Stack 24.04', family: 'lambda-stack-24-04', version: '24.04.1', architecture: 'x86_64', region, created_time: '2026-01-01T00:00:00Z', updated_time: '2026-01-01T00:00:00Z', description: 'Simulated Lambda Stack image' })) },
});

function rename({ market }: LambdaState, context: RequestContext): Answer {
  const instance = market.find('lambda', context.params.id!);
  if (!instance) return instanceMissing(context.params.id);
  if (isRecord(context.body) && typeof context.body.name === 'string') instance.name = context.body.name;
  return { status: 200, json: { data: render(instance) } };
}

function addSshKey({ market, sshKeys }: LambdaState, context: RequestContext): Answer {
  const body = isRecord(context.body) ? context.body : {};
  if (typeof body.name !== 'string' || !body.name) return error(400, 'global/invalid-parameters', 'name: Field required');
  if (sshKeys.some((key) => key.name === body.name)) return error(409, 'global/duplicate', `An SSH key named ${JSON.stringify(body.name)} already exists.`);
  if (body.public_key !== undefined && (typeof body.public_key !== 'string' || !/^(ssh-|ecdsa-)/.test(body.public_key))) return error(400, 'global/invalid-parameters', 'public_key: not a valid OpenSSH public key');
  const id = market.newId('lambda');
  const generated = body.public_key === undefined;
  const pair = generated ? generateSshKeyPair() : undefined;
  const key = { id, name: body.name, public_key: pair ? pair.publicKey : (body.public_key as string) };
  sshKeys.push(key);
  return { status: 200, json: { data: { ...key, ...(pair ? { private_key: pair.privateKey } : {}) } } };
}

function deleteSshKey({ sshKeys }: LambdaState, context: RequestContext): Answer {
  const index = sshKeys.findIndex((key) => key.id === context.params.id);
  if (index < 0) return error(404, 'global/object-does-not-exist', `SSH key ${context.params.id} does not exist.`);
  sshKeys.splice(index, 1);
  return { status: 200, json: { data: {} } };
}

const authError = (): Answer => error(401, 'global/invalid-api-key', 'API key was invalid, expired, or deleted.', 'Check your API key or create a new one, then try again.');

function faultAnswer(fault: SimFault): Answer {
  if (fault.kind === 'auth') return authError();
  if (fault.kind === 'rateLimit') {
    return { ...error(429, 'global/too-many-requests', 'Too many requests.', 'Slow down: about one request per second.'), ...(fault.retryAfterSeconds !== undefined ? { headers: { 'retry-after': String(fault.retryAfterSeconds) } } : {}) };
  }
  const status = fault.status ?? 500;
  return status === 500 ? error(500, 'global/internal-error', 'An internal error occurred.') : error(status, 'provider/internal-unavailable', 'Upstream provider is unavailable.', 'Try again shortly.');
}

const LAMBDA_ROUTES: RouteOf<LambdaState>[] = [
  { method: 'GET', path: '/api/v1/instance-types', endpoint: 'offers', handle: instanceTypes },
  { method: 'GET', path: '/api/v1/regions', endpoint: 'other', handle: () => ({ status: 200, json: { data: LAMBDA_REGIONS } }) },
  { method: 'GET', path: '/api/v1/images', endpoint: 'other', handle: images },
  { method: 'GET', path: '/api/v1/instances', endpoint: 'list', handle: ({ market }) => ({ status: 200, json: { data: market.list('lambda').map(render) } }) },
  {
    method: 'GET',
    path: '/api/v1/instances/:id',
    endpoint: 'get',
    handle: ({ market }, context) => {
      const instance = market.find('lambda', context.params.id!);
      return instance ? { status: 200, json: { data: render(instance) } } : instanceMissing(context.params.id);
    },
  },
  { method: 'POST', path: '/api/v1/instances/:id', endpoint: 'other', handle: rename },
  { method: 'POST', path: '/api/v1/instance-operations/launch', endpoint: 'create', handle: launch },
  { method: 'POST', path: '/api/v1/instance-operations/restart', endpoint: 'restart', handle: restart },
  { method: 'POST', path: '/api/v1/instance-operations/terminate', endpoint: 'destroy', handle: terminate },
  { method: 'GET', path: '/api/v1/ssh-keys', endpoint: 'sshKeys', handle: ({ sshKeys }) => ({ status: 200, json: { data: sshKeys } }) },
  { method: 'POST', path: '/api/v1/ssh-keys', endpoint: 'sshKeys', handle: addSshKey },
  { method: 'DELETE', path: '/api/v1/ssh-keys/:id', endpoint: 'sshKeys', handle: deleteSshKey },
];

export function lambdaFace(market: Market, faults: FaultRegistry): Face {
  return {
    provider: 'lambda',
    routes: bindRoutes({ market, faults, sshKeys: [] }, LAMBDA_ROUTES),
    authError,
    notFound: (context) => error(404, 'global/not-found', `No route ${context.method} ${context.path}.`),
    faultAnswer,
  };
}

/** Lambda generates a key pair when no public key is given: a real one, made fresh each time. */
function generateSshKeyPair(): { publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(-32);
  const field = (bytes: Buffer) => Buffer.concat([lengthPrefix(bytes.length), bytes]);
  const blob = Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]);
  return { publicKey: `ssh-ed25519 ${blob.toString('base64')} sim-generated`, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

function lengthPrefix(length: number): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(length);
  return prefix;
}
