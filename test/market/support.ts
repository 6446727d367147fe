// A simulator with a frozen clock (prices hold still between the app's fetch and the test's own), an
// app whose providers are that simulator, and the real adapters aimed at it for independent answers.
import { createProviderAdapter } from '#providers/index.ts';
import { PROVIDER_NAMES } from '#domain/providers.ts';
import { type OfferQuery, type ProviderAdapter, type ProviderName } from '#providers/types.ts';
import type { Offer } from '#domain/offer.ts';
import { createLogger } from '#src/log.ts';
import { startSimulator, type Simulator } from '#sim/index.ts';
import type { AppOptions } from '#src/app.ts';
import { testApp, type TestApp } from '#test/support/app.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';

const KEYS: Record<ProviderName, string> = { vast: TEST_SECRETS.vastKey, runpod: TEST_SECRETS.runpodKey, lambda: TEST_SECRETS.lambdaKey, tensordock: TEST_SECRETS.tensordockToken };

export interface MarketFixture {
  sim: Simulator;
  app: TestApp;
  adapters: Record<ProviderName, ProviderAdapter>;
  /** Every offer the adapters list for the query, from all four providers. */
  offers(query: OfferQuery): Promise<Offer[]>;
  close(): Promise<void>;
}

export async function marketFixture(env: Record<string, string> = {}, options: AppOptions = {}): Promise<MarketFixture> {
  const sim = await startSimulator({ seed: 11, timeScale: 0, vastOffers: 600 });
  const simulatorUrls = { vast: sim.urls.vast, runpod: sim.urls.runpod, lambda: sim.urls.lambda, tensordock: sim.urls.tensordock };
  // No retries and a breaker that never opens: each fault is seen as it is, and recovery is immediate.
  const tuning = { waitScale: 0, retries: 0, breaker: { threshold: 1_000, cooldownMs: 1 } };
  const app = await testApp({ PRICES_DEADLINE_MS: '1000', HTTP_TIMEOUT_MS: '1500', ...env }, { simulatorUrls, providerTuning: tuning, ...options });
  const log = createLogger({ level: 'debug', format: 'json', file: process.env.LOG_FILE });
  const adapters = Object.fromEntries(
    PROVIDER_NAMES.map((name) => [name, createProviderAdapter(name, { baseUrl: sim.urls[name], apiKey: KEYS[name], log, timeoutMs: 5_000, ...tuning })]),
  ) as Record<ProviderName, ProviderAdapter>;
  return {
    sim,
    app,
    adapters,
    offers: async (query) => (await Promise.all(PROVIDER_NAMES.map((name) => adapters[name].listOffers(query)))).flat(),
    async close() {
      await app.close();
      await sim.close();
    },
  };
}

/** The public JSON of one offer row (`prices --json`). */
export interface OfferRow {
  ref: string;
  provider: ProviderName;
  offerId: string;
  gpu: string;
  gpuCount: number;
  vramGb: number;
  pricePerHour: number;
  pricePerGpuHour: number;
  usdPerPflopHour: number | null;
  interruptible: boolean;
  minBidPerHour: number | null;
  region: string;
  country: string | null;
  reliability: number | null;
  fetchedAt: string;
}

export interface SourceRow {
  provider: ProviderName;
  ok: boolean;
  count: number;
  ageSeconds: number | null;
  stale: boolean;
  loading: boolean;
  error?: string;
}

export interface PricesData {
  offers: OfferRow[];
  sources: SourceRow[];
  total: number;
  page: number;
  pages: number;
}

/** Runs a `prices` line and follows its "More" button to the last page; returns every row in order. */
export async function allPages(app: TestApp, line: string): Promise<{ rows: OfferRow[]; first: PricesData; pagesSeen: number }> {
  let execution = await app.run(line);
  if (execution.outcome !== 'ok') throw new Error(`${line}: ${execution.reply.text}`);
  const first = execution.reply.data as PricesData;
  const rows = [...first.offers];
  let pagesSeen = 1;
  for (;;) {
    const more = execution.reply.buttons?.find((button) => button.label.startsWith('More'));
    if (!more) break;
    execution = await app.run(more.command);
    rows.push(...(execution.reply.data as PricesData).offers);
    pagesSeen++;
  }
  return { rows, first, pagesSeen };
}

/** Identity of an offer row, independent of our reference format. */
export const identity = (offer: Pick<Offer, 'provider' | 'offerId' | 'gpuCount' | 'interruptible'>) => `${offer.provider}|${offer.offerId}|${offer.gpuCount}|${offer.interruptible}`;
