// RunPod's REST v2 catalogue (https://api.runpod.io/v2/openapi.json, Catalog): GPU types and data
// centres, listed or by id, with availability and the hosts' CUDA versions only when asked for.
import type { Answer, RequestContext, RouteOf } from './http.ts';
import { RUNPOD_DATA_CENTERS, RUNPOD_GPUS, runpodPrices, runpodStock } from './cloud-catalogue.ts';
import type { SimGpuModel } from './gpus.ts';
import { round } from './random.ts';
import { CUDA_VERSION, cudaVersionsFor, stockFor } from './runpod-hosts.ts';
import type { RunpodState } from './runpod-pods.ts';
import { problem } from './runpod-v2-rules.ts';

type DataCenter = (typeof RUNPOD_DATA_CENTERS)[number];

const ok = (json: unknown): Answer => ({ status: 200, json });

function gpuType({ market }: RunpodState, gpu: SimGpuModel, context: RequestContext): Record<string, unknown> {
  const { seed, clock } = market;
  const prices = runpodPrices(seed, gpu, clock.now());
  const cloud = context.query.get('cloud');
  const secure = cloud === 'COMMUNITY' ? false : cloud === 'SECURE' ? true : undefined;
  const minCudaVersion = context.query.get('minCudaVersion') ?? undefined;
  const allowed = context.query.get('cudaVersions')?.split(',').map((version) => version.trim()).filter(Boolean);
  const cuda = allowed?.length ? { allowedCudaVersions: allowed } : minCudaVersion ? { minCudaVersion } : {};
  const stock = stockFor(market, gpu, secure, undefined, cuda);
  const hostVersions = cudaVersionsFor(market, gpu, secure);
  return {
    id: gpu.runpod!.id,
    name: gpu.runpod!.displayName,
    pool: gpu.vast.replace(/\s+/g, '_').toUpperCase(),
    manufacturer: gpu.manufacturer === 'AMD' ? 'AMD' : 'NVIDIA',
    memory: gpu.runpod!.memoryInGb,
    secure: true,
    community: prices.communityPrice !== null,
    price: { secure: prices.securePrice, community: prices.communityPrice ?? 0, serverless: round(prices.securePrice! * 1.4, 2) },
    maxCount: { secure: 8, community: prices.communityPrice === null ? 0 : 8 },
    ...(context.query.get('include') === 'AVAILABILITY'
      ? {
          availability: (stock ?? 'None').toUpperCase(),
          dataCenters: RUNPOD_DATA_CENTERS.map((centre) => ({ id: centre.id, name: centre.name, availability: runpodStock(seed, gpu, `SECURE-${centre.id}`, clock.now()).toUpperCase() })),
          cudaVersions: ['12.2', '12.4', '12.6', '12.8', '12.9'].map((version) => ({ version, available: hostVersions.includes(version) })),
        }
      : {}),
  };
}

/** The query rules: availability filters only with include=AVAILABILITY, which needs a product. */
function queryProblem(context: RequestContext): Answer | undefined {
  const include = context.query.get('include');
  const needsInclude = ['count', 'cloud', 'countryCodes', 'cudaVersions', 'minCudaVersion'].find((name) => context.query.has(name));
  if (!include && needsInclude) return problem(400, 'Bad Request', `${needsInclude} is only valid with include=AVAILABILITY`);
  if (include && include !== 'AVAILABILITY') return problem(422, 'Unprocessable Entity', 'Request validation failed.', ["query.include: value must be one of 'AVAILABILITY'"]);
  if (include === 'AVAILABILITY' && !context.query.get('product')) return problem(400, 'Bad Request', 'include=AVAILABILITY requires product=POD, CLUSTER or SERVERLESS');
  const minCuda = context.query.get('minCudaVersion');
  if (minCuda !== null && !CUDA_VERSION.test(minCuda) && !/^\d+$/.test(minCuda)) return problem(400, 'Bad Request', 'minCudaVersion must be a major or major.minor version such as 12 or 12.8');
  return undefined;
}

function dataCenter({ market }: RunpodState, centre: DataCenter, context: RequestContext): Record<string, unknown> {
  const include = (context.query.get('include') ?? '').split(',');
  return {
    id: centre.id,
    name: centre.name,
    region: centre.region === 'ASIA_PACIFIC' ? 'ASIA' : centre.region,
    globalNetwork: false,
    networkVolumeTypes: ['STANDARD'],
    compliance: [],
    ...(include.includes('GPU_AVAILABILITY')
      ? { gpuAvailability: RUNPOD_GPUS.map((gpu) => ({ id: gpu.runpod!.id, name: gpu.runpod!.displayName, availability: runpodStock(market.seed, gpu, `SECURE-${centre.id}`, market.clock.now()).toUpperCase() })) }
      : {}),
  };
}

function gpuTypeById(state: RunpodState, context: RequestContext): Answer {
  const id = context.params.id!;
  const gpu = RUNPOD_GPUS.find((candidate) => candidate.runpod!.id === id);
  if (!gpu) return problem(404, 'Not Found', `gpu type ${id} not found`);
  return queryProblem(context) ?? ok(gpuType(state, gpu, context));
}

function dataCenterById(state: RunpodState, context: RequestContext): Answer {
  const id = context.params.id!;
  const centre = RUNPOD_DATA_CENTERS.find((candidate) => candidate.id === id);
  return centre ? ok(dataCenter(state, centre, context)) : problem(404, 'Not Found', `data center ${id} not found`);
}

/** The catalogue is public: third parties read it without a key. */
export const CATALOGUE_ROUTES: RouteOf<RunpodState>[] = [
  { method: 'GET', path: '/v2/catalog/gpus', endpoint: 'offers', anonymous: true, handle: (state, context) => queryProblem(context) ?? ok({ gpus: RUNPOD_GPUS.map((gpu) => gpuType(state, gpu, context)) }) },
  { method: 'GET', path: '/v2/catalog/gpus/:id', endpoint: 'offers', anonymous: true, handle: gpuTypeById },
  { method: 'GET', path: '/v2/catalog/datacenters', endpoint: 'offers', anonymous: true, handle: (state, context) => ok({ dataCenters: RUNPOD_DATA_CENTERS.map((centre) => dataCenter(state, centre, context)) }) },
  { method: 'GET', path: '/v2/catalog/datacenters/:id', endpoint: 'offers', anonymous: true, handle: dataCenterById },
];
