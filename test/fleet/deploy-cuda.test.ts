// Templates run on the GPU they rent: deploy picks the build with kernels for the GPU's architecture
// that the host's driver runs, and refuses with the reason when no host fits, before renting anything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceView } from '#domain/fleet.ts';
import { call, KEYS } from '#test/sim/support.ts';
import { startWorld, type World } from './world.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld({ pro: true });
});
afterAll(async () => world?.close());

const CU128 = 'pytorch/pytorch:2.9.0-cuda12.8-cudnn9-runtime';
const CU126 = 'pytorch/pytorch:2.9.0-cuda12.6-cudnn9-runtime';

/** The driver CUDA of the Vast host an instance was rented on, as Vast's own search reports it. */
async function vastHostCuda(askPath: string): Promise<number> {
  const offerId = Number(/\/asks\/(\d+)\//.exec(askPath)![1]);
  const reply = await call(`${world.sim.urls.vast}/api/v0/bundles/`, { key: KEYS.vast, body: { id: { eq: offerId }, rented: { in: [true, false] }, limit: 1 } });
  return reply.json.offers[0].cuda_max_good as number;
}

const creates = (provider: string) => world.sim.requests.filter((request) => request.provider === provider && request.endpoint === 'create');

describe('deploy gpu=5090 template=pytorch', () => {
  it('on Vast rents a host whose driver runs CUDA 12.8 and runs the CUDA 12.8 build', async () => {
    world.sim.requests.length = 0;
    const result = await world.run('deploy gpu=5090 provider=vast template=pytorch --yes');
    expect(result.outcome, result.reply.text).toBe('ok');
    expect(result.reply.data as InstanceView).toMatchObject({ gpu: 'RTX 5090', status: 'running' });
    const [create] = creates('vast');
    expect((create!.body as { image: string }).image).toBe(CU128);
    expect(await vastHostCuda(create!.path)).toBeGreaterThanOrEqual(12.8);
  });

  it('on RunPod asks for a host with CUDA 12.8 or newer and lands on one', async () => {
    world.sim.requests.length = 0;
    const result = await world.run('deploy gpu=5090 provider=runpod template=pytorch --yes');
    expect(result.outcome, result.reply.text).toBe('ok');
    expect(creates('runpod')[0]!.body).toMatchObject({ image: CU128, gpu: { minCudaVersion: '12.8' } });
    const pod = await call(`${world.sim.urls.runpod}/v2/pods/${(result.reply.data as InstanceView).providerInstanceId}`, { key: KEYS.runpod });
    expect(Number(pod.json.cudaVersion)).toBeGreaterThanOrEqual(12.8);
  });
});

describe('older GPUs and drivers', () => {
  it('RTX 3090 hosts on Vast with 12.2 and 12.4 drivers are refused, naming each driver', async () => {
    world.sim.requests.length = 0;
    const result = await world.run('deploy gpu=3090 provider=vast template=pytorch --yes');
    expect(result.outcome).toBe('failed');
    expect(result.reply.text).toMatch(/^No RTX 3090 offer fits PyTorch/);
    expect(result.reply.text).toMatch(/PyTorch on RTX 3090 needs a host driver for CUDA 12\.6 or newer; this host's driver supports CUDA 12\.[24]/);
    expect(creates('vast')).toHaveLength(0);
  });

  it('an RTX 4090 on Vast gets the build its host driver runs: CUDA 12.8 on a 12.8+ driver, else 12.6, never a host older than 12.6', async () => {
    world.sim.requests.length = 0;
    const result = await world.run('deploy gpu=4090 provider=vast template=pytorch --yes');
    expect(result.outcome, result.reply.text).toBe('ok');
    const [create] = creates('vast');
    const hostCuda = await vastHostCuda(create!.path);
    expect(hostCuda).toBeGreaterThanOrEqual(12.6);
    expect((create!.body as { image: string }).image).toBe(hostCuda >= 12.8 ? CU128 : CU126);
  });
});

describe('VMs whose driver the provider does not report', () => {
  it('Lambda gets the build that asks least of its driver: CUDA 12.6 on an A10', async () => {
    world.sim.requests.length = 0;
    const result = await world.run('deploy gpu=a10 provider=lambda template=pytorch --yes');
    expect(result.outcome, result.reply.text).toBe('ok');
    const sent = JSON.stringify(creates('lambda')[0]!.body);
    expect(sent).toContain(CU126);
    expect(sent).not.toContain(CU128);
  });
});

describe('refusing before renting, with the reason', () => {
  it('no Vast or RunPod host runs a build that needs CUDA 13.0: deploy says so and rents nothing', async () => {
    const added = await world.run(
      `template add '{"id":"cuda13","name":"CUDA 13 app","tier":"free","description":"Needs a CUDA 13 driver","image":"nvidia/cuda:13.0.1-runtime-ubuntu24.04","cuda":13.0,"ports":[],"minVramGb":8,"minDiskGb":20}'`,
    );
    expect(added.outcome, added.reply.text).toBe('ok');
    world.sim.requests.length = 0;
    for (const provider of ['vast', 'runpod']) {
      const result = await world.run(`deploy gpu=5090 provider=${provider} template=cuda13 --yes`);
      expect(result.outcome).toBe('failed');
      expect(result.reply.text).toMatch(/No RTX 5090 offer fits CUDA 13 app/);
      expect(result.reply.text).toMatch(/CUDA 13 app on RTX 5090 needs a host driver for CUDA 13\.0 or newer; this host's driver supports CUDA 12\.\d/);
    }
    expect(world.sim.requests.filter((request) => request.endpoint === 'create')).toHaveLength(0);
  });

  it('the CUDA 11.8 WebUI has no build for Blackwell: refused by GPU, and by an offer reference from prices', async () => {
    world.sim.requests.length = 0;
    const byGpu = await world.run('deploy gpu=5090 template=sd-webui --yes');
    expect(byGpu.outcome).toBe('failed');
    expect(byGpu.reply.text).toMatch(/Stable Diffusion WebUI has no build for RTX 5090 \(Blackwell, sm_120, needs a CUDA 12\.8\+ build\); its images are built with CUDA 11\.8/);
    const prices = await world.run('prices gpu=5090 provider=vast --json');
    const reference = (prices.reply.data as { offers: { ref: string }[] }).offers[0]!.ref;
    const byReference = await world.run(`deploy ${reference} template=sd-webui --yes`);
    expect(byReference.outcome).toBe('failed');
    expect(byReference.reply.text).toMatch(/no build for RTX 5090.*Pick another offer from: prices/);
    expect(world.sim.requests.filter((request) => request.endpoint === 'create')).toHaveLength(0);
  });
});
