// Which CUDA build runs where. Two facts decide it: a GPU architecture needs a CUDA toolkit new
// enough to compile kernels for it (an image built with CUDA 12.4 has none for Blackwell and fails
// with "no kernel image is available"), and an image built with CUDA X needs a host driver that
// supports X (Vast `cuda_max_good`, RunPod `allowedCudaVersions`, nvidia-smi's "CUDA Version").
// Sources: https://developer.nvidia.com/cuda-gpus (compute capabilities) and the CUDA toolkit
// release notes https://docs.nvidia.com/cuda/cuda-toolkit-release-notes/ (first toolkit per sm_XX).

export interface Architecture {
  name: string;
  /** The kernel target, e.g. sm_120. */
  sm: string;
  /** The first CUDA toolkit that builds kernels for it. */
  minCuda: number;
}

// Newest first: the first row whose compute capability the GPU reaches is its architecture.
const ARCHITECTURES: readonly (Architecture & { computeCapability: number })[] = [
  { computeCapability: 12.0, name: 'Blackwell', sm: 'sm_120', minCuda: 12.8 },
  { computeCapability: 10.0, name: 'Blackwell', sm: 'sm_100', minCuda: 12.8 },
  { computeCapability: 9.0, name: 'Hopper', sm: 'sm_90', minCuda: 11.8 },
  { computeCapability: 8.9, name: 'Ada Lovelace', sm: 'sm_89', minCuda: 11.8 },
  { computeCapability: 8.6, name: 'Ampere', sm: 'sm_86', minCuda: 11.1 },
  { computeCapability: 8.0, name: 'Ampere', sm: 'sm_80', minCuda: 11.0 },
  { computeCapability: 7.5, name: 'Turing', sm: 'sm_75', minCuda: 10.0 },
  { computeCapability: 7.0, name: 'Volta', sm: 'sm_70', minCuda: 9.0 },
];

export function architectureOf(computeCapability: number): Architecture | undefined {
  const row = ARCHITECTURES.find((candidate) => computeCapability >= candidate.computeCapability - 1e-9);
  return row ? { name: row.name, sm: row.sm, minCuda: row.minCuda } : undefined;
}

/** "12.8" → 12.8, "12" → 12; undefined for anything else. CUDA minors stay below 10 (12.9 is followed by 13.0). */
export function parseCudaVersion(text: string): number | undefined {
  const match = /^\s*(\d{1,2})(?:\.(\d))?(?:\.\d+)?\s*$/.exec(text);
  return match ? Number(`${match[1]}.${match[2] ?? 0}`) : undefined;
}

export function formatCuda(version: number): string {
  return version.toFixed(1);
}

/** a ≥ b for CUDA versions held as numbers (12.8 ≥ 12.8 despite binary fractions). */
export function cudaAtLeast(a: number, b: number): boolean {
  return Math.round(a * 10) >= Math.round(b * 10);
}

/** One build of a template's image: the CUDA it was built with and the oldest GPU it has kernels for. */
export interface CudaBuild {
  image: string;
  cuda: number;
  minComputeCapability?: number | undefined;
}

/** The GPU and host a build must run on; an unknown figure is not held against a build. */
export interface CudaHost {
  gpu: string;
  /** null = not an NVIDIA GPU; undefined = a GPU our catalogue does not know. */
  computeCapability?: number | null | undefined;
  /** Highest CUDA the host driver supports; undefined when the provider does not say. */
  driverCuda?: number | undefined;
}

export type BuildChoice = { build: CudaBuild } | { misfit: string };

/** Whether a build carries kernels for this GPU. */
function runsOn(build: CudaBuild, computeCapability: number | undefined): boolean {
  if (computeCapability === undefined) return true;
  const architecture = architectureOf(computeCapability);
  if (architecture && !cudaAtLeast(build.cuda, architecture.minCuda)) return false;
  return build.minComputeCapability === undefined || computeCapability >= build.minComputeCapability - 1e-9;
}

/**
 * The first build (in the template's order of preference) that has kernels for the GPU and that the
 * host driver can run, or the reason none fits, in words that say what to do.
 */
export function chooseBuild(name: string, builds: readonly CudaBuild[], host: CudaHost): BuildChoice {
  if (host.computeCapability === null) return { misfit: `${name} runs CUDA builds, which need an NVIDIA GPU; ${host.gpu} is not one` };
  const forGpu = builds.filter((build) => runsOn(build, host.computeCapability ?? undefined));
  if (forGpu.length === 0) {
    const architecture = host.computeCapability === undefined ? undefined : architectureOf(host.computeCapability);
    const needs = architecture ? ` (${architecture.name}, ${architecture.sm}, needs a CUDA ${formatCuda(architecture.minCuda)}+ build)` : '';
    const has = [...new Set(builds.map((build) => formatCuda(build.cuda)))].join(', ');
    return { misfit: `${name} has no build for ${host.gpu}${needs}; its images are built with CUDA ${has}` };
  }
  const driver = host.driverCuda;
  // A host that does not say what its driver runs (the VM providers) gets the build that asks least of it.
  if (driver === undefined) return { build: forGpu.reduce((oldest, build) => (build.cuda < oldest.cuda ? build : oldest)) };
  const runnable = forGpu.filter((build) => cudaAtLeast(driver, build.cuda));
  if (runnable.length === 0) {
    const lowest = Math.min(...forGpu.map((build) => build.cuda));
    return { misfit: `${name} on ${host.gpu} needs a host driver for CUDA ${formatCuda(lowest)} or newer; this host's driver supports CUDA ${formatCuda(driver!)}` };
  }
  return { build: runnable[0]! };
}
