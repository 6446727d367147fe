// The admin server: drive faults and the clock over HTTP (for docker users and manual testing).
//   POST /faults  {fault spec} or [{...}]     DELETE /faults[?provider=vast]   DELETE /faults/{id}
//   GET /faults   GET /state   POST /clock/advance {"ms": 60000}   GET /requests?provider=vast&limit=50
import http from 'node:http';
import { text as readText } from 'node:stream/consumers';
import { createRouter, send, type Answer, type RoutePattern } from './http.ts';
import type { FaultRegistry } from './faults.ts';
import type { Market } from './market.ts';
import { SIM_PROVIDERS, type SimClock, type SimFaultSpec, type SimRequest } from './types.ts';

export interface AdminDeps {
  market: Market;
  faults: FaultRegistry;
  requests: SimRequest[];
  clock: SimClock;
}

interface AdminRequest {
  query: URLSearchParams;
  body: unknown;
  params: Record<string, string>;
}

interface AdminRoute extends RoutePattern {
  handle(deps: AdminDeps, request: AdminRequest): Answer;
}

const faultList = ({ faults }: AdminDeps): Answer => ({ status: 200, json: { faults: faults.list() } });

function addFaults({ faults }: AdminDeps, { body }: AdminRequest): Answer {
  const specs = Array.isArray(body) ? body : [body];
  try {
    return { status: 201, json: { faults: specs.map((spec) => faults.add(spec as SimFaultSpec)) } };
  } catch (error) {
    return { status: 400, json: { error: (error as Error).message } };
  }
}

function advanceClock({ clock }: AdminDeps, { body }: AdminRequest): Answer {
  const ms = Number((body as { ms?: unknown } | undefined)?.ms);
  if (!(ms >= 0)) return { status: 400, json: { error: 'send {"ms": <non-negative number>}' } };
  clock.advance(ms);
  return { status: 200, json: { now: new Date(clock.now()).toISOString() } };
}

function state({ market, faults, requests, clock }: AdminDeps): Answer {
  return {
    status: 200,
    json: {
      simulated: true,
      now: new Date(clock.now()).toISOString(),
      timeScale: clock.timeScale,
      seed: market.seed,
      vastOffers: market.vastOfferCount,
      balances: Object.fromEntries(SIM_PROVIDERS.map((provider) => [provider, market.balance(provider)])),
      instances: market.instances(),
      faults: faults.list(),
      requestCount: requests.length,
    },
  };
}

function recorded({ requests }: AdminDeps, { query }: AdminRequest): Answer {
  const provider = query.get('provider');
  const limit = Math.max(1, Number(query.get('limit') ?? 100) || 100);
  return { status: 200, json: { requests: requests.filter((entry) => !provider || entry.provider === provider).slice(-limit) } };
}

const ADMIN_ROUTES: AdminRoute[] = [
  { method: 'POST', path: '/faults', handle: addFaults },
  {
    method: 'DELETE',
    path: '/faults',
    handle: (deps, { query }) => {
      deps.faults.clear(query.get('provider') ?? undefined);
      return faultList(deps);
    },
  },
  {
    method: 'DELETE',
    path: '/faults/:id',
    handle: (deps, { params }) => {
      deps.faults.clear(params.id);
      return faultList(deps);
    },
  },
  { method: 'GET', path: '/faults', handle: faultList },
  { method: 'POST', path: '/clock/advance', handle: advanceClock },
  { method: 'GET', path: '/state', handle: state },
  { method: 'GET', path: '/requests', handle: recorded },
];

export function createAdminServer(deps: AdminDeps): http.Server {
  const route = createRouter(ADMIN_ROUTES);
  return http.createServer((request, response) => {
    void readText(request).then((raw) => {
      const url = new URL(request.url ?? '/', 'http://sim.invalid');
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        send(response, { status: 400, json: { error: 'body must be JSON' } });
        return;
      }
      const method = request.method ?? 'GET';
      const match = route(method, url.pathname);
      send(response, match ? match.route.handle(deps, { query: url.searchParams, body, params: match.params }) : { status: 404, json: { error: `no admin route ${method} ${url.pathname}; see src/sim/README.md` } });
    }, () => response.destroy());
  });
}
