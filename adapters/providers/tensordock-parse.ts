// Pure TensorDock (v2) normalisation: locations → offers priced from components (GPU + vCPU + RAM +
// storage, respecting minimums), instances (case-insensitive status, port forwards as array or map),
// JSON:API-ish envelopes unwrapped defensively, and error bodies.
import type { Instance, InstanceStatus, PortMapping } from '#domain/instance.ts';
import type { Offer } from '#domain/offer.ts';
import { canonicalGpu } from '#domain/gpus.ts';
import { asArray, asObject, num, str, usd, type Json } from './common.ts';
import { countryCode } from './countries.ts';
import type { ProviderFault } from './http.ts';

export const TENSORDOCK_MIN_STORAGE_GB = 100;
const VCPUS_PER_GPU = 4;
const RAM_GB_PER_GPU = 16;

/** `{data:{attributes:{...}}}`, `{data:{...}}` or the object itself → the object with its id. */
export function unwrap(value: unknown): Json {
  const outer = asObject(value);
  const data = 'data' in outer ? asObject(outer.data) : outer;
  const attributes = asObject(data.attributes);
  return { ...data, ...attributes, ...(data.id !== undefined ? { id: data.id } : {}) };
}

// RAM sizes TensorDock accepts (a client-observed list; unverified) that are also 8 GB multiples.
const RAM_STEPS_GB = [8, 16, 32, 48, 64, 96, 128, 192, 256, 384, 512];

/** The machine TensorDock is asked for: vCPUs in steps of 2, RAM from the accepted steps, storage ≥ 100 GB. */
export function tensordockSizing(gpuCount: number, diskGb: number, limits: { maxVcpus?: number; maxRamGb?: number }): { vcpus: number; ramGb: number; storageGb: number } {
  let vcpus = VCPUS_PER_GPU * gpuCount;
  if (limits.maxVcpus !== undefined) vcpus = Math.min(vcpus, Math.floor(limits.maxVcpus / 2) * 2);
  const ramCap = Math.min(RAM_GB_PER_GPU * gpuCount, limits.maxRamGb ?? Infinity);
  const ramGb = RAM_STEPS_GB.filter((step) => step <= ramCap).at(-1) ?? RAM_STEPS_GB[0]!;
  return { vcpus: Math.max(2, vcpus), ramGb, storageGb: Math.max(TENSORDOCK_MIN_STORAGE_GB, Math.ceil(diskGb)) };
}

/** Offer ids carry what create needs: location, GPU v0Name and the priced machine size. */
export function tensordockOfferId(parts: { locationId: string; v0Name: string; vcpus: number; ramGb: number }): string {
  return [parts.locationId, parts.v0Name, parts.vcpus, parts.ramGb].join('|');
}

export function parseTensordockOfferId(offerId: string): { locationId: string; v0Name: string; vcpus: number; ramGb: number } | undefined {
  const [locationId, v0Name, vcpus, ramGb] = offerId.split('|');
  if (!locationId || !v0Name || !vcpus || !ramGb || !/^\d+$/.test(vcpus) || !/^\d+$/.test(ramGb)) return undefined;
  return { locationId, v0Name, vcpus: Number(vcpus), ramGb: Number(ramGb) };
}

/** "geforcertx4090-pcie-24gb" → 24 */
function vramFromV0Name(v0Name: string): number | undefined {
  const match = /-(\d+)gb$/i.exec(v0Name);
  return match ? Number(match[1]) : undefined;
}

export function tensordockGpuName(v0Name: string, displayName?: string): { gpu: string; vramGb: number } {
  const vram = vramFromV0Name(v0Name);
  const spec = canonicalGpu(v0Name, vram) ?? (displayName ? canonicalGpu(displayName, vram) : undefined);
  return { gpu: spec?.name ?? displayName ?? v0Name, vramGb: vram ?? spec?.vramGb ?? 0 };
}

export function parseTensordockLocations(
  body: unknown,
  context: { gpuCount: number; diskGb: number; fetchedAt: string; simulated: boolean },
): Offer[] {
  const root = unwrap(body);
  const locations = Array.isArray(root.locations) ? root.locations : asArray(asObject(body).data);
  const offers: Offer[] = [];
  for (const locationRaw of locations) {
    const location = unwrap(locationRaw);
    const locationId = str(location.id);
    if (!locationId) continue;
    const city = str(location.city);
    const state = str(location.stateprovince);
    const countryName = str(location.country);
    for (const gpuRaw of asArray(location.gpus)) {
      const gpuEntry = asObject(gpuRaw);
      const v0Name = str(gpuEntry.v0Name);
      const perGpu = num(gpuEntry.price_per_hr);
      const maxCount = num(gpuEntry.max_count);
      if (!v0Name || perGpu === undefined || (maxCount !== undefined && maxCount < context.gpuCount)) continue;
      const resources = asObject(gpuEntry.resources);
      const pricing = asObject(gpuEntry.pricing);
      const maxVcpus = num(resources.max_vcpus);
      const maxRamGb = num(resources.max_ram_gb);
      const size = tensordockSizing(context.gpuCount, context.diskGb, { ...(maxVcpus !== undefined ? { maxVcpus } : {}), ...(maxRamGb !== undefined ? { maxRamGb } : {}) });
      const maxStorage = num(resources.max_storage_gb);
      if (maxStorage !== undefined && maxStorage < size.storageGb) continue;
      const breakdown = {
        gpu: usd(perGpu * context.gpuCount),
        cpu: usd(size.vcpus * (num(pricing.per_vcpu_hr) ?? 0)),
        ram: usd(size.ramGb * (num(pricing.per_gb_ram_hr) ?? 0)),
        disk: usd(size.storageGb * (num(pricing.per_gb_storage_hr) ?? 0)),
      };
      const total = usd(breakdown.gpu + breakdown.cpu + breakdown.ram + breakdown.disk);
      const { gpu, vramGb } = tensordockGpuName(v0Name, str(gpuEntry.displayName));
      const offer: Offer = {
        provider: 'tensordock',
        offerId: tensordockOfferId({ locationId, v0Name, vcpus: size.vcpus, ramGb: size.ramGb }),
        gpu,
        gpuRaw: v0Name,
        gpuCount: context.gpuCount,
        vramGb,
        pricePerHour: total,
        pricePerGpuHour: usd(total / context.gpuCount),
        interruptible: false,
        region: [city, state, countryName].filter(Boolean).join(', ') || locationId,
        vcpus: size.vcpus,
        ramGb: size.ramGb,
        diskGb: size.storageGb,
        priceBreakdown: breakdown,
        fetchedAt: context.fetchedAt,
        simulated: context.simulated,
      };
      const country = countryCode(countryName);
      if (country) offer.country = country;
      if (maxCount !== undefined) offer.available = maxCount;
      offers.push(offer);
    }
  }
  return offers;
}

export function tensordockStatus(raw: string | undefined): InstanceStatus {
  switch ((raw ?? '').toLowerCase()) {
    case 'pending':
    case 'provisioning':
    case 'creating':
      return 'creating';
    case 'starting':
      return 'starting';
    case 'running':
    case 'online':
      return 'running';
    case 'stopping':
      return 'stopping';
    case 'stopped':
    case 'stoppeddisassociated':
    case 'outbid':
      return 'stopped';
    case 'deleting':
    case 'deleted':
    case 'terminated':
      return 'terminated';
    case 'error':
    case 'failed':
      return 'failed';
    default:
      return 'unknown';
  }
}

/** Port forwards as [{internal_port, external_port}] (docs) or {"<external>": "<internal>"} (v0 style). */
export function tensordockForwards(value: unknown): { internal: number; external: number }[] {
  if (Array.isArray(value)) {
    return value
      .map(asObject)
      .map((entry) => ({ internal: num(entry.internal_port) ?? num(entry.internalPort), external: num(entry.external_port) ?? num(entry.externalPort) }))
      .filter((entry): entry is { internal: number; external: number } => entry.internal !== undefined && entry.external !== undefined);
  }
  return Object.entries(asObject(value))
    .map(([external, internal]) => ({ internal: num(internal), external: num(external) }))
    .filter((entry): entry is { internal: number; external: number } => entry.internal !== undefined && entry.external !== undefined);
}

function firstGpu(resources: Json): string | undefined {
  const gpus = resources.gpus;
  if (Array.isArray(gpus)) return str(asObject(gpus[0]).gpuV0Name) ?? str(asObject(gpus[0]).v0Name);
  return Object.keys(asObject(gpus))[0];
}

function gpuCountOf(resources: Json): number | undefined {
  const gpus = resources.gpus;
  const counts = Array.isArray(gpus) ? gpus.map((gpu) => num(asObject(gpu).count)) : Object.values(asObject(gpus)).map((gpu) => num(asObject(gpu).count));
  const known = counts.filter((count): count is number => count !== undefined);
  return known.length ? known.reduce((sum, count) => sum + count, 0) : undefined;
}

/** Default login on TensorDock's Ubuntu images. */
export const TENSORDOCK_SSH_USER = 'user';

export function parseTensordockInstance(raw: unknown, context: { simulated: boolean }): Instance | undefined {
  const instance = unwrap(raw);
  const id = str(instance.id);
  if (!id) return undefined;
  const rawStatus = str(instance.status) ?? 'unknown';
  const status = tensordockStatus(rawStatus);
  const resources = asObject(instance.resources);
  const v0Name = firstGpu(resources);
  const ip = str(instance.ipAddress) ?? str(instance.ip_address) ?? str(instance.ip);
  const forwards = tensordockForwards(instance.portForwards ?? instance.port_forwards);
  const result: Instance = {
    provider: 'tensordock',
    providerInstanceId: id,
    status,
    rawStatus,
    gpu: v0Name ? tensordockGpuName(v0Name).gpu : 'unknown',
    gpuCount: gpuCountOf(resources) ?? 1,
    pricePerHour: usd(num(instance.rateHourly) ?? num(instance.rate_hourly) ?? num(instance.total_price) ?? 0),
    ports: [],
    interruptible: false,
    simulated: context.simulated,
  };
  const name = str(instance.name);
  if (name) result.name = name;
  const region = str(instance.location_id);
  if (region) result.region = region;
  const image = str(instance.image);
  if (image) result.image = image;
  if (ip) {
    result.publicIp = ip;
    if (status === 'running') {
      const ports: PortMapping[] = forwards
        .filter((forward) => forward.internal !== 22)
        .map((forward) => ({ containerPort: forward.internal, protocol: 'tcp', host: ip, hostPort: forward.external, url: `http://${ip}:${forward.external}` }));
      result.ports = ports.sort((a, b) => a.containerPort - b.containerPort);
      const ssh = forwards.find((forward) => forward.internal === 22);
      result.ssh = { host: ip, port: ssh?.external ?? 22, user: TENSORDOCK_SSH_USER };
    }
  }
  return result;
}

/** Errors: {errors:[{status,title,detail}]}, {success:false,error}, {error}, {message} or text. */
export function tensordockFault(body: unknown, status: number): ProviderFault | undefined {
  const object = asObject(body);
  const ok = status >= 200 && status < 300;
  const errors = asArray(object.errors);
  if (ok && errors.length === 0 && object.success !== false) return undefined;
  const first = asObject(errors[0]);
  const message =
    str(first.detail) ?? str(first.title) ?? str(object.error) ?? str(asObject(object.error).message) ?? str(object.message) ?? str(object.detail) ?? (typeof body === 'string' ? body : undefined);
  const fault: ProviderFault = message ? { message } : {};
  const text = message ?? '';
  if (/already (been )?(terminated|deleted)|not found|does not exist/i.test(text)) return { ...fault, kind: 'not-found' };
  if (/no (available )?(capacity|resources|hostnode|gpus? available)|insufficient (capacity|resources|gpu)|not enough/i.test(text)) return { ...fault, kind: 'no-capacity' };
  if (/unauthori[sz]ed|invalid (api )?token|authentication/i.test(text)) return { ...fault, kind: 'auth' };
  return fault;
}
