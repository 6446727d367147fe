// RunPod start scripts on images that start their own program (Docker ENTRYPOINT): a plain start
// command replaces only the CMD, so an on-demand pod is created through REST v2 with the start command
// in RunPod's JSON form, whose `entrypoint` replaces the image's; spot pods (GraphQL, plain dockerArgs)
// of such images are refused. REST v2 has no top-level entrypoint/cmd fields: sending them is a 422.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '#providers/index.ts';
import type { LaunchSpec } from '#providers/types.ts';
import type { Offer } from '#domain/offer.ts';
import { startSimulator, type Simulator } from '#sim/index.ts';
import { graphql } from '#test/sim/support.ts';
import { adapterFor, advanceUntil, failure, KEYS, SSH_PUBLIC_KEY } from './harness.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 11, vastOffers: 50, timeScale: 0, keys: KEYS });
});
afterAll(async () => sim?.close());

const VLLM = 'vllm/vllm-openai:v0.11.0';
const SCRIPT = "#!/bin/bash\necho \"it's $HOME\"\nexec python3 -m vllm.entrypoints.openai.api_server --port 8000\n";

function spec(offer: Offer, name: string, image: string): LaunchSpec {
  return {
    offerId: offer.offerId,
    name,
    image,
    env: { MODEL: 'NousResearch/Meta-Llama-3.1-8B-Instruct' },
    ports: [{ port: 22, protocol: 'tcp' }, { port: 8000, protocol: 'http' }],
    startScript: SCRIPT,
    imageSetsEntrypoint: image === VLLM,
    diskGb: 80,
    gpuCount: offer.gpuCount,
    sshPublicKey: SSH_PUBLIC_KEY,
  };
}

const creates = () => sim.requests.filter((request) => request.provider === 'runpod' && request.endpoint === 'create');

describe('RunPod start script on an image with its own ENTRYPOINT', () => {
  it('an on-demand pod of the vLLM image starts our script and becomes reachable over SSH', async () => {
    const adapter = adapterFor(sim, 'runpod');
    const offer = (await adapter.listOffers({ gpuCount: 1 }))[0]!;
    sim.requests.length = 0;
    const created = await adapter.create(spec(offer, 'entry-on-demand', VLLM));
    const sent = creates();
    expect(sent).toHaveLength(1);
    // REST v2, the script whole as one argument to bash (no shell splitting) in the start command's JSON form.
    expect(sent[0]!.path).toBe('/v2/pods');
    expect(sent[0]!.body).toMatchObject({ image: VLLM, args: JSON.stringify({ cmd: [SCRIPT], entrypoint: ['bash', '-c'] }) });
    expect(sent[0]!.body).not.toHaveProperty('entrypoint');
    const ready = await advanceUntil(sim, adapter, created.providerInstanceId, ['running', 'stopped', 'exited', 'failed']);
    expect(ready.status).toBe('running');
    expect(ready.ssh?.port).toBeGreaterThan(0);
    expect(sim.market.instance('runpod', created.providerInstanceId)?.startScript).toMatch(/^bash -c #!\/bin\/bash/);
    await adapter.destroy(created.providerInstanceId);
  });

  it('the same script as GraphQL dockerArgs becomes arguments to vllm serve, and the pod never comes up', async () => {
    const adapter = adapterFor(sim, 'runpod');
    const offer = (await adapter.listOffers({ gpuCount: 1 }))[0]!;
    const gpuTypeId = offer.offerId.replace(/^(SECURE|COMMUNITY):/, '').split('@')[0];
    const answer = await graphql(sim.urls.runpod, 'mutation D($input: PodFindAndDeployOnDemandInput!) { podFindAndDeployOnDemand(input: $input) { id } }', {
      input: { name: 'entry-cmd-only', imageName: VLLM, gpuTypeId, gpuCount: 1, cloudType: 'ALL', containerDiskInGb: 20, volumeInGb: 80, ports: '8000/http,22/tcp', dockerArgs: "bash -c 'sleep infinity'" },
    });
    const id = answer.json.data.podFindAndDeployOnDemand.id as string;
    const seen = await advanceUntil(sim, adapter, id, ['running', 'stopped', 'exited', 'failed']);
    expect(seen.status).not.toBe('running');
    expect(sim.market.instance('runpod', id)?.startScript).toBe("vllm serve bash -c 'sleep infinity'");
    await adapter.destroy(id);
  });

  it('refuses a spot pod of such an image before renting anything, and says what to do', async () => {
    const adapter = adapterFor(sim, 'runpod');
    const offer = (await adapter.listOffers({ gpuCount: 1, interruptible: true })).find((candidate) => candidate.minBidPerHour !== undefined)!;
    sim.requests.length = 0;
    const error = await failure(adapter.create({ ...spec(offer, 'entry-spot', VLLM), bidPerHour: offer.pricePerHour }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).toMatch(/ENTRYPOINT.*on-demand \(without bid=\)/s);
    expect(creates()).toHaveLength(0);
  });

  it('a spot pod of an image without an ENTRYPOINT gets the script through dockerArgs, shell-quoted', async () => {
    const adapter = adapterFor(sim, 'runpod');
    const offer = (await adapter.listOffers({ gpuCount: 1, interruptible: true })).find((candidate) => candidate.minBidPerHour !== undefined)!;
    sim.requests.length = 0;
    const created = await adapter.create({ ...spec(offer, 'entry-spot-plain', 'pytorch/pytorch:2.9.0-cuda12.8-cudnn9-runtime'), bidPerHour: offer.pricePerHour });
    const input = (creates()[0]!.body as any).variables.input;
    expect(input.dockerArgs).toBe(`bash -c '#!/bin/bash\necho "it'\\''s $HOME"\nexec python3 -m vllm.entrypoints.openai.api_server --port 8000\n'`);
    const ready = await advanceUntil(sim, adapter, created.providerInstanceId, ['running', 'stopped', 'exited', 'failed']);
    expect(ready.status).toBe('running');
    await adapter.destroy(created.providerInstanceId);
  });
});
