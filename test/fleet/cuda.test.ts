// Which build of a template runs on which GPU and host driver: pure rules, and the shipped templates.
import { describe, expect, it } from 'vitest';
import { architectureOf, chooseBuild, cudaAtLeast, parseCudaVersion, type CudaBuild } from '#domain/cuda.ts';
import { GPU_CATALOGUE } from '#domain/gpus.ts';
import { fitTemplate, parseTemplate, SHIPPED_TEMPLATES } from '#domain/templates.ts';

const shipped = (id: string) => SHIPPED_TEMPLATES.find((template) => template.id === id)!;
const offer = (gpu: string, vramGb: number, cudaVersion?: number) => ({ gpu, vramGb, gpuCount: 1, ...(cudaVersion !== undefined ? { cudaVersion } : {}) });

describe('CUDA per GPU architecture', () => {
  it('knows the first CUDA toolkit with kernels for each architecture', () => {
    expect(architectureOf(12.0)).toEqual({ name: 'Blackwell', sm: 'sm_120', minCuda: 12.8 });
    expect(architectureOf(10.0)).toMatchObject({ name: 'Blackwell', sm: 'sm_100', minCuda: 12.8 });
    expect(architectureOf(9.0)).toMatchObject({ name: 'Hopper', minCuda: 11.8 });
    expect(architectureOf(8.9)).toMatchObject({ name: 'Ada Lovelace', sm: 'sm_89' });
    expect(architectureOf(8.6)).toMatchObject({ name: 'Ampere', sm: 'sm_86' });
    expect(architectureOf(7.0)).toMatchObject({ name: 'Volta' });
    expect(architectureOf(6.1)).toBeUndefined();
  });

  it('gives every NVIDIA GPU in the catalogue a compute capability and AMD none', () => {
    for (const gpu of GPU_CATALOGUE) {
      if (gpu.vendor === 'AMD') expect(gpu.computeCapability, gpu.name).toBeNull();
      else expect(architectureOf(gpu.computeCapability!), gpu.name).toBeDefined();
    }
    const arch = (name: string) => architectureOf(GPU_CATALOGUE.find((gpu) => gpu.name === name)!.computeCapability!)!.name;
    expect(['RTX 5090', 'RTX 5080', 'RTX PRO 6000', 'B200'].map(arch)).toEqual(['Blackwell', 'Blackwell', 'Blackwell', 'Blackwell']);
    expect(['H100 SXM', 'RTX 4090', 'A100 80GB SXM', 'T4'].map(arch)).toEqual(['Hopper', 'Ada Lovelace', 'Ampere', 'Turing']);
  });

  it('reads and compares CUDA versions as the providers write them', () => {
    expect(['12.8', '12', '12.8.1', ' 11.8 ', 'cuda'].map(parseCudaVersion)).toEqual([12.8, 12, 12.8, 11.8, undefined]);
    expect(cudaAtLeast(12.8, 12.8)).toBe(true);
    expect(cudaAtLeast(0.1 + 12.7, 12.8)).toBe(true);
    expect(cudaAtLeast(12.6, 12.8)).toBe(false);
    expect(cudaAtLeast(13.0, 12.9)).toBe(true);
  });
});

describe('choosing a build for the GPU and the host driver', () => {
  const builds: CudaBuild[] = [
    { image: 'x:cu128', cuda: 12.8, minComputeCapability: 7.0 },
    { image: 'x:cu126', cuda: 12.6, minComputeCapability: 5.0 },
  ];

  it('picks the preferred build the driver supports, falling back to an older one', () => {
    expect(chooseBuild('X', builds, { gpu: 'RTX 4090', computeCapability: 8.9, driverCuda: 12.9 })).toEqual({ build: builds[0] });
    expect(chooseBuild('X', builds, { gpu: 'RTX 4090', computeCapability: 8.9, driverCuda: 12.6 })).toEqual({ build: builds[1] });
  });

  it('on a host that does not report its driver, takes the build that asks least of it', () => {
    expect(chooseBuild('X', builds, { gpu: 'RTX 4090', computeCapability: 8.9 })).toEqual({ build: builds[1] });
    expect(chooseBuild('X', builds, { gpu: 'RTX 5090', computeCapability: 12.0 })).toEqual({ build: builds[0] });
  });

  it('gives Blackwell only a CUDA 12.8+ build, and says why when the driver is too old', () => {
    expect(chooseBuild('X', builds, { gpu: 'RTX 5090', computeCapability: 12.0, driverCuda: 12.8 })).toEqual({ build: builds[0] });
    expect(chooseBuild('X', builds, { gpu: 'RTX 5090', computeCapability: 12.0, driverCuda: 12.6 })).toEqual({
      misfit: "X on RTX 5090 needs a host driver for CUDA 12.8 or newer; this host's driver supports CUDA 12.6",
    });
    expect(chooseBuild('X', [builds[1]!], { gpu: 'RTX 5090', computeCapability: 12.0, driverCuda: 12.9 })).toEqual({
      misfit: 'X has no build for RTX 5090 (Blackwell, sm_120, needs a CUDA 12.8+ build); its images are built with CUDA 12.6',
    });
  });

  it('keeps old GPUs off builds that dropped them, and non-NVIDIA GPUs off CUDA builds', () => {
    expect(chooseBuild('X', [{ image: 'x:cu130', cuda: 13.0, minComputeCapability: 7.5 }], { gpu: 'V100', computeCapability: 7.0, driverCuda: 13.0 })).toMatchObject({ misfit: expect.stringMatching(/no build for V100 \(Volta/) });
    expect(chooseBuild('X', builds, { gpu: 'MI300X', computeCapability: null })).toEqual({ misfit: 'X runs CUDA builds, which need an NVIDIA GPU; MI300X is not one' });
    expect(chooseBuild('X', builds, { gpu: 'Mystery GPU', driverCuda: 12.6 })).toEqual({ build: builds[1] });
    expect(chooseBuild('X', builds, { gpu: 'Mystery GPU', driverCuda: 12.9 })).toEqual({ build: builds[0] });
  });
});

describe('shipped templates on today\'s GPUs', () => {
  it('pins no 2024 image: PyTorch 2.9, vLLM 0.11, code-server 4.104, and the CUDA each build needs', () => {
    expect(shipped('pytorch')).toMatchObject({ image: 'pytorch/pytorch:2.9.0-cuda12.8-cudnn9-runtime', cuda: 12.8 });
    expect(shipped('pytorch').variants).toEqual([{ image: 'pytorch/pytorch:2.9.0-cuda12.6-cudnn9-runtime', cuda: 12.6, minComputeCapability: 5.0 }]);
    expect(shipped('llama')).toMatchObject({ image: 'vllm/vllm-openai:v0.11.0', cuda: 12.8 });
    expect(shipped('vscode')).toMatchObject({ image: 'codercom/code-server:4.104.0' });
    expect(shipped('vscode').cuda).toBeUndefined();
    for (const template of SHIPPED_TEMPLATES) expect(template.image ?? '', template.id).not.toMatch(/2\.4\.1|v0\.6\.3|4\.93\.1|2024-/);
  });

  it('runs PyTorch on an RTX 5090 with the CUDA 12.8 build, on an older Ampere host with 12.6, and never on a 12.4 Blackwell host', () => {
    const pytorch = shipped('pytorch');
    expect(fitTemplate(pytorch, offer('RTX 5090', 32, 12.8), 30)).toEqual({ image: 'pytorch/pytorch:2.9.0-cuda12.8-cudnn9-runtime', cuda: 12.8 });
    expect(fitTemplate(pytorch, offer('RTX 3090', 24, 12.6), 30)).toEqual({ image: 'pytorch/pytorch:2.9.0-cuda12.6-cudnn9-runtime', cuda: 12.6 });
    expect(fitTemplate(pytorch, offer('RTX 5090', 32, 12.4), 30)).toEqual({ misfit: "PyTorch on RTX 5090 needs a host driver for CUDA 12.8 or newer; this host's driver supports CUDA 12.4" });
    expect(fitTemplate(pytorch, offer('RTX 3090', 24, 12.2), 30)).toMatchObject({ misfit: expect.stringMatching(/CUDA 12\.6 or newer/) });
  });

  it('refuses the CUDA 11.8 WebUI on Blackwell, still checks VRAM first, and takes an image the user names as it is', () => {
    expect(fitTemplate(shipped('sd-webui'), offer('B200', 180, 12.9), 60)).toMatchObject({ misfit: expect.stringMatching(/no build for B200 \(Blackwell, sm_100/) });
    expect(fitTemplate(shipped('llama'), offer('RTX 5090', 16, 12.9), 80)).toMatchObject({ misfit: expect.stringMatching(/24 GB of GPU memory/) });
    expect(fitTemplate(shipped('pytorch'), offer('RTX 5090', 32, 12.4), 30, 'me/mine:1')).toEqual({ image: 'me/mine:1' });
    expect(fitTemplate(shipped('vscode'), offer('RTX 5090', 32, 11.0), 30)).toEqual({ image: 'codercom/code-server:4.104.0' });
  });

  it('refuses an org template whose variants have no CUDA version to choose by', () => {
    const base = { id: 'mine', name: 'Mine', tier: 'free', description: 'x', image: 'me/app:1', ports: [], minVramGb: 0, minDiskGb: 20 };
    expect(() => parseTemplate({ ...base, variants: [{ image: 'me/app:1-cu126', cuda: 12.6 }] }, 'test')).toThrow(/variants need an image with its cuda version first/);
    expect(parseTemplate({ ...base, cuda: 12.8, variants: [{ image: 'me/app:1-cu126', cuda: 12.6 }] }, 'test').variants).toHaveLength(1);
  });
});
