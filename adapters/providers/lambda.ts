// Lambda Cloud: a fixed catalogue of VM types priced in cents, capacity per region. No stop/start,
// no spot, no balance API, no Docker image field: images run via cloud-init on the VM.
import { createHash } from 'node:crypto';
import type { Instance } from '#domain/instance.ts';
import { providerEntry } from '#domain/providers.ts';
import type { Offer } from '#domain/offer.ts';
import { clientOptions, type AdapterOptions } from './adapter-options.ts';
import { cloudConfigUserData } from './cloud-init.ts';
import { requireCapability, unsupported } from './common.ts';
import { ProviderError } from './errors.ts';
import { ProviderHttpClient } from './http.ts';
import { lambdaFault, lambdaPortTags, parseLambdaInstanceAnswer, parseLambdaInstances, parseLambdaInstanceTypes, parseLambdaLaunch, parseLambdaOfferId, parseLambdaSshKeys } from './lambda-parse.ts';
import type { EndpointIntervals } from './throttle.ts';
import type { Account, Balance, Capabilities, LaunchSpec, OfferQuery, ProviderAdapter } from './types.ts';

/** Lambda asks for about one request per second, and one launch per 12 s. */
export const LAMBDA_INTERVALS_MS: EndpointIntervals = { '*': 1_000, create: 12_000 };

const MAX_NAME_LENGTH = 64;

export class LambdaAdapter implements ProviderAdapter {
  readonly name = 'lambda' as const;
  readonly capabilities: Capabilities = providerEntry('lambda').capabilities;
  private readonly http: ProviderHttpClient;
  private readonly now: () => Date;

  constructor(options: AdapterOptions) {
    this.http = new ProviderHttpClient({
      ...clientOptions(options),
      provider: 'lambda',
      baseUrl: options.baseUrl,
      protocol: { faultOf: lambdaFault },
      intervals: LAMBDA_INTERVALS_MS,
    });
    this.now = options.now ?? (() => new Date());
  }

  async verifyKey(): Promise<Account> {
    // The Cloud API has no "who am I"; listing SSH keys needs a valid key and changes nothing.
    const { body } = await this.http.request({ method: 'GET', path: '/api/v1/ssh-keys', endpoint: 'account' });
    const keys = parseLambdaSshKeys(body).length;
    return { id: 'lambda-cloud', name: `Lambda Cloud account (${keys} SSH key${keys === 1 ? '' : 's'})` };
  }

  async listOffers(query: OfferQuery = {}): Promise<Offer[]> {
    if (query.interruptible) return [];
    const { body, simulated } = await this.http.request({ method: 'GET', path: '/api/v1/instance-types', endpoint: 'offers' });
    const wanted = query.gpus?.length ? new Set(query.gpus) : undefined;
    return parseLambdaInstanceTypes(body, { fetchedAt: this.now().toISOString(), simulated }).filter(
      (offer) => (!wanted || wanted.has(offer.gpu)) && (!query.gpuCount || offer.gpuCount === query.gpuCount),
    );
  }

  async listInstances(): Promise<Instance[]> {
    const { body, simulated } = await this.http.request({ method: 'GET', path: '/api/v1/instances', endpoint: 'list' });
    return parseLambdaInstances(body, { simulated });
  }

  async getInstance(id: string): Promise<Instance | undefined> {
    const { status, body, simulated } = await this.http.request({ method: 'GET', path: `/api/v1/instances/${encodeURIComponent(id)}`, endpoint: 'get', expect: [404] });
    if (status === 404) return undefined;
    return parseLambdaInstanceAnswer(body, { simulated });
  }

  async create(spec: LaunchSpec): Promise<Instance> {
    if (spec.bidPerHour !== undefined) requireCapability('lambda', this.capabilities, 'interruptible');
    const offer = parseLambdaOfferId(spec.offerId);
    if (!offer) throw new ProviderError('lambda', 'invalid-request', `Lambda offer id '${spec.offerId}' is not one ComputeHub issued (expected <instance type>@<region>). Search again with \`prices\`.`);
    const sshKeyName = await this.sshKeyName(spec.sshPublicKey);
    const tags = lambdaPortTags(spec.ports);
    const { body, simulated } = await this.http.request({
      method: 'POST',
      path: '/api/v1/instance-operations/launch',
      body: {
        region_name: offer.region,
        instance_type_name: offer.typeName,
        ssh_key_names: [sshKeyName],
        name: spec.name.slice(0, MAX_NAME_LENGTH),
        user_data: cloudConfigUserData(spec),
        ...(tags.length > 0 && { tags }),
      },
      endpoint: 'create',
      idempotent: false,
    });
    const id = parseLambdaLaunch(body);
    if (!id) throw new ProviderError('lambda', 'bad-response', 'Lambda accepted the launch but returned no instance id. Check `instances` before trying again.');
    const instance = await this.getInstance(id).catch(() => undefined);
    return instance ?? { provider: 'lambda', providerInstanceId: id, name: spec.name, status: 'creating', rawStatus: 'booting', gpu: 'unknown', gpuCount: spec.gpuCount, pricePerHour: 0, ports: [], interruptible: false, simulated };
  }

  async start(): Promise<void> {
    throw unsupported('lambda', this.capabilities, 'start');
  }

  async stop(): Promise<void> {
    throw unsupported('lambda', this.capabilities, 'stop');
  }

  async restart(id: string): Promise<void> {
    await this.http.request({ method: 'POST', path: '/api/v1/instance-operations/restart', body: { instance_ids: [id] }, endpoint: 'restart', idempotent: true });
  }

  async destroy(id: string): Promise<void> {
    // Terminating an instance that is already terminating answers global/unknown, so look first.
    const instance = await this.getInstance(id);
    if (!instance || instance.status === 'terminated') return;
    try {
      await this.http.request({ method: 'POST', path: '/api/v1/instance-operations/terminate', body: { instance_ids: [id] }, endpoint: 'destroy', idempotent: true });
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'not-found') return;
      // It may have started terminating since the look (global/unknown, docs/providers.md §3.5): that is done too.
      if (error instanceof ProviderError && error.code === 'global/unknown') {
        const latest = await this.getInstance(id).catch(() => instance);
        if (!latest || latest.status === 'terminated') return;
      }
      throw error;
    }
  }

  async balance(): Promise<Balance> {
    throw unsupported('lambda', this.capabilities, 'balance');
  }

  /** Lambda launches need exactly one registered key name; register the deploy's key once, by fingerprint. */
  private async sshKeyName(publicKey: string | undefined): Promise<string> {
    const { body } = await this.http.request({ method: 'GET', path: '/api/v1/ssh-keys', endpoint: 'sshKeys' });
    const keys = parseLambdaSshKeys(body);
    if (!publicKey) {
      const first = keys[0]?.name;
      if (first) return first;
      throw new ProviderError('lambda', 'invalid-request', 'Lambda needs an SSH key to launch an instance and the account has none. Add your public key to the template (or on the Lambda dashboard) and deploy again.');
    }
    const wanted = publicKey.trim();
    const existing = keys.find((key) => key.public_key?.trim() === wanted);
    if (existing?.name) return existing.name;
    const name = `computehub-${createHash('sha256').update(wanted).digest('hex').slice(0, 12)}`;
    if (keys.some((key) => key.name === name)) return name;
    await this.http.request({ method: 'POST', path: '/api/v1/ssh-keys', body: { name, public_key: wanted }, endpoint: 'sshKeys', idempotent: true });
    return name;
  }
}
