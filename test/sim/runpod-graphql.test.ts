// RunPod's GraphQL face speaks the language through graphql-js: variables with defaults, aliases,
// fragments, only the selected fields, and RunPod's schema errors as HTTP 200 with errors[].
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '#sim/index.ts';
import { call, graphql, KEYS } from './support.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 5, vastOffers: 50, timeScale: 0, startTime: Date.UTC(2026, 5, 1) });
});
afterAll(() => sim.close());

const RTX = 'NVIDIA GeForce RTX 4090';

describe('RunPod GraphQL language', () => {
  it('applies variable defaults, aliases, named and inline fragments, and __typename', async () => {
    const reply = await graphql(
      sim.urls.runpod,
      `query Q($id: String = "${RTX}", $n: Int) { card: gpuTypes(input: {id: $id}) { ...Card ... on GpuType { cheapest: lowestPrice(input: {gpuCount: $n}) { minVcpu } } } }
       fragment Card on GpuType { id __typename }`,
      { n: 2 },
    );
    expect(reply.json.errors).toBeUndefined();
    expect(reply.json.data.card).toHaveLength(1);
    expect(Object.keys(reply.json.data.card[0]).sort()).toEqual(['__typename', 'cheapest', 'id']);
    expect(reply.json.data.card[0]).toMatchObject({ id: RTX, __typename: 'GpuType' });
    expect(sim.requests.at(-1)).toMatchObject({ endpoint: 'offers', operations: ['gpuTypes'] });
  });

  it('answers GET ?query= too, and picks the operation by name', async () => {
    const query = encodeURIComponent('query A { countryCodes } query B { myself { id } }');
    const reply = await call(`${sim.urls.runpod}/graphql?query=${query}`, { key: KEYS.runpod });
    expect(reply.json.errors[0].message).toBe('Must provide operation name if query contains multiple operations.');
    const named = await call(`${sim.urls.runpod}/graphql`, { key: KEYS.runpod, body: { query: 'query A { countryCodes } query B { myself { id } }', operationName: 'B' } });
    expect(named.json.data).toEqual({ myself: { id: 'sim-user-runpod' } });
    expect(sim.requests.at(-1)).toMatchObject({ endpoint: 'account', operations: ['myself'] });
  });

  it('refuses syntax errors, unknown fields, missing subfields and missing required inputs with data null', async () => {
    const cases: [string, RegExp, string][] = [
      ['{ gpuTypes { id }', /^Syntax Error/, 'GRAPHQL_PARSE_FAILED'],
      ['{ gpuTypes { id pricePerHour } }', /Cannot query field "pricePerHour" on type "GpuType"/, 'GRAPHQL_VALIDATION_FAILED'],
      ['{ myself }', /Field "myself" of type "User" must have a selection of subfields/, 'GRAPHQL_VALIDATION_FAILED'],
      [`mutation { podRentInterruptable(input: {gpuTypeId: "${RTX}"}) { id } }`, /Field "PodRentInterruptableInput.bidPerGpu" of required type "Float!" was not provided/, 'GRAPHQL_VALIDATION_FAILED'],
      [`mutation { podFindAndDeployOnDemand(input: {gpuTypeId: "${RTX}", bidPerGpu: 0.2}) { id } }`, /Field "bidPerGpu" is not defined by type "PodFindAndDeployOnDemandInput"/, 'GRAPHQL_VALIDATION_FAILED'],
    ];
    for (const [query, message, code] of cases) {
      const reply = await graphql(sim.urls.runpod, query);
      expect(reply.status, query).toBe(200);
      expect(reply.json.data, query).toBeNull();
      expect(reply.json.errors[0].message, query).toMatch(message);
      expect(reply.json.errors[0].extensions.code, query).toBe(code);
    }
    expect((await call(`${sim.urls.runpod}/v2/pods`, { key: KEYS.runpod })).json.pods).toEqual([]);
  });

  it('reports a failing resolver with its path and keeps the other fields', async () => {
    const reply = await graphql(sim.urls.runpod, 'mutation { gone: podTerminate(input: {podId: "nope"}) }');
    expect(reply.json.data).toEqual({ gone: null });
    expect(reply.json.errors[0]).toMatchObject({ message: 'pod not found to terminate', path: ['gone'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('answers a repeated query text as the first time, with new variables and the market as it is now', async () => {
    const query = 'query Q($id: String) { gpuTypes(input: {id: $id}) { id } }';
    expect((await graphql(sim.urls.runpod, query, { id: RTX })).json.data.gpuTypes).toEqual([{ id: RTX }]);
    expect((await graphql(sim.urls.runpod, query, { id: 'NVIDIA A100 80GB PCIe' })).json.data.gpuTypes).toEqual([{ id: 'NVIDIA A100 80GB PCIe' }]);
    for (const broken of ['{ gpuTypes { id }', '{ gpuTypes { id pricePerHour } }']) {
      const first = await graphql(sim.urls.runpod, broken);
      expect((await graphql(sim.urls.runpod, broken)).json, broken).toEqual(first.json);
    }
    const pods = '{ myself { pods { id } } }';
    const before = (await graphql(sim.urls.runpod, pods)).json.data.myself.pods.length;
    await graphql(sim.urls.runpod, `mutation { podFindAndDeployOnDemand(input: {name: "again", imageName: "ubuntu:22.04", gpuTypeId: "${RTX}"}) { id } }`);
    expect((await graphql(sim.urls.runpod, pods)).json.data.myself.pods).toHaveLength(before + 1);
  });
});
