// TensorDock (v2 API): per-location component pricing; instances are VMs (Docker via cloud-init),
// SSH through a forwarded port. No restart, no spot, no documented balance endpoint in v2.
import type { Instance } from '#domain/instance.ts';
import { providerEntry } from '#domain/providers.ts';
import type { Offer } from '#domain/offer.ts';
import { clientOptions, type AdapterOptions } from './adapter-options.ts';
import { cloudConfig } from './cloud-init.ts';
import { COMMON_GPU_COUNTS, DEFAULT_DISK_GB, requireCapability, unsupported } from './common.ts';
import { ProviderError } from './errors.ts';
import { ProviderHttpClient } from './http.ts';
import {
  parseTensordockCreatedId,
  parseTensordockInstance,
  parseTensordockInstances,
  parseTensordockLocations,
  parseTensordockOfferId,
  tensordockFault,
  tensordockSizing,
} from './tensordock-parse.ts';
import type { EndpointIntervals } from './throttle.ts';
import type { Account, Balance, Capabilities, LaunchSpec, OfferQuery, ProviderAdapter } from './types.ts';

/** 100 requests per minute per organisation. */
export const TENSORDOCK_INTERVALS_MS: EndpointIntervals = { '*': 600 };

const VM_IMAGE = 'ubuntu2404';
const FIRST_EXTERNAL_PORT = 20_000;
/** Deletes often take longer than 12 s; TensorDock's own guidance is to allow 20–30 s. */
const DESTROY_TIMEOUT_MS = 30_000;

export class TensordockAdapter implements ProviderAdapter {
  readonly name = 'tensordock' as const;
  readonly capabilities: Capabilities = providerEntry('tensordock').capabilities;
  private readonly http: ProviderHttpClient;
  private readonly now: () => Date;
  private readonly destroyTimeoutMs: number;

  constructor(options: AdapterOptions) {
    this.http = new ProviderHttpClient({
      ...clientOptions(options),
      provider: 'tensordock',
      baseUrl: options.baseUrl,
      protocol: { faultOf: tensordockFault },
      intervals: TENSORDOCK_INTERVALS_MS,
    });
    this.destroyTimeoutMs = Math.max(options.timeoutMs, DESTROY_TIMEOUT_MS);
    this.now = options.now ?? (() => new Date());
  }

  async verifyKey(): Promise<Account> {
    // v2 has no documented "who am I"; listing instances needs a valid token and changes nothing.
    const { body, simulated } = await this.http.request({ method: 'GET', path: '/api/v2/instances', endpoint: 'account' });
    const count = parseTensordockInstances(body, { simulated }).length;
    return { id: 'tensordock-organisation', name: `TensorDock organisation (${count} instance${count === 1 ? '' : 's'})` };
  }

  async listOffers(query: OfferQuery = {}): Promise<Offer[]> {
    if (query.interruptible) return [];
    const { body, simulated } = await this.http.request({ method: 'GET', path: '/api/v2/locations', endpoint: 'offers' });
    const wanted = query.gpus?.length ? new Set(query.gpus) : undefined;
    const context = { diskGb: query.diskGb ?? DEFAULT_DISK_GB, fetchedAt: this.now().toISOString(), simulated };
    const counts = query.gpuCount ? [query.gpuCount] : COMMON_GPU_COUNTS;
    return counts.flatMap((gpuCount) => parseTensordockLocations(body, { ...context, gpuCount })).filter((offer) => !wanted || wanted.has(offer.gpu));
  }

  async listInstances(): Promise<Instance[]> {
    const { body, simulated } = await this.http.request({ method: 'GET', path: '/api/v2/instances', endpoint: 'list' });
    return parseTensordockInstances(body, { simulated });
  }

  async getInstance(id: string): Promise<Instance | undefined> {
    const { status, body, simulated } = await this.http.request({ method: 'GET', path: `/api/v2/instances/${encodeURIComponent(id)}`, endpoint: 'get', expect: [404] });
    if (status === 404) return undefined;
    return parseTensordockInstance(body, { simulated });
  }

  async create(spec: LaunchSpec): Promise<Instance> {
    if (spec.bidPerHour !== undefined) requireCapability('tensordock', this.capabilities, 'interruptible');
    const offer = parseTensordockOfferId(spec.offerId);
    if (!offer) throw new ProviderError('tensordock', 'invalid-request', `TensorDock offer id '${spec.offerId}' is not one ComputeHub issued. Search again with \`prices\`.`);
    if (!spec.sshPublicKey) throw new ProviderError('tensordock', 'invalid-request', 'TensorDock requires an SSH public key for every VM. Add your public key to the template and deploy again.');
    const size = tensordockSizing(spec.gpuCount, spec.diskGb, {});
    const internalPorts = [22, ...spec.ports.map((port) => port.port).filter((port) => port !== 22)];
    const attributes = {
      name: spec.name,
      type: 'virtualmachine',
      image: VM_IMAGE,
      resources: { vcpu_count: offer.vcpus, ram_gb: offer.ramGb, storage_gb: size.storageGb, gpus: { [offer.v0Name]: { count: spec.gpuCount } } },
      location_id: offer.locationId,
      useDedicatedIp: false,
      port_forwards: internalPorts.map((port, index) => ({ internal_port: port, external_port: FIRST_EXTERNAL_PORT + index })),
      ssh_key: spec.sshPublicKey,
      cloud_init: cloudConfig(spec),
    };
    const { body, simulated } = await this.http.request({
      method: 'POST',
      path: '/api/v2/instances',
      body: { data: { type: 'virtualmachine', attributes } },
      endpoint: 'create',
      idempotent: false,
    });
    const id = parseTensordockCreatedId(body);
    if (!id) throw new ProviderError('tensordock', 'bad-response', 'TensorDock accepted the VM but returned no id. Check `instances` before trying again.');
    const instance = await this.getInstance(id).catch(() => undefined);
    // The create answer carries the id, so it reads as an instance when the follow-up read fails.
    return instance ?? parseTensordockInstance(body, { simulated })!;
  }

  async start(id: string): Promise<void> {
    await this.http.request({ method: 'POST', path: `/api/v2/instances/${encodeURIComponent(id)}/start`, endpoint: 'start', idempotent: true });
  }

  async stop(id: string): Promise<void> {
    await this.http.request({ method: 'POST', path: `/api/v2/instances/${encodeURIComponent(id)}/stop`, endpoint: 'stop', idempotent: true });
  }

  async restart(): Promise<void> {
    throw unsupported('tensordock', this.capabilities, 'restart');
  }

  async destroy(id: string): Promise<void> {
    try {
      await this.http.request({ method: 'DELETE', path: `/api/v2/instances/${encodeURIComponent(id)}`, endpoint: 'destroy', timeoutMs: this.destroyTimeoutMs });
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'not-found') return;
      throw error;
    }
  }

  async balance(): Promise<Balance> {
    throw unsupported('tensordock', this.capabilities, 'balance');
  }
}
