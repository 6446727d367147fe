// Bounded input and output, as figures (part of `npm run bench`; written to docs/BENCHMARKS-bounds.md):
//   1. A 200,000-character word: the registry's answer (line cap), "did you mean" over it, and what one
//      unbounded edit-distance comparison of it would cost.
//   2. A 300 MB provider answer: memory growth when the HTTP client reads it with its default limit,
//      beside reading the same answer whole (what an unbounded client does).
//   3. The size of a complete 20,000-offer Vast search, which the default limit must stay well above.
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { ProviderHttpClient } from '#providers/http.ts';
import { vastFault } from '#providers/vast-parse.ts';
import { editDistance, nearest } from '#domain/suggest.ts';
import { createLogger } from '#src/log.ts';
import { startSimulator } from '#sim/index.ts';
import { testApp } from '#test/support/app.ts';
import { medianMs } from './timing.ts';

const HUGE_ANSWER = 300 * 1024 * 1024;

const ms = (value: number) => `${value < 10 ? value.toFixed(3) : value.toFixed(1)} ms`;
const mb = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

async function wordFigures() {
  const app = await testApp({ LOG_LEVEL: 'silent' });
  const word = 'q'.repeat(200_000);
  const actor = { platform: 'telegram', userId: 'bench', displayName: 'Bench' };
  const channel = { platform: 'telegram', id: 'bench', kind: 'direct' as const };
  // One person's rate limit would refuse most of the runs; each run is a different person.
  let person = 0;
  const run = (line: string) => () => app.services.commands.execute({ line, actor: { ...actor, userId: `bench-${person++}` }, channel });
  const figures = {
    registry: await medianMs(15, run(word)),
    underCap: await medianMs(15, run(word.slice(0, 3_990))),
    nearest: await medianMs(15, () => nearest(word, ['prices', 'deploy', 'destroy', 'instances', 'provider', 'licence'])),
    oneComparison: await medianMs(3, () => editDistance(word, 'prices')),
  };
  await app.close();
  return figures;
}

/** Serves `total` bytes of JSON without a Content-Length, until the client hangs up. */
async function hugeServer(total: number) {
  const chunk = Buffer.from('{"id":1,"gpu_name":"RTX 4090","dph_total":0.4},'.repeat(20_000));
  const server = http.createServer((incoming, response) => {
    incoming.resume();
    let sent = 0;
    let closed = false;
    response.on('close', () => (closed = true));
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('[');
    const pump = () => {
      while (!closed && sent < total) {
        sent += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', pump);
      }
      if (!closed) response.end('{}]');
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The most the resident set grows above its level at the start while `work` runs. */
async function peakGrowth(work: () => Promise<unknown>): Promise<number> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return peak - base;
}

async function answerFigures() {
  const { server, origin } = await hugeServer(HUGE_ANSWER);
  const client = new ProviderHttpClient({ provider: 'vast', baseUrl: origin, apiKey: 'bench', protocol: { faultOf: vastFault }, log: createLogger({ level: 'silent', format: 'json' }), timeoutMs: 600_000 });
  let error = '';
  const bounded = await peakGrowth(() => client.request({ method: 'POST', path: '/api/v0/bundles/', body: {}, endpoint: 'offers' }).catch((caught: Error) => (error = caught.name)));
  const whole = await peakGrowth(async () => {
    const response = await request(`${origin}/api/v0/bundles/`, { method: 'POST', body: '{}' });
    const text = await response.body.text();
    return text.length;
  });
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  return { bounded, whole, error };
}

async function vastSearchSize(): Promise<number> {
  const sim = await startSimulator({ vastOffers: 20_000, timeScale: 0 });
  const response = await request(`${sim.urls.vast}/api/v0/bundles/`, {
    method: 'POST',
    headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
    body: JSON.stringify({ rentable: { eq: true }, type: 'on-demand', allocated_storage: 50, limit: 20_000 }),
  });
  const bytes = Buffer.byteLength(await response.body.text());
  await sim.close();
  return bytes;
}

async function main() {
  // Memory first, while the process has not yet grown (a resident set rarely shrinks back).
  const answer = await answerFigures();
  const words = await wordFigures();
  const vastBytes = await vastSearchSize();
  const cpus = os.cpus();
  const lines = [
    '# Benchmarks: bounded input and output',
    '',
    'Written by `npm run bench` (test/bench/bounds.ts). Times are medians of 15 runs after a warm-up.',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${cpus[0]?.model.trim() ?? 'unknown'} × ${cpus.length}, ${Math.round(os.totalmem() / 1024 / 1024)} MB RAM, Node ${process.version}`,
    '',
    '## A 200,000-character word',
    '',
    '| What | Time |',
    '|---|---:|',
    `| the registry answering the 200,000-character line (refused at the 4,000-character cap) | ${ms(words.registry)} |`,
    `| the registry answering a 3,990-character unknown word (under the cap; "did you mean" skips it) | ${ms(words.underCap)} |`,
    `| "did you mean" over the 200,000-character word | ${ms(words.nearest)} |`,
    `| one unbounded edit-distance comparison of it with 'prices' (what each candidate cost before the bound) | ${ms(words.oneComparison)} |`,
    '',
    '## A 300 MB provider answer',
    '',
    `A complete 20,000-offer Vast search from the simulator weighs ${mb(vastBytes)}; the HTTP client's default limit is 128 MB.`,
    '',
    '| How it is read | Peak growth of the resident set |',
    '|---|---:|',
    `| ProviderHttpClient, default limit (fails with ${answer.error || 'no error'}) | ${mb(answer.bounded)} |`,
    `| read whole (\`body.text()\`, as before the limit) | ${mb(answer.whole)} |`,
    '',
  ];
  const file = path.resolve('docs/BENCHMARKS-bounds.md');
  writeFileSync(file, lines.join('\n'));
  process.stdout.write(`${lines.join('\n')}\nWritten to ${file}\n`);
}

await main();
