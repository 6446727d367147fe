// Pure Vast.ai normalisation: offers (MB → GB, dph_total incl. storage), instances (three status
// fields → one), SSH (direct mapped 22 or the proxy) and error bodies. No I/O here.
import type { GpuMetrics, Instance, InstanceStatus, PortMapping, SshEndpoint } from '#domain/instance.ts';
import type { Offer } from '#domain/offer.ts';
import { canonicalGpu } from '#domain/gpus.ts';
import { asArray, asObject, HOURS_PER_MONTH, isoFromUnix, num, str, usd, type Json } from './common.ts';
import { countryCode } from './countries.ts';
import type { ProviderFault } from './http.ts';

const MB_PER_GB = 1024;

export function vastGpuName(raw: string, gpuRamMb: number | undefined): string {
  const vram = gpuRamMb === undefined ? undefined : gpuRamMb / MB_PER_GB;
  return canonicalGpu(raw, vram)?.name ?? raw;
}

export function parseVastOffer(raw: unknown, context: { interruptible: boolean; fetchedAt: string; simulated: boolean }): Offer | undefined {
  const offer = asObject(raw);
  const id = str(offer.id);
  const gpuRaw = str(offer.gpu_name);
  const gpuCount = num(offer.num_gpus);
  if (!id || !gpuRaw || !gpuCount) return undefined;
  const gpuRamMb = num(offer.gpu_ram);
  const storage = num(offer.storage_total_cost) ?? 0;
  const base = num(offer.dph_base);
  const minBid = num(offer.min_bid);
  let pricePerHour: number;
  let priceBreakdown: Record<string, number>;
  if (context.interruptible) {
    // An interruptible rental costs what you bid (at least min_bid) plus the same storage.
    if (minBid === undefined) return undefined;
    pricePerHour = usd(minBid + storage);
    priceBreakdown = { 'minimum bid': usd(minBid), disk: usd(storage) };
  } else {
    const total = num(offer.dph_total) ?? (base === undefined ? undefined : base + storage);
    if (total === undefined) return undefined;
    pricePerHour = usd(total);
    priceBreakdown = { gpu: usd(base ?? total - storage), disk: usd(storage) };
  }
  const cores = num(offer.cpu_cores);
  const effective = num(offer.cpu_cores_effective);
  const hostRamMb = num(offer.cpu_ram);
  // cpu_ram is the whole host's RAM; the renter gets the share matching its share of cores.
  const ramGb = hostRamMb !== undefined && cores && effective ? Math.round(((hostRamMb * effective) / cores / MB_PER_GB) * 10) / 10 : undefined;
  const geolocation = str(offer.geolocation);
  const result: Offer = {
    provider: 'vast',
    offerId: id,
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
  const reliability = num(offer.reliability2) ?? num(offer.reliability);
  if (reliability !== undefined) result.reliability = reliability;
  if (effective !== undefined) result.vcpus = effective;
  if (ramGb !== undefined) result.ramGb = ramGb;
  const disk = num(offer.disk_space);
  if (disk !== undefined) result.diskGb = disk;
  const cuda = num(offer.cuda_max_good);
  if (cuda !== undefined) result.cudaVersion = cuda;
  const down = num(offer.inet_down);
  if (down !== undefined) result.inetDownMbps = down;
  const up = num(offer.inet_up);
  if (up !== undefined) result.inetUpMbps = up;
  return result;
}

/** One status from Vast's actual_status (container), intended_status (goal) and cur_state (contract). */
export function vastStatus(instance: Json): InstanceStatus {
  const actual = str(instance.actual_status);
  const intended = str(instance.intended_status);
  const current = str(instance.cur_state);
  if (current === 'unloaded') return 'terminated';
  if (actual === 'created' && /OCI runtime create failed/i.test(str(instance.status_msg) ?? '')) return 'failed';
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

function vastRawStatus(instance: Json): string {
  const actual = str(instance.actual_status) ?? 'null';
  const intended = str(instance.intended_status);
  return intended && intended !== actual ? `${actual} (intended ${intended})` : actual;
}

function hostPort(ports: Json, key: string): number | undefined {
  return num(asObject(asArray(ports[key])[0]).HostPort);
}

export function vastSsh(instance: Json): SshEndpoint | undefined {
  const ip = str(instance.public_ipaddr);
  const direct = hostPort(asObject(instance.ports), '22/tcp');
  if (ip && direct) return { host: ip, port: direct, user: 'root' };
  const proxyHost = str(instance.ssh_host);
  const proxyPort = num(instance.ssh_port);
  if (!proxyHost || !proxyPort) return undefined;
  // The CLI connects one port higher when the runtype also starts Jupyter.
  const jupyter = (str(instance.image_runtype) ?? '').includes('jupyter');
  return { host: proxyHost, port: jupyter ? proxyPort + 1 : proxyPort, user: 'root' };
}

export function vastPorts(instance: Json): PortMapping[] {
  const ip = str(instance.public_ipaddr);
  if (!ip) return [];
  const mappings: PortMapping[] = [];
  for (const [key, value] of Object.entries(asObject(instance.ports))) {
    const match = /^(\d+)\/(tcp|udp)$/.exec(key);
    const published = num(asObject(asArray(value)[0]).HostPort);
    if (!match || published === undefined) continue;
    const containerPort = Number(match[1]);
    const mapping: PortMapping = { containerPort, protocol: 'tcp', host: ip, hostPort: published };
    if (containerPort !== 22) mapping.url = `http://${ip}:${published}`;
    mappings.push(mapping);
  }
  return mappings.sort((a, b) => a.containerPort - b.containerPort);
}

export function parseVastInstance(raw: unknown, context: { fetchedAt: string; simulated: boolean }): Instance | undefined {
  const instance = asObject(raw);
  const id = str(instance.id);
  if (!id) return undefined;
  const status = vastStatus(instance);
  const gpuRaw = str(instance.gpu_name) ?? 'unknown';
  const gpuRamMb = num(instance.gpu_ram) ?? num(instance.gpu_totalram);
  const result: Instance = {
    provider: 'vast',
    providerInstanceId: id,
    status,
    rawStatus: vastRawStatus(instance),
    gpu: vastGpuName(gpuRaw, gpuRamMb),
    gpuCount: num(instance.num_gpus) ?? 1,
    pricePerHour: usd(num(instance.dph_total) ?? 0),
    ports: status === 'running' ? vastPorts(instance) : [],
    interruptible: instance.is_bid === true,
    simulated: context.simulated,
  };
  const label = str(instance.label);
  if (label) result.name = label;
  const message = str(instance.status_msg);
  if (message) result.statusMessage = message;
  const storageHourly = num(instance.storage_total_cost) ?? storageFromMonthly(instance);
  if (storageHourly !== undefined) result.stoppedPricePerHour = usd(storageHourly);
  const image = str(instance.image_uuid);
  if (image) result.image = image;
  const region = str(instance.geolocation);
  if (region) result.region = region;
  const ip = str(instance.public_ipaddr);
  if (ip) result.publicIp = ip;
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

function storageFromMonthly(instance: Json): number | undefined {
  const perGbMonth = num(instance.storage_cost);
  const disk = num(instance.disk_space);
  return perGbMonth === undefined || disk === undefined ? undefined : (perGbMonth * disk) / HOURS_PER_MONTH;
}

function vastMetrics(instance: Json, gpuRamMb: number | undefined, at: string): GpuMetrics | undefined {
  const util = num(instance.gpu_util);
  const temp = num(instance.gpu_temp);
  const vram = num(instance.vmem_usage);
  if (util === undefined && temp === undefined && vram === undefined) return undefined;
  const metrics: GpuMetrics = { at };
  if (util !== undefined) metrics.gpuUtilPercent = util;
  if (temp !== undefined) metrics.gpuTempC = temp;
  if (vram !== undefined) metrics.vramUsedGb = vram;
  if (gpuRamMb !== undefined) metrics.vramTotalGb = Math.round(gpuRamMb / MB_PER_GB);
  return metrics;
}

/** Vast error bodies: {success:false,error,msg}, {detail}, {message}, or plain text (429s). */
export function vastFault(body: unknown, status: number): ProviderFault | undefined {
  const ok = status >= 200 && status < 300;
  if (typeof body === 'string') return ok ? undefined : withKind({ message: body });
  const object = asObject(body);
  if (ok && object.success !== false) return undefined;
  const code = str(object.error);
  const message = str(object.msg) ?? str(object.detail) ?? str(object.message) ?? code;
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
