// TensorDock v2's face (docs/providers.md §4): JSON:API-ish envelopes, per-component pricing, VMs with
// cloud-init, inconsistent status casing. Plus the legacy v0 balance call (form key + token).
import { bindRoutes, isRecord, numberFrom, type Answer, type Face, type RequestContext, type RouteOf } from './http.ts';
import type { FaultRegistry } from './faults.ts';
import type { SimInstance } from './lifecycle.ts';
import type { Market } from './market.ts';
import { TENSORDOCK_RAM_STEPS, tensordockGpuPrice, tensordockHasCapacity, type TensordockLocation } from './cloud-catalogue.ts';
import { round } from './random.ts';
import type { SimFault } from './types.ts';

const failure = (status: number, title: string, detail: string): Answer => ({ status, json: { errors: [{ status: String(status), title, detail }] } });
const badRequest = (detail: string) => failure(400, 'Bad Request', detail);
const MIN_STORAGE_GB = 100;
const MIN_BALANCE_MICROS = 1_000_000;

/** What one simulator's TensorDock face keeps besides the market: the account's secrets (SSH keys). */
interface TensordockState {
  market: Market;
  faults: FaultRegistry;
  secrets: { id: string; name: string; type: string; value: string }[];
}

/** The GPUs a location has capacity for this hour, each with its price now. */
function gpusInStock(market: Market, location: TensordockLocation) {
  const now = market.clock.now();
  return location.gpus.filter((entry) => tensordockHasCapacity(market.seed, location, entry.gpu.tensordock!.v0Name, now)).map((entry) => ({ entry, price: tensordockGpuPrice(entry, now) }));
}

function locationJson(market: Market, location: TensordockLocation) {
  return {
    id: location.id,
    city: location.city,
    stateprovince: location.stateprovince,
    country: location.country,
    tier: location.tier,
    gpus: gpusInStock(market, location).map(({ entry, price }) => ({
      v0Name: entry.gpu.tensordock!.v0Name,
      displayName: entry.gpu.tensordock!.displayName,
      max_count: entry.maxCount,
      price_per_hr: price,
      resources: location.resources,
      pricing: location.pricing,
      network_features: { dedicated_ip_available: location.tier >= 3, port_forwarding_available: true, network_storage_available: false },
    })),
  };
}

function hostnodeJson(market: Market, location: TensordockLocation) {
  return {
    id: location.hostnodeId,
    location_id: location.id,
    engine: 'kvm',
    uptime_percentage: 99.2 + location.tier * 0.15,
    available_resources: {
      gpus: gpusInStock(market, location).map(({ entry, price }) => ({ v0Name: entry.gpu.tensordock!.v0Name, availableCount: entry.maxCount, price_per_hr: price })),
      vcpu_count: location.resources.max_vcpus,
      ram_gb: location.resources.max_ram_gb,
      storage_gb: location.resources.max_storage_gb,
    },
    pricing: location.pricing,
    location: { uuid: location.id, city: location.city, stateprovince: location.stateprovince, country: location.country, has_network_storage: false, network_speed_gbps: 10, network_speed_upload_gbps: 10, organization: 'sim-hosting', organizationName: 'Simulated Hosting', tier: location.tier },
  };
}

function status(instance: SimInstance): string {
  // Real responses mix casing (running / Stopped / StoppedDisassociated); a crashed VM shows "Stopped".
  return { pending: 'starting', created: 'starting', loading: 'starting', running: 'running', rebooting: 'starting', stopping: 'stopping', stopped: 'StoppedDisassociated', outbid: 'Stopped', crashed: 'Stopped', terminating: 'deleting', terminated: 'deleted', gone: 'deleted' }[instance.phase];
}

function attributes(instance: SimInstance) {
  return {
    name: instance.name,
    status: status(instance),
    ipAddress: instance.ip,
    portForwards: instance.ports.map((entry) => ({ internal_port: entry.port, external_port: instance.publicPorts[entry.port] })),
    resources: instance.details.resources,
    rateHourly: round(instance.computePerHour + instance.storagePerHour, 4),
    location_id: instance.details.locationId,
    image: instance.image,
  };
}

const instanceJson = (instance: SimInstance) => ({ type: 'virtualmachine', id: instance.id, attributes: attributes(instance) });

/** The checked resources of a create body, or the 400 that says what is wrong (docs/providers.md §4.3). */
function readCreate(attrs: Record<string, unknown>): { vcpus: number; ram: number; storage: number; choice: { v0Name: string; count: number } } | Answer {
  const resources = isRecord(attrs.resources) ? attrs.resources : {};
  const vcpus = numberFrom(resources.vcpu_count);
  const ram = numberFrom(resources.ram_gb);
  const storage = numberFrom(resources.storage_gb);
  if (vcpus === undefined || vcpus < 2 || vcpus % 2 !== 0) return badRequest('resources.vcpu_count must be an even number of vCPUs (2, 4, 6, ...)');
  if (ram === undefined || !(TENSORDOCK_RAM_STEPS as readonly number[]).includes(ram)) return badRequest(`resources.ram_gb must be one of ${TENSORDOCK_RAM_STEPS.join(', ')}`);
  if (storage === undefined || storage < MIN_STORAGE_GB) return badRequest(`resources.storage_gb must be at least ${MIN_STORAGE_GB} GB`);
  // The docs use a map keyed by v0Name; a third-party spec uses a list. Accept both.
  const wanted: { v0Name: string; count: number }[] = [];
  if (Array.isArray(resources.gpus)) {
    for (const entry of resources.gpus) if (isRecord(entry)) wanted.push({ v0Name: String(entry.gpuV0Name ?? entry.v0Name), count: numberFrom(entry.count) ?? 1 });
  } else if (isRecord(resources.gpus)) {
    // Map entries are {"count": N} (docs/providers.md §4.3), not a bare number.
    for (const [v0Name, entry] of Object.entries(resources.gpus)) wanted.push({ v0Name, count: isRecord(entry) && Number.isInteger(entry.count) ? (entry.count as number) : 0 });
  }
  if (wanted.length !== 1 || wanted[0]!.count < 1) return badRequest('resources.gpus must name one GPU model with a count, e.g. {"geforcertx4090-pcie-24gb": {"count": 1}}');
  const hasKey = typeof attrs.ssh_key === 'string' && attrs.ssh_key !== '';
  const hasKeyId = typeof attrs.ssh_key_id === 'string' && attrs.ssh_key_id !== '';
  if (hasKey === hasKeyId) return badRequest('give exactly one of ssh_key (public key text) or ssh_key_id; an SSH key is required');
  if (attrs.location_id !== undefined && attrs.hostnode_id !== undefined) return badRequest('give either location_id or hostnode_id, not both');
  if (attrs.port_forwards !== undefined) {
    const forwards = Array.isArray(attrs.port_forwards) ? attrs.port_forwards : [];
    const port = (value: unknown) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65_535;
    if (!Array.isArray(attrs.port_forwards) || !forwards.every((forward) => isRecord(forward) && port(forward.internal_port) && port(forward.external_port))) {
      return badRequest('port_forwards must be a list of {"internal_port": <1-65535>, "external_port": <1-65535>}');
    }
    if (new Set(forwards.map((forward) => (forward as Record<string, unknown>).external_port)).size !== forwards.length) return badRequest('port_forwards: each external_port may be used once');
  }
  if (attrs.cloud_init !== undefined && typeof attrs.cloud_init !== 'string') {
    // Official docs: an object with runcmd[], packages[], write_files[{path, content}] (a string form is unverified).
    const init = attrs.cloud_init;
    const strings = (value: unknown) => value === undefined || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
    const files = isRecord(init) ? init.write_files : undefined;
    const filesOk = files === undefined || (Array.isArray(files) && files.every((file) => isRecord(file) && typeof file.path === 'string' && typeof file.content === 'string'));
    if (!isRecord(init) || !strings(init.runcmd) || !strings(init.packages) || !filesOk) return badRequest('cloud_init must be an object: {"runcmd": [string], "packages": [string], "write_files": [{"path", "content"}]}');
  }
  return { vcpus, ram, storage, choice: wanted[0]! };
}

function create({ market, faults }: TensordockState, context: RequestContext): Answer {
  const data = isRecord(context.body) ? context.body.data : undefined;
  const attrs = isRecord(data) && isRecord(data.attributes) ? data.attributes : undefined;
  if (!attrs || !isRecord(data) || data.type !== 'virtualmachine') return badRequest('body must be {"data": {"type": "virtualmachine", "attributes": {...}}}');
  if (attrs.type !== undefined && attrs.type !== 'virtualmachine') return badRequest('attributes.type must be "virtualmachine"');
  if (typeof attrs.name !== 'string' || !attrs.name) return badRequest('attributes.name is required');
  if (typeof attrs.image !== 'string' || !attrs.image) return badRequest('attributes.image is required, e.g. "ubuntu2404"');
  const request = readCreate(attrs);
  if ('status' in request) return request;
  const { vcpus, ram, storage, choice } = request;
  const location = market.tensordockLocations.find((candidate) => candidate.id === attrs.location_id || candidate.hostnodeId === attrs.hostnode_id);
  if (!location) return failure(404, 'Not Found', `location_id ${JSON.stringify(attrs.location_id ?? attrs.hostnode_id)} not found; list locations with GET /api/v2/locations`);
  const entry = location.gpus.find((candidate) => candidate.gpu.tensordock!.v0Name === choice.v0Name);
  if (!entry) return badRequest(`GPU ${choice.v0Name} is not offered at ${location.city}`);
  if (choice.count > entry.maxCount) return badRequest(`at most ${entry.maxCount} x ${choice.v0Name} at ${location.city}`);
  if (vcpus > location.resources.max_vcpus || ram > location.resources.max_ram_gb || storage > location.resources.max_storage_gb) return badRequest(`requested resources exceed what ${location.city} offers`);
  if (market.balanceMicros('tensordock') < MIN_BALANCE_MICROS) return failure(402, 'Payment Required', 'Your balance must be at least $1 to deploy; add funds in the dashboard.');
  const fault = faults.takeCreateFault('tensordock');
  if (fault?.kind === 'noCapacity' || !tensordockHasCapacity(market.seed, location, choice.v0Name, market.clock.now())) {
    return badRequest(`No available hostnodes with ${choice.count} x ${choice.v0Name} at this location right now; try another location`);
  }
  const portForwards = Array.isArray(attrs.port_forwards) ? attrs.port_forwards.filter(isRecord) : [];
  const ports = portForwards.map((forward) => ({ port: numberFrom(forward.internal_port) ?? 22, protocol: 'tcp' as const }));
  // Without a dedicated IP, only forwarded ports are reachable: no 22 forward, no SSH.
  const dedicated = attrs.useDedicatedIp === true;
  if (dedicated && !ports.some((entry) => entry.port === 22)) ports.unshift({ port: 22, protocol: 'tcp' });
  const gpuPrice = tensordockGpuPrice(entry, market.clock.now());
  const instance = market.add('tensordock', {
    provider: 'tensordock',
    name: attrs.name,
    gpuName: entry.gpu.tensordock!.displayName,
    gpuCount: choice.count,
    vramGb: entry.gpu.vramGb,
    computePerHour: round(choice.count * gpuPrice + vcpus * location.pricing.per_vcpu_hr + ram * location.pricing.per_gb_ram_hr, 5),
    storagePerHour: round(storage * location.pricing.per_gb_storage_hr, 5),
    interruptible: false,
    image: attrs.image,
    env: {},
    ports,
    ...(attrs.cloud_init !== undefined ? { startScript: typeof attrs.cloud_init === 'string' ? attrs.cloud_init : JSON.stringify(attrs.cloud_init) } : {}),
    diskGb: storage,
    machineId: location.hostnodeId,
    crashWhenRunning: fault?.kind === 'crash',
    details: { locationId: location.id, cloudInit: attrs.cloud_init ?? null, resources: { vcpu_count: vcpus, ram_gb: ram, storage_gb: storage, gpus: [{ gpuV0Name: choice.v0Name, count: choice.count }] } },
  });
  // External ports the client asked for are honoured; others are picked by the host.
  portForwards.forEach((forward) => {
    const external = numberFrom(forward.external_port);
    const internal = numberFrom(forward.internal_port);
    if (external !== undefined && internal !== undefined) instance.publicPorts[internal] = external;
  });
  if (dedicated && !portForwards.some((forward) => numberFrom(forward.internal_port) === 22)) instance.publicPorts[22] = 22;
  return { status: 200, json: { data: { type: 'virtualmachine', id: instance.id, name: instance.name, status: status(instance) } } };
}

const success = (message: string): Answer => ({ status: 200, json: { data: { type: 'success', attributes: { message } } } });

/** A handler for the instance named in the path; a 404 when there is none. */
function withInstance(act: (instance: SimInstance, market: Market) => Answer): RouteOf<TensordockState>['handle'] {
  return ({ market }, context) => {
    const instance = market.find('tensordock', context.params.id!);
    return instance ? act(instance, market) : failure(404, 'Not Found', `Instance ${context.params.id} not found or already terminated`);
  };
}

function start(instance: SimInstance, market: Market): Answer {
  if (instance.phase === 'running' || instance.phase === 'loading' || instance.phase === 'pending') return badRequest(`Instance is already ${status(instance)}`);
  if (instance.phase !== 'stopped' && instance.phase !== 'crashed' && instance.phase !== 'outbid') return badRequest(`Instance cannot start while ${status(instance)}`);
  market.transition(instance, 'loading');
  return success('Instance started successfully');
}

function stop(instance: SimInstance, market: Market): Answer {
  if (instance.phase !== 'running') return badRequest(`Instance can only be stopped while running; it is ${status(instance)}`);
  market.transition(instance, 'stopping');
  return success('Instance stopped successfully');
}

function destroy(instance: SimInstance, market: Market): Answer {
  if (instance.phase !== 'terminating') market.transition(instance, 'terminating');
  return success('Instance deleted successfully');
}

function hostnode({ market }: TensordockState, context: RequestContext): Answer {
  const location = market.tensordockLocations.find((candidate) => candidate.hostnodeId === context.params.id);
  return location ? { status: 200, json: { data: hostnodeJson(market, location) } } : failure(404, 'Not Found', `hostnode ${context.params.id} not found`);
}

const secretJson = (secret: TensordockState['secrets'][number]) => ({ type: 'secret', id: secret.id, attributes: { name: secret.name, type: secret.type } });

function addSecret({ market, secrets }: TensordockState, context: RequestContext): Answer {
  const data = isRecord(context.body) ? context.body.data : undefined;
  const attrs = isRecord(data) && isRecord(data.attributes) ? data.attributes : undefined;
  if (!attrs || typeof attrs.name !== 'string' || typeof attrs.value !== 'string') return badRequest('body must be {"data": {"type": "secret", "attributes": {"name", "value", "secret_type": "SSHKEY"}}}');
  const secret = { id: market.newId('tensordock'), name: attrs.name, type: String(attrs.secret_type ?? attrs.type ?? 'SSHKEY'), value: attrs.value };
  secrets.push(secret);
  return { status: 200, json: { data: secretJson(secret) } };
}

/** Legacy v0 (form-encoded api_key + api_token); kept because v2 has no documented balance call. */
function balance({ market }: TensordockState): Answer {
  const hourly = market.list('tensordock').reduce((sum, instance) => sum + (instance.phase === 'running' ? instance.computePerHour : 0) + instance.storagePerHour, 0);
  return { status: 200, json: { success: true, balance: round(market.balanceMicros('tensordock') / 1e6, 4), hourly_cost: round(hourly, 4) } };
}

const authError = (): Answer => failure(401, 'Unauthorized', 'Invalid or missing API token; send Authorization: Bearer <token> from Developer Settings');

function faultAnswer(fault: SimFault): Answer {
  if (fault.kind === 'auth') return authError();
  if (fault.kind === 'rateLimit') {
    return { ...failure(429, 'Too Many Requests', 'Rate limit of 100 requests per minute exceeded'), ...(fault.retryAfterSeconds !== undefined ? { headers: { 'retry-after': String(fault.retryAfterSeconds) } } : {}) };
  }
  const status = fault.status ?? 500;
  return failure(status, status === 503 ? 'Service Unavailable' : 'Internal Server Error', 'Something went wrong on our side; try again.');
}

const TENSORDOCK_ROUTES: RouteOf<TensordockState>[] = [
  { method: 'GET', path: '/api/v2/locations', endpoint: 'offers', anonymous: true, handle: ({ market }) => ({ status: 200, json: { data: { locations: market.tensordockLocations.map((location) => locationJson(market, location)) } } }) },
  { method: 'GET', path: '/api/v2/hostnodes', endpoint: 'offers', handle: ({ market }) => ({ status: 200, json: { data: { hostnodes: market.tensordockLocations.map((location) => hostnodeJson(market, location)) } } }) },
  { method: 'GET', path: '/api/v2/hostnodes/:id', endpoint: 'offers', handle: hostnode },
  { method: 'GET', path: '/api/v2/instances', endpoint: 'list', handle: ({ market }) => ({ status: 200, json: { data: { instances: market.list('tensordock').map(instanceJson) } } }) },
  { method: 'GET', path: '/api/v2/instances/:id', endpoint: 'get', handle: withInstance((instance) => ({ status: 200, json: { data: instanceJson(instance) } })) },
  { method: 'POST', path: '/api/v2/instances', endpoint: 'create', handle: create },
  { method: 'POST', path: '/api/v2/instances/:id/start', endpoint: 'start', handle: withInstance(start) },
  { method: 'POST', path: '/api/v2/instances/:id/stop', endpoint: 'stop', handle: withInstance(stop) },
  { method: 'DELETE', path: '/api/v2/instances/:id', endpoint: 'destroy', handle: withInstance(destroy) },
  { method: 'POST', path: '/api/v2/auth/test', endpoint: 'account', handle: () => success('Token is valid') },
  { method: 'GET', path: '/api/v2/secrets', endpoint: 'sshKeys', handle: ({ secrets }) => ({ status: 200, json: { data: secrets.map(secretJson) } }) },
  { method: 'POST', path: '/api/v2/secrets', endpoint: 'sshKeys', handle: addSecret },
  { method: 'POST', path: '/api/v0/billing/balance', endpoint: 'account', handle: balance },
];

export function tensordockFace(market: Market, faults: FaultRegistry): Face {
  return {
    provider: 'tensordock',
    routes: bindRoutes({ market, faults, secrets: [] }, TENSORDOCK_ROUTES),
    keyFrom: (context) => (isRecord(context.body) && typeof context.body.api_token === 'string' ? context.body.api_token : undefined),
    authError,
    notFound: (context) => failure(404, 'Not Found', `No route ${context.method} ${context.path}`),
    faultAnswer,
  };
}
