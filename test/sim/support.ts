// Helpers for the simulator's own tests: plain fetch over loopback with a test key.
import { TEST_SECRETS } from '#test/support/secrets.ts';

export const KEYS = {
  vast: TEST_SECRETS.vastKey,
  runpod: TEST_SECRETS.runpodKey,
  lambda: TEST_SECRETS.lambdaKey,
  tensordock: TEST_SECRETS.tensordockToken,
} as const;

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON (undefined when the body is not JSON). */
  json: any;
}

export async function call(url: string, options: { method?: string; key?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<Reply> {
  const response = await fetch(url, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: { ...(options.key ? { authorization: `Bearer ${options.key}` } : {}), ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** RunPod GraphQL call. */
export function graphql(base: string, query: string, variables: Record<string, unknown> = {}, key: string | undefined = KEYS.runpod): Promise<Reply> {
  return call(`${base}/graphql`, { key, body: { query, variables } });
}
