// `npm run bench`: price-search figures against the simulator serving 20,000 Vast offers plus the other
// three providers, written to docs/BENCHMARKS.md with the machine and the date.
//   1. Per query: normalise the four providers' raw answers, filter and rank — beside JSON.parse alone
//      on the same payloads (the floor any implementation pays), and the ratio of the two.
//   2. Filter and rank alone over the 20,000 normalised offers (what a warm cache costs per query).
//   3. End-to-end `prices` through the command registry from a warm cache, and with one provider hung.
//   4. Peak memory.
//   5. The whole market: the bot alone in a process of its own (whole-market.ts) against the simulator
//      in another (`computehub sim`), at Vast's real pace: offers cached, the broadest warm query, RSS.
//   6. Rule evaluation per sync (test/bench/rules.ts).
//   7. The whole automation loop per sync: rules, watches, caps, idle checks (test/bench/automation-loop.ts).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { parseLambdaInstanceTypes } from '#providers/lambda-parse.ts';
import { parseRunpodGpuType } from '#providers/runpod-parse.ts';
import { parseTensordockLocations } from '#providers/tensordock-parse.ts';
import { parseVastOffer } from '#providers/vast-parse.ts';
import type { Offer } from '#domain/offer.ts';
import { filterOffers, rankOffers, type OfferCriteria, type SortKey } from '#domain/ranking.ts';
import { startSimulator, type Simulator } from '#sim/index.ts';
import { testApp } from '#test/support/app.ts';
import { rulesFigures } from './rules.ts';
import { automationLoopFigures } from './automation-loop.ts';
import { medianMs, medianMsSync } from './timing.ts';

const VAST_OFFERS = 20_000;
const DISK_GB = 50;
const RUNPOD_QUERY = `query GpuTypes($lowest: GpuLowestPriceInput) { gpuTypes { id displayName manufacturer memoryInGb secureCloud communityCloud maxGpuCount
  securePrice communityPrice secureSpotPrice communitySpotPrice lowestPrice(input: $lowest) { minimumBidPrice uninterruptablePrice minVcpu minMemory stockStatus } } }`;

const QUERIES: { name: string; criteria: OfferCriteria; sort: SortKey }[] = [
  { name: 'all GPUs by price', criteria: { type: 'any' }, sort: 'price' },
  { name: 'gpu=4090 by value', criteria: { type: 'any', gpus: ['RTX 4090'] }, sort: 'value' },
  { name: 'vram>=48 region=EU max=2 by reliability', criteria: { type: 'any', vramGb: [{ op: '>=', value: 48 }], region: 'EU', pricePerHour: [{ op: '<=', value: 2 }] }, sort: 'reliability' },
  { name: 'count>=2 country=US,CA by vram', criteria: { type: 'any', gpuCount: [{ op: '>=', value: 2 }], countries: ['US', 'CA'] }, sort: 'vram' },
];

async function text(url: string, init: { method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<string> {
  const response = await request(url, {
    method: init.method ?? 'GET',
    headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  return response.body.text();
}

/** The four providers' raw offer answers, as the adapters would receive them. */
async function payloads(sim: Simulator) {
  return {
    vast: await text(`${sim.urls.vast}/api/v0/bundles/`, { method: 'POST', body: { rentable: { eq: true }, type: 'on-demand', allocated_storage: DISK_GB, limit: VAST_OFFERS } }),
    runpod: await text(`${sim.urls.runpod}/graphql`, { method: 'POST', body: { query: RUNPOD_QUERY, variables: { lowest: { gpuCount: 1 } } } }),
    lambda: await text(`${sim.urls.lambda}/api/v1/instance-types`),
    tensordock: await text(`${sim.urls.tensordock}/api/v2/locations`),
  };
}

type Payloads = Awaited<ReturnType<typeof payloads>>;

function parseAll(raw: Payloads) {
  return { vast: JSON.parse(raw.vast), runpod: JSON.parse(raw.runpod), lambda: JSON.parse(raw.lambda), tensordock: JSON.parse(raw.tensordock) };
}

function normalise(parsed: ReturnType<typeof parseAll>): Offer[] {
  const context = { fetchedAt: new Date().toISOString(), simulated: true };
  const offers: Offer[] = [];
  for (const raw of parsed.vast.offers as unknown[]) {
    const offer = parseVastOffer(raw, { ...context, interruptible: false });
    if (offer) offers.push(offer);
  }
  for (const raw of parsed.runpod.data.gpuTypes as unknown[]) offers.push(...parseRunpodGpuType(raw, { ...context, gpuCount: 1, diskGb: DISK_GB, interruptible: false }));
  offers.push(...parseLambdaInstanceTypes(parsed.lambda, context));
  offers.push(...parseTensordockLocations(parsed.tensordock, { ...context, gpuCount: 1, diskGb: DISK_GB }));
  return offers;
}


const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function endToEnd(sim: Simulator, deadlineMs: number, hung: boolean) {
  const simulatorUrls = { vast: sim.urls.vast, runpod: sim.urls.runpod, lambda: sim.urls.lambda, tensordock: sim.urls.tensordock };
  const fault = hung ? sim.faults.add({ provider: 'runpod', endpoint: 'offers', kind: 'hang' }) : undefined;
  const app = await testApp({ LOG_LEVEL: 'silent', PRICES_DEADLINE_MS: String(deadlineMs), HTTP_TIMEOUT_MS: '60000' }, { simulatorUrls, providerTuning: { waitScale: 0 } });
  try {
    const line = 'prices gpu=4090 type=any sort=value';
    let started = performance.now();
    const first = await app.run(line);
    const cold = performance.now() - started;
    started = performance.now();
    const warm = await medianMs(20, () => app.run(line));
    const sources = (first.reply.data as { sources: { provider: string; ok: boolean }[] }).sources;
    return { cold, warm, failing: sources.filter((source) => !source.ok).map((source) => source.provider), elapsed: performance.now() - started };
  } finally {
    if (fault) sim.faults.clear(fault.id);
    await app.close();
  }
}

/** Runs a command to its end; its stdout. */
function output(command: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

interface WholeMarket {
  firstPagesMs: number;
  wholeListMs: number;
  partial: string[];
  cached: Record<string, number>;
  broadestMs: number;
  vram80Ms: number;
  rss: number;
  heapUsed: number;
  maxRss: number;
}

/** Starts `computehub sim` in its own process, runs whole-market.ts in another against it, stops the simulator. */
async function wholeMarket(): Promise<WholeMarket> {
  const simulator = spawn(process.execPath, ['src/bin/computehub.js', 'sim', '--seed', '42', '--offers', String(VAST_OFFERS), '--time-scale', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const urls = await new Promise<Record<string, string>>((resolve, reject) => {
      let text = '';
      simulator.on('exit', (code) => reject(new Error(`the simulator exited with ${code}`)));
      simulator.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const found = Object.fromEntries(['vast', 'runpod', 'lambda', 'tensordock'].map((name) => [name, new RegExp(`^  ${name}\\s+(\\S+)`, 'm').exec(text)?.[1]]));
        if (Object.values(found).every(Boolean)) resolve(found as Record<string, string>);
      });
    });
    const tsx = path.resolve('node_modules/.bin/tsx');
    return JSON.parse(await output(tsx, ['--expose-gc', 'test/bench/whole-market.ts'], { BENCH_SIM_URLS: JSON.stringify(urls) })) as WholeMarket;
  } finally {
    simulator.kill('SIGTERM');
  }
}

const whole = await wholeMarket();
const sim = await startSimulator({ seed: 42, vastOffers: VAST_OFFERS, timeScale: 0 });
try {
  const raw = await payloads(sim);
  const bytes = Object.values(raw).reduce((sum, body) => sum + Buffer.byteLength(body), 0);
  const parsedOnce = parseAll(raw);
  const offers = normalise(parsedOnce);

  const jsonParse = medianMsSync(15, () => parseAll(raw));
  const perQuery = QUERIES.map(({ name, criteria, sort }) => {
    let matched = 0;
    // From the parsed payloads (normalising does not change them), so parsing is timed only once, above.
    const normaliseRank = medianMsSync(15, () => {
      matched = rankOffers(filterOffers(normalise(parsedOnce), criteria), sort).length;
    });
    const warmOnly = medianMsSync(15, () => rankOffers(filterOffers(offers, criteria), sort));
    return { name, matched, normaliseRank, warmOnly };
  });

  const deadlineMs = 3000;
  const warmCache = await endToEnd(sim, deadlineMs, false);
  const oneHung = await endToEnd(sim, deadlineMs, true);

  const memory = process.memoryUsage();
  const maxRss = process.resourceUsage().maxRSS * 1024;
  const cpus = os.cpus();
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (test/bench/run.ts). Numbers are medians of 15–20 runs after a warm-up.',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${cpus[0]?.model.trim() ?? 'unknown CPU'} × ${cpus.length}, ${mb(os.totalmem())} RAM, ${os.type()} ${os.release()}, Node ${process.version}`,
    `- Market: the simulator (seed 42) serving ${VAST_OFFERS.toLocaleString('en')} Vast offers plus RunPod, Lambda and TensorDock; ${offers.length.toLocaleString('en')} offers after normalisation, ${(bytes / 1024 / 1024).toFixed(1)} MB of JSON.`,
    '',
    '## Per query: normalise, filter and rank, beside JSON.parse alone',
    '',
    `JSON.parse of the four payloads alone: **${ms(jsonParse)}**.`,
    '',
    '| Query | Matches | normalise + filter + rank | ratio to JSON.parse | filter + rank only (warm cache) |',
    '|---|---:|---:|---:|---:|',
    ...perQuery.map((row) => `| ${row.name} | ${row.matched.toLocaleString('en')} | ${ms(row.normaliseRank)} | ${(row.normaliseRank / jsonParse).toFixed(2)}× | ${ms(row.warmOnly)} |`),
    '',
    'A cold query pays JSON.parse plus the normalise column; a warm one (cache within PRICES_TTL_SECONDS) pays only the last column.',
    '',
    '## End-to-end `prices gpu=4090 type=any sort=value`',
    '',
    'Through the command registry, the market service, the real adapters and loopback HTTP to the simulator',
    `(PRICES_DEADLINE_MS=${deadlineMs}). The Vast adapter reads every matching offer, 3,000 per answer.`,
    '',
    '| Situation | First query (cold cache) | Later queries (median) | Providers reported failing |',
    '|---|---:|---:|---|',
    `| all providers answering | ${ms(warmCache.cold)} | ${ms(warmCache.warm)} | ${warmCache.failing.join(', ') || 'none'} |`,
    `| RunPod hung (never answers) | ${ms(oneHung.cold)} | ${ms(oneHung.warm)} | ${oneHung.failing.join(', ') || 'none'} |`,
    '',
    'With a provider hung, the first query waits out the deadline once and answers with the others; later',
    'queries do not wait for the same hung request again.',
    '',
    '## The whole market, the bot alone',
    '',
    `The bot in a process of its own, the simulator (the same ${VAST_OFFERS.toLocaleString('en')} Vast offers) in another (\`computehub sim\`),`,
    "the adapters at the providers' real pace (Vast: one search per 6 s, 3,000 offers per answer).",
    '',
    `- Every provider's first answer (what start-up waits for): **${ms(whole.firstPagesMs)}**`,
    `- Vast's whole list loaded (page by page, by price): **${(whole.wholeListMs / 1000).toFixed(1)} s**${whole.partial.length ? ` (still partial: ${whole.partial.join(', ')})` : ''}`,
    `- Offers cached for the broad on-demand list: ${Object.entries(whole.cached).map(([provider, count]) => `${provider} ${count.toLocaleString('en')}`).join(', ')}; **${Object.values(whole.cached).reduce((sum, count) => sum + count, 0).toLocaleString('en')}** in all`,
    `- Broadest warm query, \`prices\` (every GPU, on-demand, by price), median of 20: **${ms(whole.broadestMs)}**; \`prices vram>=80\`: ${ms(whole.vram80Ms)}`,
    `- Resident set of the bot alone after these: **${mb(whole.rss)}** (peak ${mb(whole.maxRss)}; heap used ${mb(whole.heapUsed)} after a full GC)`,
    '',
    'The machine is shared with other work, so figures vary from run to run by tens of percent.',
    '',
    ...rulesFigures(),
    ...(await automationLoopFigures()),
    '## Memory (this benchmark process, with the simulator in it)',
    '',
    `- Peak resident set (resourceUsage().maxRSS): **${mb(maxRss)}**`,
    `- At the end: rss ${mb(memory.rss)}, heap used ${mb(memory.heapUsed)}`,
    '',
  ];
  const file = path.resolve('docs/BENCHMARKS.md');
  writeFileSync(file, lines.join('\n'));
  process.stdout.write(`${lines.join('\n')}\nWritten to ${file}\n`);
} finally {
  await sim.close();
}
