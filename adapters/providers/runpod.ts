// RunPod: per-GPU-type prices with stock levels; a pod is a container. GraphQL for offers, pods,
// spot and balance (REST v2 lacks spot and balance); REST v2 for restart (GraphQL has none) and for
// on-demand creates (runpod-v2.ts: the start command in RunPod's JSON form replaces the image's ENTRYPOINT).
import type { Instance } from '#domain/instance.ts';
import { providerEntry } from '#domain/providers.ts';
import type { Offer } from '#domain/offer.ts';
import { clientOptions, type AdapterOptions } from './adapter-options.ts';
import { shellQuote } from './cloud-init.ts';
import { asObject, COMMON_GPU_COUNTS, DEFAULT_DISK_GB, num, str } from './common.ts';
import { ProviderError } from './errors.ts';
import { ProviderHttpClient } from './http.ts';
import { parseRunpodV2Pod, runpodV2CreateBody } from './runpod-v2.ts';
import { parseRunpodGpuType, readRunpodGpuTypesAnswer, readRunpodPodsAnswer, parseRunpodOfferId, parseRunpodPod, runpodFault, RUNPOD_CONTAINER_DISK_GB } from './runpod-parse.ts';
import type { Account, Balance, Capabilities, LaunchSpec, OfferQuery, ProviderAdapter } from './types.ts';

const POD_FIELDS = `id name desiredStatus imageName gpuCount vcpuCount memoryInGb containerDiskInGb volumeInGb costPerHr podType ports lastStatusChange machineId
  machine { gpuTypeId gpuDisplayName location podHostId }
  runtime { uptimeInSeconds ports { ip isIpPublic privatePort publicPort type } gpus { id gpuUtilPercent memoryUtilPercent } }`;

const GPU_TYPES_QUERY = `query GpuTypes($lowest: GpuLowestPriceInput) {
  gpuTypes {
    id displayName manufacturer memoryInGb secureCloud communityCloud maxGpuCount
    securePrice communityPrice secureSpotPrice communitySpotPrice
    lowestPrice(input: $lowest) { minimumBidPrice uninterruptablePrice minVcpu minMemory stockStatus gpuTypeCudaVersions }
  }
  dataCenters { id name listed location gpuAvailability { gpuTypeId stockStatus } }
}`;

const POD_ID = /^[A-Za-z0-9_-]+$/;

export class RunpodAdapter implements ProviderAdapter {
  readonly name = 'runpod' as const;
  readonly capabilities: Capabilities = providerEntry('runpod').capabilities;
  private readonly http: ProviderHttpClient;
  private readonly now: () => Date;

  constructor(options: AdapterOptions) {
    this.http = new ProviderHttpClient({ ...clientOptions(options), provider: 'runpod', baseUrl: options.baseUrl, protocol: { faultOf: runpodFault } });
    this.now = options.now ?? (() => new Date());
  }

  async verifyKey(): Promise<Account> {
    const me = await this.myself();
    const id = str(me.id) ?? 'unknown';
    const email = str(me.email);
    return email ? { id, name: email } : { id };
  }

  async listOffers(query: OfferQuery = {}): Promise<Offer[]> {
    const lowestPriceGpuCount = query.gpuCount ?? 1;
    const { data, simulated } = await this.graphql(GPU_TYPES_QUERY, { lowest: { gpuCount: lowestPriceGpuCount } }, 'offers');
    const fetchedAt = this.now().toISOString();
    const { gpuTypes, dataCenters } = readRunpodGpuTypesAnswer(data);
    const base = { diskGb: query.diskGb ?? DEFAULT_DISK_GB, interruptible: query.interruptible === true, fetchedAt, simulated, dataCenters, lowestPriceGpuCount };
    const counts = query.gpuCount ? [query.gpuCount] : COMMON_GPU_COUNTS;
    const wanted = query.gpus?.length ? new Set(query.gpus) : undefined;
    return gpuTypes
      .flatMap((raw) => counts.flatMap((gpuCount) => parseRunpodGpuType(raw, { ...base, gpuCount })))
      .filter((offer) => !wanted || wanted.has(offer.gpu));
  }

  async listInstances(): Promise<Instance[]> {
    const { data, simulated } = await this.graphql(`query Pods { myself { pods { ${POD_FIELDS} } } }`, {}, 'list');
    const fetchedAt = this.now().toISOString();
    return readRunpodPodsAnswer(data)
      .map((raw) => parseRunpodPod(raw, { fetchedAt, simulated }))
      .filter((pod): pod is Instance => pod !== undefined);
  }

  async getInstance(id: string): Promise<Instance | undefined> {
    if (!POD_ID.test(id)) return undefined;
    try {
      const { data, simulated } = await this.graphql(`query Pod { pod(input: {podId: ${JSON.stringify(id)}}) { ${POD_FIELDS} } }`, {}, 'get');
      if (data.pod === null || data.pod === undefined) return undefined;
      return parseRunpodPod(data.pod, { fetchedAt: this.now().toISOString(), simulated });
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'not-found') return undefined;
      throw error;
    }
  }

  async create(spec: LaunchSpec): Promise<Instance> {
    const offer = parseRunpodOfferId(spec.offerId);
    if (!offer) throw new ProviderError('runpod', 'invalid-request', `RunPod offer id '${spec.offerId}' is not one ComputeHub issued (expected SECURE:<gpu type>[@<data centre>] or COMMUNITY:<gpu type>). Search again with \`prices\`.`);
    const ports = spec.ports.map((port) => `${port.port}/${port.protocol}`);
    // SSH details need port 22 published over TCP.
    if (!spec.ports.some((port) => port.port === 22)) ports.push('22/tcp');
    // RunPod images install the key found in PUBLIC_KEY (startSsh adds the account's keys the same way).
    const env = spec.sshPublicKey && !spec.env.PUBLIC_KEY ? { ...spec.env, PUBLIC_KEY: spec.sshPublicKey.trim() } : spec.env;
    if (spec.bidPerHour !== undefined) return this.createSpot(spec, offer, ports, env);
    const { body, simulated } = await this.http.request({ method: 'POST', path: '/v2/pods', body: runpodV2CreateBody(spec, offer, ports, env), endpoint: 'create', idempotent: false });
    const instance = parseRunpodV2Pod(body, { fetchedAt: this.now().toISOString(), simulated });
    if (!instance) throw new ProviderError('runpod', 'bad-response', 'RunPod answered the pod create without a pod id. Check `instances` before deploying again.');
    return instance;
  }

  /** Interruptible pods exist only in GraphQL; its dockerArgs goes as a plain command line, which replaces only the CMD. */
  private async createSpot(spec: LaunchSpec, offer: NonNullable<ReturnType<typeof parseRunpodOfferId>>, ports: string[], env: Record<string, string>): Promise<Instance> {
    if (spec.startScript && spec.imageSetsEntrypoint) {
      throw new ProviderError('runpod', 'invalid-request', `${spec.image} starts its own program (ENTRYPOINT), and ComputeHub's RunPod spot pods get the start script only as a command that cannot replace it, so this template would never start there. Deploy it on-demand (without bid=), or rent spot on another provider.`);
    }
    const input: Record<string, unknown> = {
      name: spec.name,
      imageName: spec.image,
      gpuTypeId: offer.gpuTypeId,
      gpuCount: spec.gpuCount,
      cloudType: offer.cloud,
      ...(offer.dataCenterId ? { dataCenterId: offer.dataCenterId } : {}),
      // The requested disk is a volume at /workspace so it survives stop/start; the container disk is wiped on stop.
      containerDiskInGb: RUNPOD_CONTAINER_DISK_GB,
      volumeInGb: spec.diskGb,
      volumeMountPath: '/workspace',
      ports: ports.join(','),
      env: Object.entries(env).map(([key, value]) => ({ key, value })),
      startSsh: true,
      supportPublicIp: true,
      ...(spec.minCudaVersion !== undefined && { minCudaVersion: spec.minCudaVersion.toFixed(1) }),
      bidPerGpu: spec.bidPerHour! / spec.gpuCount,
    };
    // dockerArgs is a command line split shell-style: JSON escaping would hand bash a literal "\n" and
    // turn a multi-line script (starting "#!/bin/bash") into one comment line; single quotes keep it intact.
    if (spec.startScript) input.dockerArgs = `bash -c ${shellQuote(spec.startScript)}`;
    const mutation = `mutation Rent($input: PodRentInterruptableInput!) { podRentInterruptable(input: $input) { ${POD_FIELDS} } }`;
    const { data, simulated } = await this.graphql(mutation, { input }, 'create', false);
    const instance = parseRunpodPod(data.podRentInterruptable, { fetchedAt: this.now().toISOString(), simulated });
    if (!instance) throw new ProviderError('runpod', 'no-capacity', 'RunPod did not create a pod (empty answer), which usually means no machine matched. Pick another offer or try again later.');
    return { ...instance, interruptible: true };
  }

  async start(id: string): Promise<void> {
    const pod = await this.getInstance(id);
    if (!pod) throw new ProviderError('runpod', 'not-found', `RunPod has no pod ${id}; it may have been terminated. Check \`instances\`.`);
    const gpuCount = pod.gpuCount;
    if (pod.interruptible) {
      const bidPerGpu = pod.pricePerHour / gpuCount;
      await this.graphql(`mutation Resume { podBidResume(input: {podId: ${JSON.stringify(id)}, bidPerGpu: ${bidPerGpu}, gpuCount: ${gpuCount}}) { id desiredStatus } }`, {}, 'start');
    } else {
      await this.graphql(`mutation Resume { podResume(input: {podId: ${JSON.stringify(id)}, gpuCount: ${gpuCount}}) { id desiredStatus } }`, {}, 'start');
    }
  }

  async stop(id: string): Promise<void> {
    this.checkId(id);
    await this.graphql(`mutation Stop { podStop(input: {podId: ${JSON.stringify(id)}}) { id desiredStatus } }`, {}, 'stop');
  }

  async restart(id: string): Promise<void> {
    this.checkId(id);
    await this.http.request({ method: 'POST', path: `/v2/pods/${id}/action`, body: { action: 'restart' }, endpoint: 'restart', idempotent: true });
  }

  async destroy(id: string): Promise<void> {
    if (!POD_ID.test(id)) return;
    try {
      await this.graphql(`mutation Terminate { podTerminate(input: {podId: ${JSON.stringify(id)}}) }`, {}, 'destroy');
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'not-found') return;
      throw error;
    }
  }

  async balance(): Promise<Balance> {
    const me = await this.myself();
    const credit = num(me.clientBalance);
    if (credit === undefined) throw new ProviderError('runpod', 'bad-response', 'RunPod did not report a balance (no clientBalance). Check it on the RunPod console.');
    return { creditUsd: credit };
  }

  private async myself() {
    const { data } = await this.graphql('query Myself { myself { id email clientBalance currentSpendPerHr } }', {}, 'account');
    return asObject(data.myself);
  }

  private checkId(id: string): void {
    if (!POD_ID.test(id)) throw new ProviderError('runpod', 'not-found', `'${id}' is not a RunPod pod id. Check \`instances\`.`);
  }

  private async graphql(query: string, variables: Record<string, unknown>, endpoint: string, idempotent = true) {
    const { body, simulated } = await this.http.request({ method: 'POST', path: '/graphql', body: { query, variables }, endpoint, idempotent });
    const data = asObject(asObject(body).data);
    return { data, simulated };
  }
}
