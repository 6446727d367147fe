// `computehub sim` starts the simulator standalone and prints four working base URLs.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSimArgs } from '#sim/cli.ts';
import { call, KEYS } from './support.ts';

const CLI = path.resolve('src/bin/computehub.js');

/** Resolves with stdout once it contains every env line (or rejects when the process ends first). */
function startCli(args: string[]) {
  const child = spawn(process.execPath, [CLI, 'sim', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('TENSORDOCK_API_URL=')) resolve(stdout);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`computehub sim exited (${code}) before printing its URLs: ${stderr}`)));
  });
  ready.catch(() => undefined); // a test that expects an early exit awaits `exited` instead
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ready, exited, stderr: () => stderr };
}

describe('npx computehub sim', () => {
  it('prints the four base URLs, the admin URL and env lines; each answers its offer endpoint; Ctrl-C stops it', async () => {
    const { child, ready, exited } = startCli([]);
    const stdout = await ready;
    const env = Object.fromEntries([...stdout.matchAll(/^([A-Z_]+_API_URL)=(\S+)$/gm)].map((match) => [match[1], match[2]]));
    expect(Object.keys(env).sort()).toEqual(['LAMBDA_API_URL', 'RUNPOD_API_URL', 'TENSORDOCK_API_URL', 'VAST_API_URL']);
    expect(stdout).toMatch(/admin\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toContain('SIMULATED');

    const vast = await call(`${env.VAST_API_URL}/api/v0/bundles/`, { key: KEYS.vast, body: { limit: 2 } });
    expect(vast.json.offers).toHaveLength(2);
    const runpod = await call(`${env.RUNPOD_API_URL}/graphql`, { key: KEYS.runpod, body: { query: '{ gpuTypes { id securePrice } }' } });
    expect(runpod.json.data.gpuTypes.length).toBeGreaterThan(20);
    const lambda = await call(`${env.LAMBDA_API_URL}/api/v1/instance-types`, { key: KEYS.lambda });
    expect(Object.keys(lambda.json.data).length).toBeGreaterThan(5);
    const tensordock = await call(`${env.TENSORDOCK_API_URL}/api/v2/locations`, { key: KEYS.tensordock });
    expect(tensordock.json.data.locations.length).toBeGreaterThan(5);
    for (const reply of [vast, runpod, lambda, tensordock]) expect(reply.headers.get('x-computehub-simulated')).toBe('1');

    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('explains a bad option on stderr and exits 2', async () => {
    const { exited, stderr } = startCli(['--offers', 'lots']);
    expect(await exited).toBe(2);
    expect(stderr()).toContain('--offers must be a positive integer, got "lots"');
  });

  it('reads --port, --seed, --offers and --time-scale, and explains a bad option', () => {
    expect(parseSimArgs(['--port', '47000', '--seed=9', '--offers', '500', '--time-scale', '0'])).toEqual({ basePort: 47000, seed: 9, vastOffers: 500, timeScale: 0 });
    expect(() => parseSimArgs(['--offers', 'lots'])).toThrow(/--offers must be a positive integer/);
    expect(() => parseSimArgs(['--colour', 'red'])).toThrow(/unknown option --colour/);
  });
});
