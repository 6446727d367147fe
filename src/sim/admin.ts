// The admin server: drive faults and the clock over HTTP (for docker users and manual testing).
//   POST /faults  {fault spec} or [{...}]     DELETE /faults[?provider=vast]   DELETE /faults/{id}
//   GET /faults   GET /state   POST /clock/advance {"ms": 60000}   GET /requests?provider=vast&limit=50
import http from 'node:http';
import { send } from './http.ts';
import type { FaultRegistry } from './faults.ts';
import type { Market } from './market.ts';
import { SIM_PROVIDERS, type SimClock, type SimFaultSpec, type SimRequest } from './types.ts';

export interface AdminDeps {
  market: Market;
  faults: FaultRegistry;
  requests: SimRequest[];
  clock: SimClock;
}

export function createAdminServer({ market, faults, requests, clock }: AdminDeps): http.Server {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://sim.invalid');
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        send(response, { status: 400, json: { error: 'body must be JSON' } });
        return;
      }
      send(response, route(request.method ?? 'GET', url, body));
    });
  });

  function route(method: string, url: URL, body: unknown) {
    const path = url.pathname.replace(/\/$/, '');
    if (method === 'POST' && path === '/faults') {
      const specs = Array.isArray(body) ? body : [body];
      try {
        return { status: 201, json: { faults: specs.map((spec) => faults.add(spec as SimFaultSpec)) } };
      } catch (error) {
        return { status: 400, json: { error: (error as Error).message } };
      }
    }
    if (method === 'DELETE' && path === '/faults') {
      faults.clear(url.searchParams.get('provider') ?? undefined);
      return { status: 200, json: { faults: faults.list() } };
    }
    const one = /^\/faults\/([^/]+)$/.exec(path);
    if (method === 'DELETE' && one) {
      faults.clear(decodeURIComponent(one[1]!));
      return { status: 200, json: { faults: faults.list() } };
    }
    if (method === 'GET' && path === '/faults') return { status: 200, json: { faults: faults.list() } };
    if (method === 'POST' && path === '/clock/advance') {
      const ms = Number((body as { ms?: unknown } | undefined)?.ms);
      if (!(ms >= 0)) return { status: 400, json: { error: 'send {"ms": <non-negative number>}' } };
      clock.advance(ms);
      return { status: 200, json: { now: new Date(clock.now()).toISOString() } };
    }
    if (method === 'GET' && path === '/state') {
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
    if (method === 'GET' && path === '/requests') {
      const provider = url.searchParams.get('provider');
      const limit = Math.max(1, Number(url.searchParams.get('limit') ?? 100) || 100);
      return { status: 200, json: { requests: requests.filter((entry) => !provider || entry.provider === provider).slice(-limit) } };
    }
    return { status: 404, json: { error: `no admin route ${method} ${url.pathname}; see src/sim/README.md` } };
  }
  return server;
}
