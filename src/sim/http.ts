// The small HTTP layer every face shares: routing, body parsing, recording, the simulated-label
// header, auth and request-level faults. Faces only supply routes and their provider's error shapes.
import http from 'node:http';
import { text as readText } from 'node:stream/consumers';
import type { FaultRegistry } from './faults.ts';
import type { Market } from './market.ts';
import type { SimEndpoint, SimFault, SimProvider, SimRequest } from './types.ts';

export const SIMULATED_HEADER = 'x-computehub-simulated';

export interface Answer {
  status: number;
  /** Serialised as JSON unless `text` is given. */
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export interface RequestContext {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  params: Record<string, string>;
  /** The bearer / basic / api_key credential, if any. */
  apiKey?: string;
  /** Logical endpoint, as tagged by the route (or the face's classifier). */
  endpoint: SimEndpoint;
}

/** What the router matches on: a method and a path pattern with :name segments. */
export interface RoutePattern {
  method: string;
  path: string;
}

/** A face's route; a trailing slash in the request path is optional. */
export interface Route extends RoutePattern {
  /** The logical endpoint faults and recordings use; a function when the body decides (Vast's state change). */
  endpoint: SimEndpoint | ((context: RequestContext) => SimEndpoint);
  /** Public catalogue routes answer without a key (third parties call them anonymously). */
  anonymous?: boolean;
  /** Reads the endpoint, the operations and anonymity from the body (RunPod GraphQL: by root field). */
  classify?(context: RequestContext): Classified;
  handle(context: RequestContext): Answer | Promise<Answer>;
}

export interface Classified {
  endpoint: SimEndpoint;
  operations?: string[];
  anonymous?: boolean;
}

/** One row of a face's route table: the route, with a handler of the face's state. */
export interface RouteOf<State> extends Omit<Route, 'handle'> {
  handle(state: State, context: RequestContext): Answer | Promise<Answer>;
}

/** A face's route table bound to one simulator's state. */
export function bindRoutes<State>(state: State, table: readonly RouteOf<State>[]): Route[] {
  return table.map((row) => ({ ...row, handle: (context: RequestContext) => row.handle(state, context) }));
}

export interface Face {
  provider: SimProvider;
  routes: Route[];
  /** The provider's answer for a missing or wrong key. */
  authError(context: RequestContext): Answer;
  /** The provider's answer for a request-level fault (rateLimit, serverError, auth). */
  faultAnswer(fault: SimFault, context: RequestContext): Answer;
  notFound(context: RequestContext): Answer;
  /** Where the key may come from besides Authorization (Vast/RunPod ?api_key=, TensorDock v0 form fields). */
  keyFrom?(context: RequestContext): string | undefined;
}

export interface ServerDeps {
  market: Market;
  faults: FaultRegistry;
  requests: SimRequest[];
  /** The accepted key, if pinned; otherwise any non-empty key is valid. */
  acceptedKey?: string;
}

const MAX_RECORDED = 20_000;

type Compiled<R> = R & { regex: RegExp; names: string[] };

function compile<R extends RoutePattern>(route: R): Compiled<R> {
  const names: string[] = [];
  const pattern = route.path
    .replace(/\/$/, '')
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { ...route, regex: new RegExp(`^${pattern}/?$`), names };
}

/** The router: the first route of the table whose method and path pattern match, with its path parameters. */
export function createRouter<R extends RoutePattern>(table: readonly R[]): (method: string, path: string) => { route: R; params: Record<string, string> } | undefined {
  const routes = table.map(compile);
  return (method, path) => {
    for (const route of routes) {
      const found = route.method === method ? route.regex.exec(path) : null;
      if (found) return { route, params: Object.fromEntries(route.names.map((name, index) => [name, decodeURIComponent(found[index + 1]!)])) };
    }
    return undefined;
  };
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!raw) return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function credential(headers: http.IncomingHttpHeaders): string | undefined {
  const header = headers.authorization;
  if (!header) return undefined;
  const bearer = /^Bearer\s+(.+)$/i.exec(header);
  if (bearer) return bearer[1]!.trim();
  const basic = /^Basic\s+(.+)$/i.exec(header);
  if (basic) return Buffer.from(basic[1]!, 'base64').toString('utf8').replace(/:.*$/s, '') || undefined;
  return undefined;
}

function recordedHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name === 'authorization' || value === undefined) continue;
    kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

function recordedQuery(query: URLSearchParams): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of query) kept[name] = name === 'api_key' ? '[redacted]' : value;
  return kept;
}

/** Removes credentials a client may put in a body (TensorDock v0 form fields) before recording. */
function recordedBody(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const name of ['api_key', 'api_token']) if (name in copy) copy[name] = '[redacted]';
  return copy;
}

export function send(response: http.ServerResponse, answer: Answer): void {
  const headers: Record<string, string> = { [SIMULATED_HEADER]: '1', ...answer.headers };
  let payload: string;
  if (answer.text !== undefined) {
    payload = answer.text;
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else if (answer.json === undefined) {
    payload = '';
  } else {
    payload = JSON.stringify(answer.json);
    headers['content-type'] ??= 'application/json';
  }
  headers['content-length'] = String(Buffer.byteLength(payload));
  response.writeHead(answer.status, headers);
  response.end(payload);
}

/** A server for one face. Hung requests stay open until the client leaves or the simulator closes. */
export function createFaceServer(face: Face, deps: ServerDeps): http.Server {
  const route = createRouter(face.routes);
  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, { status: 500, json: { error: 'simulator bug', detail: String(error) } });
    });
  });

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://sim.invalid');
    const method = (request.method ?? 'GET').toUpperCase();
    const raw = await readText(request);
    const body = parseBody(raw, request.headers['content-type']);
    const match = route(method, url.pathname);
    const context: RequestContext = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body,
      params: match?.params ?? {},
      endpoint: 'other',
    };
    context.apiKey = credential(request.headers) ?? face.keyFrom?.(context);
    if (match) context.endpoint = typeof match.route.endpoint === 'function' ? match.route.endpoint(context) : match.route.endpoint;
    const classified = match?.route.classify?.(context);
    if (classified) context.endpoint = classified.endpoint;
    deps.requests.push({
      provider: face.provider,
      endpoint: context.endpoint,
      method,
      path: url.pathname,
      query: recordedQuery(url.searchParams),
      headers: recordedHeaders(request.headers),
      body: recordedBody(body),
      ...(classified?.operations ? { operations: classified.operations } : {}),
      at: deps.market.clock.now(),
    });
    if (deps.requests.length > MAX_RECORDED) deps.requests.splice(0, deps.requests.length - MAX_RECORDED);

    const fault = deps.faults.take(face.provider, context.endpoint);
    if (fault?.kind === 'hang') return; // never answer; the socket closes when the client gives up
    if (fault?.kind === 'malformedJson') {
      send(response, { status: 200, text: '{"data": {"items": [{"id": "sim-trunc', headers: { 'content-type': 'application/json' } });
      return;
    }
    if (fault && fault.kind !== 'answerLost') {
      send(response, face.faultAnswer(fault, context));
      return;
    }
    if (!match) {
      send(response, face.notFound(context));
      return;
    }
    const anonymous = classified?.anonymous ?? match.route.anonymous;
    const keyOk = context.apiKey !== undefined && context.apiKey !== '' && (deps.acceptedKey === undefined || context.apiKey === deps.acceptedKey);
    if (!keyOk && !(anonymous && context.apiKey === undefined)) {
      send(response, face.authError(context));
      return;
    }
    deps.market.sync();
    const answer = await match.route.handle(context);
    // The work is done, but the caller only sees a gateway timeout, as when a proxy drops the answer.
    send(response, fault?.kind === 'answerLost' ? face.faultAnswer({ ...fault, kind: 'serverError', status: 504 }, context) : answer);
  }
  return server;
}

/** Numbers from JSON bodies or query strings, tolerant of strings ("0.74"). */
export function numberFrom(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
