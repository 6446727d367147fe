// Pure Lambda normalisation: the instance-types object (keyed by name, prices in integer cents,
// GPU facts only in the description text) → offers per region with capacity; instances; errors.
// The wire shapes are zod schemas (https://docs.lambda.ai/public-cloud/cloud-api/, docs/providers.md §3).
import { z } from 'zod';
import type { Instance, InstanceStatus } from '#domain/instance.ts';
import type { Offer } from '#domain/offer.ts';
import { canonicalGpu } from '#domain/gpus.ts';
import { usd } from './common.ts';
import { countryCode } from './countries.ts';
import type { ProviderFault } from './http.ts';
import { readWire, wireList, wireNumber, wireObject, wireOptionalList, wireOptionalObject, wireString } from './wire.ts';

const instanceTypeSchema = wireOptionalObject({
  name: wireString,
  description: wireString,
  gpu_description: wireString,
  price_cents_per_hour: wireNumber,
  specs: wireOptionalObject({ vcpus: wireNumber, memory_gib: wireNumber, storage_gib: wireNumber, gpus: wireNumber }),
});
type LambdaInstanceType = z.output<typeof instanceTypeSchema>;

const instanceTypesSchema = wireObject({
  data: z.record(
    z.string(),
    wireOptionalObject({
      instance_type: instanceTypeSchema,
      regions_with_capacity_available: wireOptionalList(wireObject({ name: wireString, description: wireString })),
    }),
  ),
});

const instanceSchema = wireObject({
  id: wireString,
  name: wireString,
  status: wireString,
  instance_type: instanceTypeSchema,
  region: wireOptionalObject({ name: wireString }),
  ip: wireString,
  tags: wireOptionalList(wireObject({ key: wireString, value: wireString })),
  jupyter_url: wireString,
});
type LambdaInstance = z.output<typeof instanceSchema>;

const instanceListSchema = wireObject({ data: wireList(instanceSchema) });
const oneInstanceSchema = wireObject({ data: instanceSchema });
const launchSchema = wireObject({ data: wireObject({ instance_ids: z.array(wireString) }) });
const sshKeysSchema = wireObject({ data: wireList(wireObject({ name: wireString, public_key: wireString })) });
const errorSchema = wireOptionalObject({ error: wireOptionalObject({ code: wireString, message: wireString, suggestion: wireString }) });

export interface LambdaGpuDescription {
  count?: number;
  /** Model as Lambda writes it, e.g. "H100", "Tesla V100". */
  model: string;
  vramGb?: number;
  /** "SXM5", "PCIe", ... when given. */
  formFactor?: string;
}

/** "8x H100 (80 GB SXM5)" / "H100 (80 GB SXM5)" / "A6000 (48 GB)" → parts. */
export function parseLambdaGpuDescription(text: string): LambdaGpuDescription | undefined {
  const match = /^\s*(?:(\d+)\s*x\s+)?(.+?)\s*\((\d+(?:\.\d+)?)\s*GB\s*([^)]*)\)\s*$/i.exec(text);
  if (!match) return undefined;
  const description: LambdaGpuDescription = { model: match[2]!, vramGb: Number(match[3]) };
  if (match[1]) description.count = Number(match[1]);
  const formFactor = match[4]?.trim();
  if (formFactor) description.formFactor = formFactor;
  return description;
}

function lambdaGpuName(type: LambdaInstanceType): { gpu: string; gpuRaw: string; vramGb: number; count: number | undefined } {
  const gpuDescription = type.gpu_description;
  const description = type.description ?? '';
  const parsed = parseLambdaGpuDescription(gpuDescription ?? description);
  const gpuRaw = gpuDescription ?? description ?? type.name ?? 'unknown';
  const spelled = parsed ? `${parsed.model} ${parsed.vramGb ?? ''}GB ${parsed.formFactor ?? ''}` : gpuRaw;
  const spec = canonicalGpu(gpuRaw, parsed?.vramGb) ?? canonicalGpu(spelled, parsed?.vramGb) ?? (parsed ? canonicalGpu(parsed.model, parsed.vramGb) : undefined);
  const count = type.specs.gpus ?? parseLambdaGpuDescription(description)?.count;
  return { gpu: spec?.name ?? gpuRaw, gpuRaw, vramGb: parsed?.vramGb ?? spec?.vramGb ?? 0, count };
}

/** Offer ids carry what launch needs: the instance type and the region. */
export function lambdaOfferId(typeName: string, region: string): string {
  return `${typeName}@${region}`;
}

export function parseLambdaOfferId(offerId: string): { typeName: string; region: string } | undefined {
  const match = /^([^@]+)@(.+)$/.exec(offerId);
  return match ? { typeName: match[1]!, region: match[2]! } : undefined;
}

export function parseLambdaInstanceTypes(body: unknown, context: { fetchedAt: string; simulated: boolean }): Offer[] {
  const offers: Offer[] = [];
  for (const [key, entry] of Object.entries(readWire('lambda', 'the instance types', instanceTypesSchema, body).data)) {
    const type = entry.instance_type;
    const name = type.name ?? key;
    const cents = type.price_cents_per_hour;
    const { gpu, gpuRaw, vramGb, count } = lambdaGpuName(type);
    if (cents === undefined || !count) continue;
    const price = usd(cents / 100);
    const specs = type.specs;
    for (const region of entry.regions_with_capacity_available) {
      const regionName = region.name;
      if (!regionName) continue;
      const offer: Offer = {
        provider: 'lambda',
        offerId: lambdaOfferId(name, regionName),
        gpu,
        gpuRaw,
        gpuCount: count,
        vramGb,
        pricePerHour: price,
        pricePerGpuHour: usd(price / count),
        interruptible: false,
        region: regionName,
        priceBreakdown: { instance: price },
        fetchedAt: context.fetchedAt,
        simulated: context.simulated,
      };
      const country = countryCode(region.description);
      if (country) offer.country = country;
      if (specs.vcpus !== undefined) offer.vcpus = specs.vcpus;
      if (specs.memory_gib !== undefined) offer.ramGb = specs.memory_gib;
      if (specs.storage_gib !== undefined) offer.diskGb = specs.storage_gib;
      offers.push(offer);
    }
  }
  return offers;
}

export function lambdaStatus(raw: string | undefined): InstanceStatus {
  switch ((raw ?? '').toLowerCase()) {
    case 'booting':
      return 'starting';
    case 'active':
      return 'running';
    case 'unhealthy':
      return 'failed';
    case 'terminating':
    case 'terminated':
      return 'terminated';
    case 'preempted':
      return 'exited';
    default:
      return 'unknown';
  }
}

// Lambda reports no ports (a VM has them all), so launch tags record which ones our cloud-init
// publishes: key computehub-port-<port>, value its protocol.
const PORT_TAG = /^computehub-port-(\d+)$/;

export function lambdaPortTags(ports: readonly { port: number; protocol: 'tcp' | 'http' }[]): { key: string; value: string }[] {
  return ports.filter((port) => port.port !== 22).map((port) => ({ key: `computehub-port-${port.port}`, value: port.protocol }));
}

function taggedPorts(tags: LambdaInstance['tags']): { port: number; protocol: 'tcp' | 'http' }[] {
  return tags.flatMap((tag) => {
    const port = PORT_TAG.exec(tag.key ?? '')?.[1];
    const protocol = tag.value;
    return port && (protocol === 'tcp' || protocol === 'http') ? [{ port: Number(port), protocol }] : [];
  });
}

/** `GET /instances`: every instance with an id. */
export function parseLambdaInstances(body: unknown, context: { simulated: boolean }): Instance[] {
  return readWire('lambda', 'the instance list', instanceListSchema, body)
    .data.map((instance) => lambdaInstance(instance, context))
    .filter((instance): instance is Instance => instance !== undefined);
}

/** `GET /instances/{id}`: the instance in its `data` envelope. */
export function parseLambdaInstanceAnswer(body: unknown, context: { simulated: boolean }): Instance | undefined {
  return lambdaInstance(readWire('lambda', 'the instance', oneInstanceSchema, body).data, context);
}

/** One instance object as Lambda writes it. */
export function parseLambdaInstance(raw: unknown, context: { simulated: boolean }): Instance | undefined {
  return lambdaInstance(readWire('lambda', 'the instance', instanceSchema, raw), context);
}

/** The instance id a launch answers with, if any. */
export function parseLambdaLaunch(body: unknown): string | undefined {
  return readWire('lambda', 'the launch', launchSchema, body).data.instance_ids[0];
}

/** The account's SSH keys: name and public key. */
export function parseLambdaSshKeys(body: unknown): { name?: string | undefined; public_key?: string | undefined }[] {
  return readWire('lambda', 'the SSH key list', sshKeysSchema, body).data;
}

function lambdaInstance(instance: LambdaInstance, context: { simulated: boolean }): Instance | undefined {
  const id = instance.id;
  if (!id) return undefined;
  const rawStatus = instance.status ?? 'unknown';
  const status = lambdaStatus(rawStatus);
  const type = instance.instance_type;
  const { gpu, count } = lambdaGpuName(type);
  const result: Instance = {
    provider: 'lambda',
    providerInstanceId: id,
    status,
    rawStatus,
    gpu,
    gpuCount: count ?? 1,
    pricePerHour: usd((type.price_cents_per_hour ?? 0) / 100),
    ports: [],
    interruptible: false,
    simulated: context.simulated,
  };
  if (instance.name) result.name = instance.name;
  if (instance.region.name) result.region = instance.region.name;
  const ip = instance.ip;
  if (ip) result.publicIp = ip;
  if (ip && status === 'running') {
    result.ssh = { host: ip, port: 22, user: 'ubuntu' };
    // A VM: every port is on the public IP, but the account firewall opens only SSH unless the user
    // edits it (docs/providers.md §3.4), so the published ports are reached through an SSH tunnel.
    result.ports = taggedPorts(instance.tags).map(({ port, protocol }) => ({ containerPort: port, protocol, host: ip, hostPort: port, tunnel: true }));
  }
  const jupyter = instance.jupyter_url;
  // Lambda's own hosted Jupyter, unless one of our ports already holds the number.
  if (jupyter && status === 'running' && !result.ports.some((port) => port.containerPort === 8888)) {
    result.ports.push({ containerPort: 8888, protocol: 'http', host: new URL(jupyter).host, hostPort: 443, url: jupyter });
  }
  return result;
}

/** Lambda errors: {error:{code,message,suggestion}}; branch on the code, never the text. */
export function lambdaFault(body: unknown, status: number): ProviderFault | undefined {
  if (status >= 200 && status < 300) return undefined;
  const { error } = errorSchema.parse(body);
  const code = error.code;
  const text = [error.message, error.suggestion].filter(Boolean).join(' ') || (typeof body === 'string' ? body : undefined);
  const fault: ProviderFault = { ...(text ? { message: text } : {}), ...(code ? { code } : {}) };
  if (!code) return fault;
  if (code === 'global/invalid-api-key' || code === 'global/account-inactive') return { ...fault, kind: 'auth' };
  // A 403 about the billing address (docs/providers.md §3.6), not about the key.
  if (code === 'global/invalid-address') return { ...fault, kind: 'invalid-request' };
  if (code === 'global/object-does-not-exist' || code === 'global/not-found') return { ...fault, kind: 'not-found' };
  if (code === 'instance-operations/launch/insufficient-capacity') return { ...fault, kind: 'no-capacity' };
  if (code.startsWith('provider/') || code === 'global/internal-error') return { ...fault, kind: 'unavailable' };
  // Any other code: the HTTP status decides (429 rate limit, 5xx such as global/unknown unavailable, 404 not found).
  return fault;
}
