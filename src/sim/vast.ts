// Vast.ai's REST face (docs/providers.md §1): odd verbs, MB units, {"instances": {...}} for one instance,
// keyset pages on /api/v1/instances/, header-less plain-text 429s.
import { bindRoutes, isRecord, numberFrom, type Answer, type Face, type RequestContext, type RouteOf } from './http.ts';
import type { FaultRegistry } from './faults.ts';
import { instanceOr404, pageOfInstances, renderVastInstance, vastFail as fail } from './vast-instance.ts';
import type { Market } from './market.ts';
import { round } from './random.ts';
import { matches, parseVastEnv, parseVastSearch, sortRows } from './vast-query.ts';
import { VAST_DEFAULT_ALLOCATED_STORAGE_GB, VAST_PRICE_FIELDS, vastPriceCore, vastPriceField, vastPrices, type VastOffer, type VastPriceCore } from './vast-catalogue.ts';

import type { SimEndpoint, SimFault } from './types.ts';

interface Candidate {
  offer: VastOffer;
  core: VastPriceCore;
}

/** What one simulator's Vast face keeps besides the market: the account's SSH keys. */
interface VastState {
  market: Market;
  faults: FaultRegistry;
  sshKeys: string[];
}

/** Server default when a search gives no limit (exact Vast default unverified; small, as documented). */
const DEFAULT_SEARCH_LIMIT = 64;
const THRESHOLDS: Partial<Record<SimEndpoint, number>> = { offers: 6, create: 4.5, destroy: 3, get: 2, list: 1, start: 1, stop: 1, restart: 1, account: 1 };

const SEARCH_TYPES = new Set(['on-demand', 'ondemand', 'bid', 'reserved']);
/** Runtype words the CLI (`ssh_direc`, no "t") and the OpenAPI (`ssh_direct`) send, space-separated (§1.3). */
const RUNTYPE_WORDS = new Set(['ssh', 'ssh_direc', 'ssh_direct', 'ssh_proxy', 'jupyter', 'jupyter_direc', 'jupyter_direct', 'jupyter_proxy', 'args']);
const MAX_ENV_BYTES = 32 * 1024;


function searchOffers({ market }: VastState, query: Record<string, unknown>): Answer {
  // §1.2: type is on-demand (CLI) / ondemand (OpenAPI), bid or reserved; anything else is a client bug.
  if (query.type !== undefined && !SEARCH_TYPES.has(String(query.type))) return fail(400, 'invalid_args', `type must be one of ${[...SEARCH_TYPES].join(', ')}, got ${JSON.stringify(query.type)}`);
  let search;
  try {
    search = parseVastSearch(query);
  } catch (error) {
    return fail(400, 'invalid_args', (error as Error).message);
  }
  const now = market.clock.now();
  const storage = search.allocatedStorage ?? VAST_DEFAULT_ALLOCATED_STORAGE_GB;
  const bid = search.type === 'bid';
  // Filter and sort through a field reader; only the returned page is built into wire objects.
  const candidates: Candidate[] = [];
  for (const offer of market.vastOffers) {
    const candidate = { offer, core: vastPriceCore(offer, now, storage) };
    if (matches(candidate, search, (row, field) => readOffer(row, field, bid))) candidates.push(candidate);
  }
  sortRows(candidates, search.order.length ? search.order : [['score', 'desc']], (row, field) => readOffer(row, field, bid));
  const limit = search.limit === undefined || search.limit <= 0 ? DEFAULT_SEARCH_LIMIT : Math.floor(search.limit);
  const rows = candidates.slice(0, limit).map((candidate) => offerJson(candidate, bid));
  return { status: 200, text: `{"offers":[${rows.join(',')}]}`, headers: { 'content-type': 'application/json' } };
}

function readOffer(candidate: Candidate, field: string, bid: boolean): unknown {
  const { offer, core } = candidate;
  if (field === 'rented') return offer.machine.freeGpus < offer.numGpus;
  if (field === 'rentable') return offer.machine.freeGpus >= offer.numGpus;
  if (field === 'is_bid') return bid;
  return field in offer.fixed ? offer.fixed[field] : vastPriceField(offer, core, field);
}

function offerJson(candidate: Candidate, bid: boolean): string {
  const { offer, core } = candidate;
  offer.fixedJson ??= JSON.stringify(offer.fixed).slice(1, -1);
  let text = `{${offer.fixedJson}`;
  for (const field of VAST_PRICE_FIELDS) text += `,"${field}":${JSON.stringify(vastPriceField(offer, core, field))}`;
  return `${text},"rented":${String(readOffer(candidate, 'rented', bid))},"rentable":${String(readOffer(candidate, 'rentable', bid))},"is_bid":${String(bid)}}`;
}

function create({ market, faults }: VastState, context: RequestContext): Answer {
  const askId = Number(context.params.id);
  const body = isRecord(context.body) ? context.body : {};
  const offer = market.vastOffersById.get(askId);
  const fault = faults.takeCreateFault('vast');
  if (!offer || fault?.kind === 'noCapacity') return fail(404, 'no_such_ask', `Instance type by id ${context.params.id} is not available.`, { ask_id: askId });
  const image = typeof body.image === 'string' ? body.image : undefined;
  if (!image && body.template_hash_id === undefined && body.template_id === undefined) return fail(400, 'invalid_args', 'error 400/3467: image is required unless a template is given', { ask_id: askId });
  if (image && image.length > 1024) return fail(400, 'invalid_args', 'error 400/3467: image is longer than 1024 characters', { ask_id: askId });
  const onstart = typeof body.onstart === 'string' ? body.onstart : undefined;
  const argsLength = (onstart?.length ?? 0) + JSON.stringify(body.args ?? '').length + String(body.args_str ?? '').length;
  if (argsLength > 4096) return fail(400, 'invalid_args', 'error 400/3467: args, args_str and onstart together exceed 4096 characters', { ask_id: askId });
  // §1.3: env is a docker-flag string or an object; a list (RunPod's [{key,value}]) would be misread.
  if (body.env !== undefined && body.env !== null && typeof body.env !== 'string' && !isRecord(body.env)) return fail(400, 'invalid_args', 'error 400/3467: env must be a docker-flag string ("-e K=V -p 8000:8000") or an object of variables', { ask_id: askId });
  if (Buffer.byteLength(typeof body.env === 'string' ? body.env : JSON.stringify(body.env ?? {})) > MAX_ENV_BYTES) return fail(400, 'invalid_args', 'error 400/3467: env is larger than 32 KB', { ask_id: askId });
  if (body.runtype !== undefined && (typeof body.runtype !== 'string' || !body.runtype.trim() || body.runtype.trim().split(/\s+/).some((word) => !RUNTYPE_WORDS.has(word)))) return fail(400, 'invalid_args', `error 400/3467: runtype ${JSON.stringify(body.runtype)} is not a space-separated combination of ${[...RUNTYPE_WORDS].join(', ')}`, { ask_id: askId });
  const parsedEnv = parseVastEnv(body.env);
  if (Object.values(parsedEnv.env).some((value) => value.length > 256)) return fail(400, 'invalid_args', 'error 400/3467: an env value is longer than 256 characters', { ask_id: askId });
  const label = typeof body.label === 'string' ? body.label : '';
  if (label.length > 256) return fail(400, 'invalid_args', 'error 400/3467: label is longer than 256 characters', { ask_id: askId });
  const now = market.clock.now();
  const disk = Math.max(8, numberFrom(body.disk) ?? 8);
  const prices = vastPrices(offer, now, disk);
  const bid = body.price === undefined || body.price === null ? undefined : numberFrom(body.price);
  if (body.price !== undefined && body.price !== null && (bid === undefined || bid < 0.001 || bid > 128)) return fail(400, 'invalid_price', `error 400/3467: price must be between 0.001 and 128 $/hr, got ${JSON.stringify(body.price)}`, { ask_id: askId });
  if (bid !== undefined && bid < prices.min_bid && fault?.kind !== 'createErrorLeavesStopped') return fail(400, 'invalid_price', `error 400/3467: bid ${bid} is below the minimum bid ${prices.min_bid} for ask ${askId}`, { ask_id: askId });
  const available = offer.machine.freeGpus >= offer.numGpus;
  if (!available && body.cancel_unavail === true) return fail(410, 'no_such_ask', `Instance type by id ${askId} is no longer available.`, { ask_id: askId });
  const leaveStopped = !available || fault?.kind === 'createErrorLeavesStopped' || body.target_state === 'stopped';
  const runtype = typeof body.runtype === 'string' ? body.runtype : body.args !== undefined || body.args_str !== undefined ? 'args' : 'ssh';
  const ports = [...new Set([...(runtype.includes('ssh') ? [22] : []), ...(runtype.includes('jupyter') ? [8080] : []), ...parsedEnv.ports])];
  if (available) offer.machine.freeGpus -= offer.numGpus;
  const instance = market.add('vast', {
    provider: 'vast',
    name: label,
    gpuName: offer.machine.gpu.vast,
    gpuCount: offer.numGpus,
    vramGb: offer.machine.gpu.vramGb,
    computePerHour: bid ?? prices.dph_base,
    storagePerHour: prices.storage_total_cost,
    interruptible: bid !== undefined,
    ...(bid !== undefined ? { bidPerHour: bid } : {}),
    image: image ?? `template:${String(body.template_hash_id ?? body.template_id)}`,
    env: parsedEnv.env,
    ports: ports.map((port) => ({ port, protocol: 'tcp' as const })),
    ...(onstart ? { startScript: onstart } : {}),
    diskGb: disk,
    machineId: String(offer.machine.machineId),
    crashWhenRunning: fault?.kind === 'crash',
    outbidWhenRunning: fault?.kind === 'outbid',
    ...(leaveStopped ? { phase: 'stopped' as const } : {}),
    details: { offerId: offer.id, holdsGpus: available, runtype, rawEnv: body.env, args: body.args ?? body.args_str ?? null, extraEnv: Object.entries(parsedEnv.env).concat(parsedEnv.ports.map((port) => [`-p ${port}:${port}`, '1'])) },
  });
  if (fault?.kind === 'createErrorLeavesStopped') {
    return fail(400, 'invalid_price', `error 400/3467: bid price too low for ask ${askId}; instance created in stopped state`, { ask_id: askId, new_contract: Number(instance.id) });
  }
  return { status: 200, json: { success: true, new_contract: Number(instance.id), instance_api_key: `sim-instance-key-${instance.id}` } };
}


function manage({ market }: VastState, context: RequestContext): Answer {
  const found = instanceOr404(market, context);
  if (!('provider' in found)) return found;
  const body = isRecord(context.body) ? context.body : {};
  if (typeof body.label === 'string') {
    if (body.label.length > 1024) return fail(400, 'invalid_args', 'label is longer than 1024 characters');
    found.name = body.label;
  }
  if (body.state === 'stopped' && !['stopped', 'outbid'].includes(found.phase)) market.transition(found, 'stopped');
  else if (body.state === 'running' && ['stopped', 'outbid', 'crashed'].includes(found.phase)) market.transition(found, 'loading');
  else if (body.state !== undefined && body.state !== 'stopped' && body.state !== 'running') return fail(400, 'invalid_args', `state must be "running" or "stopped" (the simulator has no "frozen"), got ${JSON.stringify(body.state)}`);
  return { status: 200, json: { success: true } };
}

function reboot({ market }: VastState, context: RequestContext): Answer {
  const found = instanceOr404(market, context);
  if (!('provider' in found)) return found;
  if (found.phase !== 'running' && found.phase !== 'crashed') return fail(400, 'invalid_args', `Instance ${found.id} is not running; start it instead of rebooting.`);
  market.transition(found, 'rebooting');
  return { status: 200, json: { success: true } };
}

function account({ market, sshKeys }: VastState): Answer {
  const credit = round(market.balanceMicros('vast') / 1e6, 4);
  return {
    status: 200,
    json: {
      id: 424242,
      username: 'sim-user',
      email: 'sim-user@computehub.invalid',
      fullname: 'Simulated User',
      credit,
      balance: credit,
      balance_threshold: 5,
      balance_threshold_enabled: false,
      billing_creditonly: true,
      can_pay: true,
      has_billing: true,
      ssh_key: sshKeys[0] ?? null,
      sim: true,
    },
  };
}

function searchByQueryString(state: VastState, context: RequestContext): Answer {
  try {
    const query: unknown = JSON.parse(context.query.get('q') ?? '{}');
    return searchOffers(state, isRecord(query) ? query : {});
  } catch {
    return fail(400, 'invalid_args', 'q must be a URL-encoded JSON object');
  }
}

function changeBid({ market }: VastState, context: RequestContext): Answer {
  const found = instanceOr404(market, context);
  if (!('provider' in found)) return found;
  const price = numberFrom(isRecord(context.body) ? context.body.price : undefined);
  if (!found.interruptible || price === undefined) return fail(400, 'invalid_args', 'change bid needs {"price": $/hr} on an interruptible instance');
  found.bidPerHour = price;
  found.computePerHour = price;
  return { status: 200, json: { success: true } };
}

function destroy({ market }: VastState, context: RequestContext): Answer {
  const found = instanceOr404(market, context);
  if (!('provider' in found)) return found;
  market.transition(found, 'gone');
  return { status: 200, json: { success: true } };
}

const sshKeyFrom = (context: RequestContext): string | undefined => {
  const key = isRecord(context.body) ? context.body.ssh_key : undefined;
  return typeof key === 'string' && key.startsWith('ssh-') ? key : undefined;
};
const BAD_SSH_KEY = fail(400, 'invalid_args', 'ssh_key must be an OpenSSH public key ("ssh-ed25519 AAAA...")');

function addSshKey({ sshKeys }: VastState, context: RequestContext): Answer {
  const key = sshKeyFrom(context);
  if (!key) return BAD_SSH_KEY;
  sshKeys.push(key);
  return { status: 200, json: { success: true, id: sshKeys.length, key } };
}

function attachSshKey({ market }: VastState, context: RequestContext): Answer {
  const found = instanceOr404(market, context);
  if (!('provider' in found)) return found;
  return sshKeyFrom(context) ? { status: 200, json: { success: true, msg: 'ssh key attached' } } : BAD_SSH_KEY;
}

/** PUT /instances/{id}/ starts or stops when the body asks for a state; otherwise it is a label change. */
function stateChange(context: RequestContext): SimEndpoint {
  const state = isRecord(context.body) ? context.body.state : undefined;
  return state === 'running' ? 'start' : state === 'stopped' ? 'stop' : 'other';
}

function faultAnswer(fault: SimFault, context: RequestContext): Answer {
  if (fault.kind === 'rateLimit') {
    const threshold = THRESHOLDS[context.endpoint] ?? 1;
    return { status: 429, text: `API requests too frequent: endpoint threshold=${threshold}`, ...(fault.retryAfterSeconds !== undefined ? { headers: { 'retry-after': String(fault.retryAfterSeconds) } } : {}) };
  }
  if (fault.kind === 'auth') return fail(401, 'invalid_user_key', 'Invalid user key');
  const status = fault.status ?? 500;
  if (status === 500) return fail(500, 'server_error', 'Internal server error, please try again later.');
  return { status, text: `<html><head><title>${status} Bad Gateway</title></head><body><center><h1>${status}</h1></center><hr><center>nginx</center></body></html>`, headers: { 'content-type': 'text/html' } };
}

const VAST_ROUTES: RouteOf<VastState>[] = [
  { method: 'POST', path: '/api/v0/bundles/', endpoint: 'offers', anonymous: true, handle: (state, context) => searchOffers(state, isRecord(context.body) ? context.body : {}) },
  { method: 'GET', path: '/api/v0/bundles/', endpoint: 'offers', anonymous: true, handle: searchByQueryString },
  { method: 'PUT', path: '/api/v0/search/asks/', endpoint: 'offers', anonymous: true, handle: (state, context) => searchOffers(state, isRecord(context.body) && isRecord(context.body.q) ? context.body.q : {}) },
  { method: 'PUT', path: '/api/v0/asks/:id/', endpoint: 'create', handle: create },
  { method: 'GET', path: '/api/v0/instances/', endpoint: 'list', handle: ({ market }) => ({ status: 200, json: { instances: market.list('vast').map((instance) => renderVastInstance(market, instance)) } }) },
  { method: 'GET', path: '/api/v1/instances/', endpoint: 'list', handle: pageOfInstances },
  {
    method: 'GET',
    path: '/api/v0/instances/:id/',
    endpoint: 'get',
    handle: ({ market }, context) => {
      const instance = market.find('vast', context.params.id!);
      return { status: 200, json: { instances: instance ? renderVastInstance(market, instance) : null } };
    },
  },
  { method: 'PUT', path: '/api/v0/instances/reboot/:id/', endpoint: 'restart', handle: reboot },
  { method: 'PUT', path: '/api/v0/instances/recycle/:id/', endpoint: 'restart', handle: reboot },
  { method: 'PUT', path: '/api/v0/instances/bid_price/:id/', endpoint: 'other', handle: changeBid },
  { method: 'PUT', path: '/api/v0/instances/:id/', endpoint: stateChange, handle: manage },
  { method: 'DELETE', path: '/api/v0/instances/:id/', endpoint: 'destroy', handle: destroy },
  { method: 'GET', path: '/api/v0/users/current/', endpoint: 'account', handle: account },
  { method: 'POST', path: '/api/v0/ssh/', endpoint: 'sshKeys', handle: addSshKey },
  { method: 'POST', path: '/api/v0/instances/:id/ssh/', endpoint: 'sshKeys', handle: attachSshKey },
];

export function vastFace(market: Market, faults: FaultRegistry): Face {
  return {
    provider: 'vast',
    routes: bindRoutes({ market, faults, sshKeys: [] }, VAST_ROUTES),
    keyFrom: (context) => context.query.get('api_key') ?? undefined,
    authError: () => fail(401, 'invalid_user_key', 'Invalid user key'),
    notFound: (context) => ({ status: 404, json: { success: false, error: 'not_found', msg: `No endpoint ${context.method} ${context.path}` } }),
    faultAnswer,
  };
}
