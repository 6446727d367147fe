// An offer reference is looked up only in what the deploying org's own providers answered: an org with
// its own Vast key never rents from another org's cached answer (nor a simulated offer for real money).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '#sim/index.ts';
import { testApp, type TestApp } from '#test/support/app.ts';
import { TEST_SECRETS } from '#test/support/secrets.ts';

let sim: Simulator;
let app: TestApp;
let acme: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, timeScale: 0, vastOffers: 200 });
  const simulatorUrls = { vast: sim.urls.vast, runpod: sim.urls.runpod, lambda: sim.urls.lambda, tensordock: sim.urls.tensordock };
  // acme's own key reaches Vast's API at this URL (the simulator, speaking Vast's protocol as the real one).
  app = await testApp({ VAST_API_URL: sim.urls.vast, PRICES_DEADLINE_MS: '5000' }, { simulatorUrls, providerTuning: { waitScale: 0, retries: 0 } });
  expect((await app.run('org create acme')).outcome).toBe('ok');
  acme = app.services.db.data.orgs.find((org) => org.name === 'acme')!.id;
  await app.services.providers.add(acme, 'vast', TEST_SECRETS.vastKey, 'test');
});
afterAll(async () => {
  await app?.close();
  await sim?.close();
});

describe('deploying an offer by its reference', () => {
  it('uses only the deploying org’s own answers, and asks its own provider otherwise', async () => {
    const prices = await app.run('prices gpu=4090 provider=vast cuda>=12.8 --json');
    const reference = (prices.reply.data as { offers: { ref: string }[] }).offers[0]!.ref;
    expect(app.services.market.findOffer('default', reference)).toBeDefined();
    expect(app.services.market.findOffer(acme, reference)).toBeUndefined();

    expect((await app.run('org use acme')).outcome).toBe('ok');
    const searchesBefore = sim.requests.filter((request) => request.endpoint === 'offers').length;
    const preview = await app.run(`deploy ${reference} template=pytorch`);
    expect(preview.outcome).toBe('confirm');
    expect(sim.requests.filter((request) => request.endpoint === 'offers').length).toBeGreaterThan(searchesBefore);
  });
});
