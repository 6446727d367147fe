// Pure TensorDock (v2) normalisation: locations → offers priced from components (GPU + vCPU + RAM +
// storage, respecting minimums), instances (case-insensitive status, port forwards as array or map),
// JSON:API-ish envelopes unwrapped, and error bodies.
// The wire shapes are zod schemas (https://dashboard.tensordock.com/api/docs, docs/providers.md §4).
import { z } from 'zod';
import type { Instance, InstanceStatus, PortMapping } from '#domain/instance.ts';
import type { Offer } from '#domain/offer.ts';
import { canonicalGpu } from '#domain/gpus.ts';
import { usd } from './common.ts';
import { countryCode } from './countries.ts';
import type { ProviderFault } from './http.ts';
import { readWire, wireBoolean, wireList, wireNumber, wireObject, wireOptionalList, wireOptionalObject, wireString } from './wire.ts';

export const TENSORDOCK_MIN_STORAGE_GB = 100;
const VCPUS_PER_GPU = 4;
const RAM_GB_PER_GPU = 16;

const jsonObject = z.record(z.string(), z.unknown());
const attributesOf = jsonObject.catch({});

/**
 * A JSON:API-style resource as one object: its fields with its `attributes` over them, its own `id`
 * kept. TensorDock sends both `{type, id, attributes: {…}}` and flat objects (§4.1).
 */
const resource = <Shape extends z.ZodRawShape>(shape: Shape) =>
  jsonObject.transform(({ attributes, ...fields }) => ({ ...fields, ...attributesOf.parse(attributes), ...(fields.id !== undefined ? { id: fields.id } : {}) })).pipe(wireObject(shape));

/**
 * A list answer: the list under `key` in the `data` resource (as the docs show; also inside its
 * attributes) or in the answer itself, or `data` itself the list.
 */
function listAnswer<Item extends z.ZodType>(key: string, item: Item): z.ZodType<z.output<Item>[]> {
  const list = wireList(item);
  const holder = resource({ [key]: list });
  return z.union([wireObject({ data: holder }).transform(({ data }) => data[key]!), holder.transform((answer) => answer[key]!), wireObject({ data: list }).transform(({ data }) => data)]);
}

const gpuEntrySchema = wireObject({
  v0Name: wireString, displayName: wireString, max_count: wireNumber, price_per_hr: wireNumber,
  resources: wireOptionalObject({ max_vcpus: wireNumber, max_ram_gb: wireNumber, max_storage_gb: wireNumber }),
  pricing: wireOptionalObject({ per_vcpu_hr: wireNumber, per_gb_ram_hr: wireNumber, per_gb_storage_hr: wireNumber }),
});
const locationSchema = resource({ id: wireString, city: wireString, stateprovince: wireString, country: wireString, gpus: wireOptionalList(gpuEntrySchema) });
const locationsAnswerSchema = listAnswer('locations', locationSchema);

type Forward = { internal: number | undefined; external: number | undefined };
/** Port forwards as [{internal_port, external_port}] (docs) or {"<external>": "<internal>"} (v0 style); null reads as absent. */
const forwardsSchema = z
  .union([
    wireList(wireObject({ internal_port: wireNumber, internalPort: wireNumber, external_port: wireNumber, externalPort: wireNumber })).transform((list) =>
      list.map((entry): Forward => ({ internal: entry.internal_port ?? entry.internalPort, external: entry.external_port ?? entry.externalPort })),
    ),
    z.record(z.string(), wireNumber).transform((map) => Object.entries(map).map(([external, internal]): Forward => ({ internal, external: wireNumber.parse(external) }))),
  ])
  .nullish()
  .catch([]);

const gpuCountSchema = wireOptionalObject({ gpuV0Name: wireString, v0Name: wireString, count: wireNumber });
/** The instance's GPUs as a list of {gpuV0Name, count} or a map keyed by v0Name (the create body's form, §4.3). */
const instanceGpusSchema = z
  .union([
    z.array(gpuCountSchema).transform((list) => list.map((gpu) => ({ v0Name: gpu.gpuV0Name ?? gpu.v0Name, count: gpu.count }))),
    z.record(z.string(), gpuCountSchema).transform((map) => Object.entries(map).map(([v0Name, gpu]) => ({ v0Name, count: gpu.count }))),
  ])
  .catch([]);

const instanceSchema = resource({
  id: wireString, name: wireString, status: wireString, image: wireString, location_id: wireString,
  ipAddress: wireString, ip_address: wireString, ip: wireString, portForwards: forwardsSchema, port_forwards: forwardsSchema,
  resources: wireOptionalObject({ gpus: instanceGpusSchema }),
  rateHourly: wireNumber, rate_hourly: wireNumber, total_price: wireNumber,
});
type TensordockInstance = z.output<typeof instanceSchema>;
/** One instance, in its `data` envelope or bare. */
const instanceAnswerSchema = z.union([wireObject({ data: instanceSchema }).transform(({ data }) => data), instanceSchema]);
const instanceListSchema = listAnswer('instances', instanceAnswerSchema);

const errorSchema = wireOptionalObject({
  success: wireBoolean, message: wireString, detail: wireString,
  error: z.union([wireObject({ message: wireString }).transform((error) => error.message), wireString]),
  errors: wireOptionalList(wireOptionalObject({ title: wireString, detail: wireString })),
});

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
  const offers: Offer[] = [];
  for (const location of readWire('tensordock', 'the locations', locationsAnswerSchema, body)) {
    const { id: locationId, city, stateprovince: state, country: countryName } = location;
    if (!locationId) continue;
    for (const gpuEntry of location.gpus) {
      const { v0Name, price_per_hr: perGpu, max_count: maxCount, resources, pricing } = gpuEntry;
      if (!v0Name || perGpu === undefined || (maxCount !== undefined && maxCount < context.gpuCount)) continue;
      const { max_vcpus: maxVcpus, max_ram_gb: maxRamGb } = resources;
      const size = tensordockSizing(context.gpuCount, context.diskGb, { ...(maxVcpus !== undefined ? { maxVcpus } : {}), ...(maxRamGb !== undefined ? { maxRamGb } : {}) });
      if (resources.max_storage_gb !== undefined && resources.max_storage_gb < size.storageGb) continue;
      const breakdown = {
        gpu: usd(perGpu * context.gpuCount),
        cpu: usd(size.vcpus * (pricing.per_vcpu_hr ?? 0)),
        ram: usd(size.ramGb * (pricing.per_gb_ram_hr ?? 0)),
        disk: usd(size.storageGb * (pricing.per_gb_storage_hr ?? 0)),
      };
      const total = usd(breakdown.gpu + breakdown.cpu + breakdown.ram + breakdown.disk);
      const { gpu, vramGb } = tensordockGpuName(v0Name, gpuEntry.displayName);
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
  return usableForwards(forwardsSchema.parse(value) ?? []);
}

function usableForwards(forwards: Forward[]): { internal: number; external: number }[] {
  return forwards.filter((entry): entry is { internal: number; external: number } => entry.internal !== undefined && entry.external !== undefined);
}

function gpuCountOf(gpus: TensordockInstance['resources']['gpus']): number | undefined {
  const known = gpus.map((gpu) => gpu.count).filter((count): count is number => count !== undefined);
  return known.length ? known.reduce((sum, count) => sum + count, 0) : undefined;
}

/** Default login on TensorDock's Ubuntu images. */
export const TENSORDOCK_SSH_USER = 'user';

/** `GET /instances`: every instance with an id. */
export function parseTensordockInstances(body: unknown, context: { simulated: boolean }): Instance[] {
  return readWire('tensordock', 'the instance list', instanceListSchema, body).flatMap((instance) => tensordockInstance(instance, context) ?? []);
}

/** One instance, in its `data` envelope or bare; undefined without an id. */
export function parseTensordockInstance(raw: unknown, context: { simulated: boolean }): Instance | undefined {
  return tensordockInstance(readWire('tensordock', 'the instance', instanceAnswerSchema, raw), context);
}

/** The id a create answers with, if any (an answer without one is reported by the adapter). */
export function parseTensordockCreatedId(body: unknown): string | undefined {
  const read = instanceAnswerSchema.safeParse(body);
  return read.success ? read.data.id : undefined;
}

function tensordockInstance(instance: TensordockInstance, context: { simulated: boolean }): Instance | undefined {
  const id = instance.id;
  if (!id) return undefined;
  const rawStatus = instance.status ?? 'unknown';
  const status = tensordockStatus(rawStatus);
  const { gpus } = instance.resources;
  const v0Name = gpus[0]?.v0Name;
  const ip = instance.ipAddress ?? instance.ip_address ?? instance.ip;
  const forwards = usableForwards(instance.portForwards ?? instance.port_forwards ?? []);
  const result: Instance = {
    provider: 'tensordock',
    providerInstanceId: id,
    status,
    rawStatus,
    gpu: v0Name ? tensordockGpuName(v0Name).gpu : 'unknown',
    gpuCount: gpuCountOf(gpus) ?? 1,
    pricePerHour: usd(instance.rateHourly ?? instance.rate_hourly ?? instance.total_price ?? 0),
    ports: [],
    interruptible: false,
    simulated: context.simulated,
  };
  if (instance.name) result.name = instance.name;
  if (instance.location_id) result.region = instance.location_id;
  if (instance.image) result.image = instance.image;
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
  const answer = errorSchema.parse(body);
  const ok = status >= 200 && status < 300;
  if (ok && answer.errors.length === 0 && answer.success !== false) return undefined;
  const first = answer.errors[0];
  const message = first?.detail ?? first?.title ?? answer.error ?? answer.message ?? answer.detail ?? (typeof body === 'string' ? body : undefined);
  const fault: ProviderFault = message ? { message } : {};
  const text = message ?? '';
  if (/already (been )?(terminated|deleted)|not found|does not exist/i.test(text)) return { ...fault, kind: 'not-found' };
  if (/no (available )?(capacity|resources|hostnode|gpus? available)|insufficient (capacity|resources|gpu)|not enough/i.test(text)) return { ...fault, kind: 'no-capacity' };
  if (/unauthori[sz]ed|invalid (api )?token|authentication/i.test(text)) return { ...fault, kind: 'auth' };
  return fault;
}
