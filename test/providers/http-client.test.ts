// The shared HTTP client against a tiny loopback server, for behaviour the simulator does not script:
// Retry-After as a date, a wait too long to honour, creates never repeated after an ambiguous failure,
// an unreachable host.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderHttpClient, type HttpClientOptions } from '#providers/http.ts';
import { ProviderError, ResponseTooLargeError } from '#providers/errors.ts';
import { vastFault } from '#providers/vast-parse.ts';
import { captureLog, logLines } from '#test/contract/harness.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';

type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;
const script: Handler[] = [];
const seen: { method: string; url: string; authorization: string | undefined }[] = [];
let server: http.Server;
let origin: string;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    seen.push({ method: request.method!, url: request.url!, authorization: request.headers.authorization });
    const next = script.shift() ?? ((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}'));
    request.resume();
    request.on('end', () => next(request, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function client(overrides: Partial<HttpClientOptions> = {}) {
  seen.length = 0;
  script.length = 0;
  return new ProviderHttpClient({ provider: 'vast', baseUrl: origin, apiKey: TEST_SECRETS.vastKey, protocol: { faultOf: vastFault }, log: captureLog, timeoutMs: 2_000, waitScale: 0.001, ...overrides });
}

const reply = (status: number, body: string, headers: Record<string, string> = {}): Handler => (_, response) => response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);

describe('ProviderHttpClient', () => {
  it('sends the key as a bearer header only and honours Retry-After given as a date', async () => {
    const http = client();
    script.push(reply(429, '{"detail":"slow down"}', { 'retry-after': new Date(Date.now() + 2_000).toUTCString() }));
    const answer = await http.request({ method: 'GET', path: '/api/v0/users/current/', endpoint: 'account' });
    expect(answer.body).toEqual({ success: true });
    expect(seen).toHaveLength(2);
    expect(seen[0]!.authorization).toBe(`Bearer ${TEST_SECRETS.vastKey}`);
    expect(seen[0]!.url).not.toContain(TEST_SECRETS.vastKey);
  });

  it('does not wait out a Retry-After beyond the limit, and says when to try again', async () => {
    const http = client({ maxRetryAfterMs: 10_000 });
    script.push(reply(429, 'API requests too frequent', { 'retry-after': '120' }));
    const error = (await http.request({ method: 'GET', path: '/api/v0/instances/1/', endpoint: 'get' }).catch((e) => e)) as ProviderError;
    expect(error.kind).toBe('rate-limit');
    expect(error.message).toMatch(/Vast\.ai is rate-limiting.*Try again in 120 s/);
    expect(seen).toHaveLength(1);
  });

  it('never repeats a create after a 500 (it may have rented), but does after a 503', async () => {
    const http = client();
    script.push(reply(500, '{"success":false,"error":"server_error","msg":"oops"}'));
    const error = (await http.request({ method: 'PUT', path: '/api/v0/asks/5/', body: {}, endpoint: 'create', idempotent: false }).catch((e) => e)) as ProviderError;
    expect(error.kind).toBe('unavailable');
    expect(seen).toHaveLength(1);
    script.push(reply(503, 'busy'));
    await http.request({ method: 'PUT', path: '/api/v0/asks/5/', body: {}, endpoint: 'create', idempotent: false });
    expect(seen).toHaveLength(3);
  });

  it('reports an error on HTTP 200 and an unreachable host, naming the provider', async () => {
    const http = client();
    script.push(reply(200, '{"success":false,"error":"invalid_args","msg":"disk must be at least 8"}'));
    const refused = (await http.request({ method: 'PUT', path: '/api/v0/asks/5/', body: {}, endpoint: 'create', idempotent: false }).catch((e) => e)) as ProviderError;
    expect(refused).toMatchObject({ kind: 'invalid-request', code: 'invalid_args' });
    expect(refused.message).toBe('Vast.ai rejected the request (HTTP 200: disk must be at least 8).');
    const nowhere = new ProviderHttpClient({ provider: 'lambda', baseUrl: 'http://127.0.0.1:1', protocol: { faultOf: () => undefined }, log: captureLog, timeoutMs: 1_000, retries: 1, waitScale: 0.001 });
    const unreachable = (await nowhere.request({ method: 'GET', path: '/api/v1/instances', endpoint: 'list' }).catch((e) => e)) as ProviderError;
    expect(unreachable.kind).toBe('unavailable');
    expect(unreachable.message).toMatch(/Could not reach Lambda at http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
    expect(logLines.join('')).not.toContain(TEST_SECRETS.vastKey);
  });

  it('stops reading an answer larger than the limit and says so with a typed error', async () => {
    // A small limit keeps this quick; the default (128 MB) against the same 300 MB answer is in the benchmark.
    const http = client({ maxBodyBytes: 4 * 1024 * 1024 });
    const sent = { bytes: 0, closed: false };
    script.push((_, response) => streamAnswer(response, 300 * 1024 * 1024, sent));
    const error = (await http.request({ method: 'POST', path: '/api/v0/bundles/', body: {}, endpoint: 'offers' }).catch((e) => e)) as ResponseTooLargeError;
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ provider: 'vast', kind: 'bad-response', limitBytes: 4 * 1024 * 1024 });
    expect(error.message).toBe(
      'Vast.ai sent an answer larger than 4 MB (POST /api/v0/bundles/), so ComputeHub stopped reading it and used none of it. Narrow the request (for a search: gpu=, region=, a price limit) or try again later.',
    );
    expect(seen).toHaveLength(1);
    // The client hung up: the server did not get to send the rest.
    await until(() => sent.closed);
    expect(sent.bytes).toBeLessThan(300 * 1024 * 1024);

    // A declared Content-Length over a per-request limit is refused before any of the body is read.
    script.push(reply(200, JSON.stringify({ offers: 'x'.repeat(2_000) })));
    const declared = (await http.request({ method: 'GET', path: '/api/v0/bundles/', endpoint: 'offers', maxBodyBytes: 1_000 }).catch((e) => e)) as ResponseTooLargeError;
    expect(declared).toMatchObject({ limitBytes: 1_000, message: expect.stringContaining('larger than 1000 bytes') });
    // Within the limit, the same answer is read.
    script.push(reply(200, JSON.stringify({ offers: 'x'.repeat(2_000) })));
    expect((await http.request({ method: 'GET', path: '/api/v0/bundles/', endpoint: 'offers', maxBodyBytes: 4_000 })).body).toEqual({ offers: 'x'.repeat(2_000) });
  });
});

/** Streams `total` bytes of a JSON array without a Content-Length, honouring backpressure, until the client hangs up. */
function streamAnswer(response: http.ServerResponse, total: number, sent: { bytes: number; closed: boolean }): void {
  const chunk = Buffer.from(`${'{"id":1,"gpu_name":"RTX 4090","dph_total":0.4},'.repeat(20_000)}`);
  response.writeHead(200, { 'content-type': 'application/json' });
  response.on('close', () => (sent.closed = true));
  response.write('[');
  const pump = () => {
    while (!sent.closed && sent.bytes < total) {
      sent.bytes += chunk.length;
      if (!response.write(chunk)) return void response.once('drain', pump);
    }
    if (!sent.closed) response.end('{}]');
  };
  pump();
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}
