// RunPod's face (docs/providers.md §2): GraphQL at /graphql (runpod-graphql.ts) and REST v2 at /v2
// (pods in runpod-v2-pods.ts, the catalogue in runpod-catalog.ts, templates/keys/billing in
// runpod-account.ts), RFC 9457 errors on v2 and the per-user quota in RateLimit headers.
import { bindRoutes, type Answer, type Face, type RequestContext, type Route } from './http.ts';
import type { FaultRegistry } from './faults.ts';
import type { Market } from './market.ts';
import { ACCOUNT_ROUTES } from './runpod-account.ts';
import { CATALOGUE_ROUTES } from './runpod-catalog.ts';
import { createRunpodGraphql } from './runpod-graphql.ts';
import { createRunpodState } from './runpod-pods.ts';
import { createRunpodQuota, type RunpodQuota } from './runpod-quota.ts';
import { POD_ROUTES } from './runpod-v2-pods.ts';
import { problem } from './runpod-v2-rules.ts';
import type { SimFault } from './types.ts';

/** Every v2 call counts against the caller's quota; past it the answer is 429, and every answer carries the quota. */
function metered(quota: RunpodQuota, route: Route): Route {
  return {
    ...route,
    async handle(context) {
      const verdict = quota.take(context.apiKey ?? '');
      if (!verdict.allowed) {
        const refused = problem(429, 'Too Many Requests', `rate limit exceeded for the ${verdict.window} window`);
        return { ...refused, headers: { ...refused.headers, ...verdict.headers, 'retry-after': String(verdict.retryAfterSeconds) } };
      }
      const answer = await route.handle(context);
      return { ...answer, headers: { ...answer.headers, ...verdict.headers } };
    },
  };
}

const authError = (context: RequestContext): Answer =>
  context.path.startsWith('/v2') ? problem(401, 'Unauthorized', 'missing or invalid API key: send Authorization: Bearer <key>') : { status: 401, json: { errors: [{ message: 'Unauthorized', extensions: { code: 'UNAUTHENTICATED' } }] } };

function faultAnswer(quota: RunpodQuota, fault: SimFault, context: RequestContext): Answer {
  const retry: Record<string, string> = fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
  const rest = context.path.startsWith('/v2');
  if (fault.kind === 'auth') return authError(context);
  if (fault.kind === 'rateLimit' && rest) {
    // REST v2 always says how long to wait, in Retry-After and in the exhausted window's t.
    const seconds = fault.retryAfterSeconds ?? 12;
    const refused = problem(429, 'Too Many Requests', 'rate limit exceeded for the minute window');
    return { ...refused, headers: { ...refused.headers, ...quota.exhaustedHeaders(context.apiKey ?? '', seconds), 'retry-after': String(seconds) } };
  }
  if (fault.kind === 'rateLimit') {
    return { status: 429, json: { errors: [{ message: 'Too many requests, please slow down.', extensions: { code: 'RATE_LIMITED' } }] }, headers: retry };
  }
  const status = fault.status ?? 500;
  return rest ? problem(status, status === 503 ? 'Service Unavailable' : 'Internal Server Error', 'the server failed to handle the request; retry later') : { status, json: { errors: [{ message: 'Something went wrong. Please try again later.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] } };
}

export function runpodFace(market: Market, faults: FaultRegistry): Face {
  const state = createRunpodState(market, faults);
  const graphql = createRunpodGraphql(state);
  const quota = createRunpodQuota(() => market.clock.now());
  const graphqlRoute = { path: '/graphql', endpoint: 'other', handle: graphql.handle, classify: graphql.classify } as const;
  const v2 = bindRoutes(state, [...POD_ROUTES, ...CATALOGUE_ROUTES, ...ACCOUNT_ROUTES]);
  return {
    provider: 'runpod',
    routes: [{ method: 'POST', ...graphqlRoute }, { method: 'GET', ...graphqlRoute }, ...v2.map((route) => metered(quota, route))],
    keyFrom: (context) => (context.path === '/graphql' ? (context.query.get('api_key') ?? undefined) : undefined),
    authError,
    notFound: (context) => problem(404, 'Not Found', `no route ${context.method} ${context.path}`),
    faultAnswer: (fault, context) => faultAnswer(quota, fault, context),
  };
}
