// Pure Vast.ai normalisation: offers (MB → GB, dph_total incl. storage), instances (three status
// fields → one), SSH (direct mapped 22 or the proxy) and error bodies. No I/O here.
// The wire shapes are zod schemas (docs/providers.md §1; field names and types as in the official
// CLI's offer and instance records, https://github.com/vast-ai/vast-cli, vastai/data/).
import { z } from 'zod';
import type { GpuMetrics, Instance, InstanceStatus, PortMapping, SshEndpoint } from '#domain/instance.ts';
import type { Offer } from '#domain/offer.ts';
import { canonicalGpu } from '#domain/gpus.ts';
import { HOURS_PER_MONTH, isoFromUnix, usd } from './common.ts';
import { countryCode } from './countries.ts';
import type { ProviderFault } from './http.ts';
import { readWire, wireBoolean, wireList, wireNumber, wireObject, wireOptionalList, wireOptionalObject, wireString } from './wire.ts';

// gpu_ram and cpu_ram (the whole host's) are MB; dph_* and storage_total_cost US$/h; disk_space GB (§1.2).
const offerSchema = wireOptionalObject({
  id: wireNumber, gpu_name: wireString, num_gpus: wireNumber, gpu_ram: wireNumber,
  dph_base: wireNumber, dph_total: wireNumber, storage_total_cost: wireNumber, min_bid: wireNumber,
  cpu_cores: wireNumber, cpu_cores_effective: wireNumber, cpu_ram: wireNumber,
  geolocation: wireString, reliability: wireNumber, reliability2: wireNumber,
  disk_space: wireNumber, cuda_max_good: wireNumber, inet_down: wireNumber, inet_up: wireNumber,
});
/** One row of a search answer; a row that is not an object reads as empty, so a page keeps its length for the price cursor. */
export type VastOfferRow = z.output<typeof offerSchema>;

const searchSchema = wireObject({ offers: z.array(offerSchema) });

/** `"22/tcp": [{"HostIp": "0.0.0.0", "HostPort": "41022"}]`, present only while running (§1.4). */
const portsSchema = z.record(z.string(), wireOptionalList(wireOptionalObject({ HostPort: wireNumber }))).optional().catch(undefined);

// storage_cost is US$ per GB-month; the metrics (gpu_util, gpu_temp, vmem_usage) are null until running.
const instanceSchema = wireObject({
  id: wireString, label: wireString, image_uuid: wireString, image_runtype: wireString,
  actual_status: wireString, intended_status: wireString, cur_state: wireString, status_msg: wireString,
  gpu_name: wireString, gpu_ram: wireNumber, gpu_totalram: wireNumber, num_gpus: wireNumber,
  dph_total: wireNumber, storage_total_cost: wireNumber, storage_cost: wireNumber, disk_space: wireNumber, is_bid: wireBoolean,
  geolocation: wireString, public_ipaddr: wireString, ssh_host: wireString, ssh_port: wireNumber, ports: portsSchema,
  gpu_util: wireNumber, gpu_temp: wireNumber, vmem_usage: wireNumber, start_date: wireNumber,
});
type VastInstance = z.output<typeof instanceSchema>;

const instancePageSchema = wireObject({ instances: wireList(instanceSchema), next_token: wireString });
/** The key is plural but holds one object, or null once the instance is gone (§1.4). */
const oneInstanceSchema = wireObject({ instances: z.union([z.null(), wireList(instanceSchema), instanceSchema]) });
const userSchema = wireOptionalObject({ id: wireString, username: wireString, email: wireString, credit: wireNumber });
const rentalSchema = wireOptionalObject({ new_contract: wireString });
const errorSchema = wireOptionalObject({ success: wireBoolean, error: wireString, msg: wireString, detail: wireString, message: wireString });

const MB_PER_GB = 1024;

function vastGpuName(raw: string, gpuRamMb: number | undefined): string {
  const vram = gpuRamMb === undefined ? undefined : gpuRamMb / MB_PER_GB;
  return canonicalGpu(raw, vram)?.name ?? raw;
}

/** `POST /bundles/`: every row of the answer, in Vast's order. */
export function readVastOfferRows(body: unknown): VastOfferRow[] {
  return readWire('vast', 'the offer search', searchSchema, body).offers;
}

/** One offer object as Vast writes it. */
export function parseVastOffer(raw: unknown, context: { interruptible: boolean; fetchedAt: string; simulated: boolean }): Offer | undefined {
  return vastOffer(offerSchema.parse(raw), context);
}

/** The offer a search row describes; undefined without an id, a GPU or the price asked for. */
export function vastOffer(offer: VastOfferRow, context: { interruptible: boolean; fetchedAt: string; simulated: boolean }): Offer | undefined {
  const { id, gpu_name: gpuRaw, num_gpus: gpuCount, gpu_ram: gpuRamMb, dph_base: base, min_bid: minBid } = offer;
  if (id === undefined || !gpuRaw || !gpuCount) return undefined;
  const storage = offer.storage_total_cost ?? 0;
  let pricePerHour: number;
  let priceBreakdown: Record<string, number>;
  if (context.interruptible) {
    // An interruptible rental costs what you bid (at least min_bid) plus the same storage.
    if (minBid === undefined) return undefined;
    pricePerHour = usd(minBid + storage);
    priceBreakdown = { 'minimum bid': usd(minBid), disk: usd(storage) };
  } else {
    const total = offer.dph_total ?? (base === undefined ? undefined : base + storage);
    if (total === undefined) return undefined;
    pricePerHour = usd(total);
    priceBreakdown = { gpu: usd(base ?? total - storage), disk: usd(storage) };
  }
  const { cpu_cores: cores, cpu_cores_effective: effective, cpu_ram: hostRamMb, geolocation } = offer;
  // cpu_ram is the whole host's RAM; the renter gets the share matching its share of cores.
  const ramGb = hostRamMb !== undefined && cores && effective ? Math.round(((hostRamMb * effective) / cores / MB_PER_GB) * 10) / 10 : undefined;
  const result: Offer = {
    provider: 'vast',
    offerId: String(id),
    gpu: vastGpuName(gpuRaw, gpuRamMb),
    gpuRaw,
    gpuCount,
    vramGb: gpuRamMb === undefined ? 0 : Math.round(gpuRamMb / MB_PER_GB),
    pricePerHour,
    pricePerGpuHour: usd(pricePerHour / gpuCount),
    interruptible: context.interruptible,
    region: geolocation ?? 'unknown',
    priceBreakdown,
    fetchedAt: context.fetchedAt,
    simulated: context.simulated,
  };
  if (context.interruptible && minBid !== undefined) result.minBidPerHour = usd(minBid);
  const country = countryCode(geolocation);
  if (country) result.country = country;
  const reliability = offer.reliability2 ?? offer.reliability;
  if (reliability !== undefined) result.reliability = reliability;
  if (effective !== undefined) result.vcpus = effective;
  if (ramGb !== undefined) result.ramGb = ramGb;
  if (offer.disk_space !== undefined) result.diskGb = offer.disk_space;
  if (offer.cuda_max_good !== undefined) result.cudaVersion = offer.cuda_max_good;
  if (offer.inet_down !== undefined) result.inetDownMbps = offer.inet_down;
  if (offer.inet_up !== undefined) result.inetUpMbps = offer.inet_up;
  return result;
}

/** One status from Vast's actual_status (container), intended_status (goal) and cur_state (contract). */
function vastStatus(instance: VastInstance): InstanceStatus {
  const { actual_status: actual, intended_status: intended } = instance;
  if (instance.cur_state === 'unloaded') return 'terminated';
  if (actual === 'created' && /OCI runtime create failed/i.test(instance.status_msg ?? '')) return 'failed';
  switch (actual) {
    case undefined:
    case 'created':
      return intended === 'stopped' ? 'stopped' : 'creating';
    case 'loading':
    case 'rebooting':
      return 'starting';
    case 'running':
      return intended === 'stopped' ? 'stopping' : 'running';
    case 'stopped':
    case 'frozen':
      return intended === 'running' ? 'starting' : 'stopped';
    case 'exited':
      return 'exited';
    case 'offline':
    case 'unknown':
      return 'unknown';
    default:
      return 'unknown';
  }
}

function vastRawStatus(instance: VastInstance): string {
  const actual = instance.actual_status ?? 'null';
  const intended = instance.intended_status;
  return intended && intended !== actual ? `${actual} (intended ${intended})` : actual;
}

function vastSsh(instance: VastInstance): SshEndpoint | undefined {
  const ip = instance.public_ipaddr;
  const direct = instance.ports?.['22/tcp']?.[0]?.HostPort;
  if (ip && direct) return { host: ip, port: direct, user: 'root' };
  const { ssh_host: proxyHost, ssh_port: proxyPort } = instance;
  if (!proxyHost || !proxyPort) return undefined;
  // The CLI connects one port higher when the runtype also starts Jupyter.
  const jupyter = (instance.image_runtype ?? '').includes('jupyter');
  return { host: proxyHost, port: jupyter ? proxyPort + 1 : proxyPort, user: 'root' };
}

function vastPorts(instance: VastInstance): PortMapping[] {
  const ip = instance.public_ipaddr;
  if (!ip) return [];
  const mappings: PortMapping[] = [];
  for (const [key, bindings] of Object.entries(instance.ports ?? {})) {
    const match = /^(\d+)\/(tcp|udp)$/.exec(key);
    const published = bindings[0]?.HostPort;
    if (!match || published === undefined) continue;
    const containerPort = Number(match[1]);
    const mapping: PortMapping = { containerPort, protocol: 'tcp', host: ip, hostPort: published };
    if (containerPort !== 22) mapping.url = `http://${ip}:${published}`;
    mappings.push(mapping);
  }
  return mappings.sort((a, b) => a.containerPort - b.containerPort);
}

/** `GET /api/v1/instances/`: one page of instances and the token of the next, if any. */
export function parseVastInstancePage(body: unknown, context: { fetchedAt: string; simulated: boolean }): { instances: Instance[]; nextToken?: string } {
  const page = readWire('vast', 'the instance list', instancePageSchema, body);
  const instances = page.instances.flatMap((instance) => vastInstance(instance, context) ?? []);
  return page.next_token ? { instances, nextToken: page.next_token } : { instances };
}

/** `GET /api/v0/instances/{id}/`: the instance, or undefined once it is gone. */
export function parseVastInstanceAnswer(body: unknown, context: { fetchedAt: string; simulated: boolean }): Instance | undefined {
  const { instances: one } = readWire('vast', 'the instance', oneInstanceSchema, body);
  const instance = Array.isArray(one) ? one[0] : one;
  return instance ? vastInstance(instance, context) : undefined;
}

/** One instance object as Vast writes it. */
export function parseVastInstance(raw: unknown, context: { fetchedAt: string; simulated: boolean }): Instance | undefined {
  return vastInstance(readWire('vast', 'the instance', instanceSchema, raw), context);
}

function vastInstance(instance: VastInstance, context: { fetchedAt: string; simulated: boolean }): Instance | undefined {
  const id = instance.id;
  if (!id) return undefined;
  const status = vastStatus(instance);
  const gpuRaw = instance.gpu_name ?? 'unknown';
  const gpuRamMb = instance.gpu_ram ?? instance.gpu_totalram;
  const result: Instance = {
    provider: 'vast',
    providerInstanceId: id,
    status,
    rawStatus: vastRawStatus(instance),
    gpu: vastGpuName(gpuRaw, gpuRamMb),
    gpuCount: instance.num_gpus ?? 1,
    pricePerHour: usd(instance.dph_total ?? 0),
    ports: status === 'running' ? vastPorts(instance) : [],
    interruptible: instance.is_bid === true,
    simulated: context.simulated,
  };
  if (instance.label) result.name = instance.label;
  if (instance.status_msg) result.statusMessage = instance.status_msg;
  const storageHourly = instance.storage_total_cost ?? storageFromMonthly(instance);
  if (storageHourly !== undefined) result.stoppedPricePerHour = usd(storageHourly);
  if (instance.image_uuid) result.image = instance.image_uuid;
  if (instance.geolocation) result.region = instance.geolocation;
  if (instance.public_ipaddr) result.publicIp = instance.public_ipaddr;
  if (status === 'running') {
    const ssh = vastSsh(instance);
    if (ssh) result.ssh = ssh;
    const metrics = vastMetrics(instance, gpuRamMb, context.fetchedAt);
    if (metrics) result.metrics = metrics;
  }
  const createdAt = isoFromUnix(instance.start_date);
  if (createdAt) result.createdAt = createdAt;
  return result;
}

function storageFromMonthly(instance: VastInstance): number | undefined {
  const { storage_cost: perGbMonth, disk_space: disk } = instance;
  return perGbMonth === undefined || disk === undefined ? undefined : (perGbMonth * disk) / HOURS_PER_MONTH;
}

function vastMetrics(instance: VastInstance, gpuRamMb: number | undefined, at: string): GpuMetrics | undefined {
  const { gpu_util: util, gpu_temp: temp, vmem_usage: vram } = instance;
  if (util === undefined && temp === undefined && vram === undefined) return undefined;
  const metrics: GpuMetrics = { at };
  if (util !== undefined) metrics.gpuUtilPercent = util;
  if (temp !== undefined) metrics.gpuTempC = temp;
  if (vram !== undefined) metrics.vramUsedGb = vram;
  if (gpuRamMb !== undefined) metrics.vramTotalGb = Math.round(gpuRamMb / MB_PER_GB);
  return metrics;
}

/** `GET /users/current/`: the account's id, name and credit. */
export function parseVastUser(body: unknown): { id: string; name?: string; credit?: number } {
  const user = userSchema.parse(body);
  const name = user.email ?? user.username;
  return { id: user.id ?? user.username ?? 'unknown', ...(name ? { name } : {}), ...(user.credit !== undefined ? { credit: user.credit } : {}) };
}

/** The instance a rental created: `new_contract` of its answer, or of an error body when a failed rental left one behind (§1.3). */
export function parseVastNewContract(body: unknown): string | undefined {
  return rentalSchema.parse(body).new_contract;
}

/** Vast error bodies: {success:false,error,msg}, {detail}, {message}, or plain text (429s). */
export function vastFault(body: unknown, status: number): ProviderFault | undefined {
  const ok = status >= 200 && status < 300;
  if (typeof body === 'string') return ok ? undefined : withKind({ message: body });
  const answer = errorSchema.parse(body);
  if (ok && answer.success !== false) return undefined;
  const code = answer.error;
  const message = answer.msg ?? answer.detail ?? answer.message ?? code;
  return withKind({ ...(message ? { message } : {}), ...(code ? { code } : {}) });
}

function withKind(fault: ProviderFault): ProviderFault {
  const text = `${fault.code ?? ''} ${fault.message ?? ''}`;
  if (/invalid user key|invalid api key|unauthori[sz]ed|not authenticated/i.test(text)) return { ...fault, kind: 'auth' };
  if (fault.code === 'no_such_instance') return { ...fault, kind: 'not-found' };
  if (fault.code === 'no_such_ask') return { ...fault, kind: 'no-capacity' };
  if (/too frequent/i.test(text)) return { ...fault, kind: 'rate-limit' };
  return fault;
}
