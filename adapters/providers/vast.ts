// Vast.ai: a marketplace of host-priced machines; an instance is a Docker container on one of them.
// REST with odd verbs (search is POST, create is PUT on the offer), 25-per-page instance lists and
// per-endpoint minimum intervals that answer 429 without Retry-After.
import type { Instance } from '#domain/instance.ts';
import { providerEntry } from '#domain/providers.ts';
import type { Logger } from '#src/log.ts';
import type { Offer } from '#domain/offer.ts';
import { clientOptions, type AdapterOptions } from './adapter-options.ts';
import { ProviderError } from './errors.ts';
import { ProviderHttpClient } from './http.ts';
import type { EndpointIntervals } from './throttle.ts';
import type { Account, Balance, Capabilities, LaunchSpec, OfferList, OfferQuery, ProviderAdapter } from './types.ts';
import { parseVastInstanceAnswer, parseVastInstancePage, parseVastNewContract, parseVastUser, readVastOfferRows, vastFault, vastOffer } from './vast-parse.ts';
import { nextCursor, VAST_MAX_PAGES, vastSearchBody, type VastCursor } from './vast-search.ts';

/** Vast's documented minimum seconds between calls, per endpoint (search: 10 per minute). */
export const VAST_INTERVALS_MS: EndpointIntervals = {
  offers: 6_000,
  create: 4_500,
  destroy: 3_000,
  get: 2_000,
  list: 1_000,
  start: 1_000,
  stop: 1_000,
  restart: 1_000,
  account: 1_000,
  sshKeys: 1_000,
};

const MIN_DISK_GB = 8;
// Vast's documented input limits, checked first so the user learns which one and by how much.
const MAX_IMAGE_CHARS = 1_024;
const MAX_ONSTART_CHARS = 4_096;
const MAX_ENV_VALUE_CHARS = 256;
const MAX_LABEL_CHARS = 256;
const MAX_ENV_BYTES = 32 * 1024;
const MAX_LIST_PAGES = 40;

export class VastAdapter implements ProviderAdapter {
  readonly name = 'vast' as const;
  readonly capabilities: Capabilities = providerEntry('vast').capabilities;
  private readonly http: ProviderHttpClient;
  private readonly now: () => Date;
  private readonly log: Logger;

  constructor(options: AdapterOptions) {
    this.log = options.log;
    this.http = new ProviderHttpClient({
      ...clientOptions(options),
      provider: 'vast',
      baseUrl: options.baseUrl,
      protocol: { faultOf: vastFault },
      intervals: VAST_INTERVALS_MS,
    });
    this.now = options.now ?? (() => new Date());
  }

  async verifyKey(): Promise<Account> {
    const { body } = await this.http.request({ method: 'GET', path: '/api/v0/users/current/', endpoint: 'account' });
    const { id, name } = parseVastUser(body);
    return name ? { id, name } : { id };
  }

  /** One answer: Vast's cheapest offers for the query (up to VAST_PAGE_LIMIT). */
  async listOffers(query: OfferQuery = {}): Promise<Offer[]> {
    return (await this.searchPage(query)).offers;
  }

  /** The whole list for the query, cheapest first, one answer per VAST_INTERVALS_MS.offers, up to VAST_MAX_PAGES. */
  async searchOffers(query: OfferQuery, onProgress?: (list: OfferList) => void): Promise<OfferList> {
    const byId = new Map<string, Offer>();
    let cursor: VastCursor | undefined;
    for (let page = 1; ; page++) {
      const answer = await this.searchPage(query, cursor);
      // Prices move while the list is walked: an offer seen twice is kept once, as first seen.
      for (const offer of answer.offers) if (!byId.has(offer.offerId)) byId.set(offer.offerId, offer);
      cursor = answer.next;
      if (!cursor) return { offers: [...byId.values()], partial: false };
      if (page === VAST_MAX_PAGES) return { offers: [...byId.values()], partial: true };
      onProgress?.({ offers: [...byId.values()], partial: true });
    }
  }

  private async searchPage(query: OfferQuery, cursor?: VastCursor): Promise<{ offers: Offer[]; next?: VastCursor }> {
    const interruptible = query.interruptible === true;
    const body = vastSearchBody(query, cursor);
    const { body: answer, simulated } = await this.http.request({ method: 'POST', path: '/api/v0/bundles/', body, endpoint: 'offers', idempotent: true });
    const fetchedAt = this.now().toISOString();
    const rows = readVastOfferRows(answer);
    const wanted = query.gpus?.length ? new Set(query.gpus) : undefined;
    const offers = rows
      .map((row) => vastOffer(row, { interruptible, fetchedAt, simulated }))
      .filter((offer): offer is Offer => offer !== undefined && (!wanted || wanted.has(offer.gpu)));
    const next = nextCursor(rows, cursor);
    return next ? { offers, next } : { offers };
  }

  async listInstances(): Promise<Instance[]> {
    const instances: Instance[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const { body, simulated } = await this.http.request({
        method: 'GET',
        path: '/api/v1/instances/',
        query: { limit: 25, ...(token ? { after_token: token } : {}) },
        endpoint: 'list',
      });
      const page = parseVastInstancePage(body, { fetchedAt: this.now().toISOString(), simulated });
      instances.push(...page.instances);
      token = page.nextToken;
      if (!token) break;
    }
    return instances;
  }

  async getInstance(id: string): Promise<Instance | undefined> {
    const { status, body, simulated } = await this.http.request({ method: 'GET', path: `/api/v0/instances/${encodeURIComponent(id)}/`, endpoint: 'get', expect: [404] });
    if (status === 404) return undefined;
    return parseVastInstanceAnswer(body, { fetchedAt: this.now().toISOString(), simulated });
  }

  async create(spec: LaunchSpec): Promise<Instance> {
    checkVastLimits(spec);
    const env: Record<string, string> = { ...spec.env };
    // Vast's CLI sends port mappings as env keys "-p 8080:8080"; 22 comes with the ssh runtype.
    for (const port of spec.ports) if (port.port !== 22) env[`-p ${port.port}:${port.port}`] = '1';
    const body: Record<string, unknown> = {
      client_id: 'me',
      image: spec.image,
      disk: Math.max(MIN_DISK_GB, spec.diskGb),
      label: spec.name,
      env,
      runtype: 'ssh_direc ssh_proxy',
      cancel_unavail: true,
    };
    if (spec.startScript) body.onstart = spec.startScript;
    if (spec.bidPerHour !== undefined) body.price = spec.bidPerHour;
    let contract: string | undefined;
    let simulated = false;
    try {
      const { body: answer, simulated: fromSimulator } = await this.http.request({ method: 'PUT', path: `/api/v0/asks/${encodeURIComponent(spec.offerId)}/`, body, endpoint: 'create', idempotent: false });
      contract = parseVastNewContract(answer);
      simulated = fromSimulator;
    } catch (error) {
      throw await this.cleanUpFailedCreate(spec, error);
    }
    if (!contract) throw new ProviderError('vast', 'bad-response', 'Vast.ai accepted the rental but did not say which instance it created (no new_contract). Check `instances` before trying again.');
    if (spec.sshPublicKey) await this.attachSshKey(contract, spec.sshPublicKey);
    const instance = await this.getInstance(contract).catch(() => undefined);
    return instance ?? this.placeholder(contract, spec, simulated);
  }

  /**
   * A failed create can still leave a stopped instance behind (a too-low bid does; the error body may
   * name it in new_contract). Destroy whatever carries our label so nothing bills in silence.
   */
  private async cleanUpFailedCreate(spec: LaunchSpec, error: unknown): Promise<unknown> {
    if (!(error instanceof ProviderError)) return error;
    const leftovers = new Set<string>();
    const named = parseVastNewContract(error.body);
    if (named) leftovers.add(named);
    try {
      for (const instance of await this.listInstances()) if (instance.name === spec.name && instance.status !== 'terminated') leftovers.add(instance.providerInstanceId);
    } catch {
      // The list failing must not hide the create error; a named leftover is still destroyed below.
    }
    const destroyed: string[] = [];
    for (const id of leftovers) {
      try {
        await this.destroy(id);
        destroyed.push(id);
      } catch {
        return new ProviderError('vast', error.kind, `${error.message} Vast.ai may have left instance ${id} behind and ComputeHub could not destroy it: destroy it with \`destroy\` or on the Vast.ai console.`, errorOptions(error));
      }
    }
    if (destroyed.length === 0) return error;
    const hint = error.code === 'invalid_price' ? ' Raise the bid above the offer\'s minimum bid.' : '';
    return new ProviderError('vast', error.kind, `${error.message}${hint} Vast.ai left a stopped instance (${destroyed.join(', ')}) behind; ComputeHub destroyed it, so nothing is billed.`, errorOptions(error));
  }

  /** Vast injects only the account's keys at creation; the deploy's own key is attached afterwards. */
  private async attachSshKey(id: string, publicKey: string): Promise<void> {
    try {
      await this.http.request({ method: 'POST', path: `/api/v0/instances/${encodeURIComponent(id)}/ssh/`, body: { ssh_key: publicKey.trim() }, endpoint: 'sshKeys', idempotent: true });
    } catch (error) {
      // The rental exists and bills; failing the deploy here would hide it. SSH falls back to the account's keys.
      this.log.warn({ provider: 'vast', instance: id, err: error instanceof Error ? error.message : String(error) }, 'Vast.ai did not attach the SSH key to the new instance');
    }
  }

  async start(id: string): Promise<void> {
    await this.setState(id, 'running', 'start');
  }

  async stop(id: string): Promise<void> {
    await this.setState(id, 'stopped', 'stop');
  }

  async restart(id: string): Promise<void> {
    await this.http.request({ method: 'PUT', path: `/api/v0/instances/reboot/${encodeURIComponent(id)}/`, body: {}, endpoint: 'restart' });
  }

  async destroy(id: string): Promise<void> {
    try {
      await this.http.request({ method: 'DELETE', path: `/api/v0/instances/${encodeURIComponent(id)}/`, endpoint: 'destroy' });
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'not-found') return;
      throw error;
    }
  }

  async balance(): Promise<Balance> {
    const { body } = await this.http.request({ method: 'GET', path: '/api/v0/users/current/', endpoint: 'account' });
    const { credit } = parseVastUser(body);
    if (credit === undefined) throw new ProviderError('vast', 'bad-response', 'Vast.ai did not report a credit balance for this account (no `credit` in /users/current). Check the balance on the Vast.ai console.');
    return { creditUsd: credit };
  }

  private async setState(id: string, state: 'running' | 'stopped', endpoint: 'start' | 'stop'): Promise<void> {
    await this.http.request({ method: 'PUT', path: `/api/v0/instances/${encodeURIComponent(id)}/`, body: { state }, endpoint });
  }

  private placeholder(id: string, spec: LaunchSpec, simulated: boolean): Instance {
    return {
      provider: 'vast',
      providerInstanceId: id,
      name: spec.name,
      status: 'creating',
      rawStatus: 'null',
      gpu: 'unknown',
      gpuCount: spec.gpuCount,
      pricePerHour: 0,
      image: spec.image,
      ports: [],
      interruptible: spec.bidPerHour !== undefined,
      simulated,
    };
  }
}

function checkVastLimits(spec: LaunchSpec): void {
  const problems: string[] = [];
  if (spec.image.length > MAX_IMAGE_CHARS) problems.push(`the image name is ${spec.image.length} characters (at most ${MAX_IMAGE_CHARS})`);
  if ((spec.startScript ?? '').length > MAX_ONSTART_CHARS) problems.push(`the start script is ${spec.startScript!.length} characters (at most ${MAX_ONSTART_CHARS}); put it in the image or download it from the script`);
  for (const [name, value] of Object.entries(spec.env)) {
    if (value.length > MAX_ENV_VALUE_CHARS) problems.push(`env ${name} is ${value.length} characters (at most ${MAX_ENV_VALUE_CHARS})`);
  }
  const envBytes = Buffer.byteLength(JSON.stringify(spec.env));
  if (envBytes > MAX_ENV_BYTES) problems.push(`the environment is ${envBytes} bytes in all (at most ${MAX_ENV_BYTES})`);
  if (spec.name.length > MAX_LABEL_CHARS) problems.push(`the name is ${spec.name.length} characters (at most ${MAX_LABEL_CHARS})`);
  if (problems.length) throw new ProviderError('vast', 'invalid-request', `Vast.ai would refuse this launch: ${problems.join('; ')}.`);
}

function errorOptions(error: ProviderError) {
  return { ...(error.status !== undefined ? { status: error.status } : {}), ...(error.code ? { code: error.code } : {}) };
}
