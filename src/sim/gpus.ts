// The GPU models the simulated market trades, with each provider's own spelling. Prices are late-2026
// market levels per GPU-hour (Vast host asks cluster around `vastUsd`; RunPod tiers derive from it).

export interface SimGpuModel {
  /** Vast `gpu_name` (spaces, Vast's spelling). */
  vast: string;
  /** RunPod gpuTypes id (long name) and displayName; absent when RunPod does not list it. */
  runpod?: { id: string; displayName: string; memoryInGb: number };
  /** TensorDock v2 `v0Name` and displayName; absent when TensorDock does not list it. */
  tensordock?: { v0Name: string; displayName: string };
  manufacturer: 'Nvidia' | 'AMD';
  vramGb: number;
  /** Vast `gpu_ram` in MB as nvidia-smi reports it (a bit under vramGb × 1024). */
  vastGpuRamMb: number;
  /** Typical Vast on-demand ask, $/GPU-hour. */
  vastUsd: number;
  computeCap: number;
  /** FP16-ish TFLOPS per GPU (Vast total_flops is this × num_gpus). */
  tflops: number;
  memBandwidthGbs: number;
  maxPowerW: number;
  /** How common it is on Vast (relative weight). */
  supply: number;
  /** Data-centre part: hosts are mostly datacenters with high reliability. */
  datacenter: boolean;
}

const model = (
  vast: string,
  vramGb: number,
  vastUsd: number,
  computeCap: number,
  tflops: number,
  memBandwidthGbs: number,
  maxPowerW: number,
  supply: number,
  datacenter: boolean,
  runpod?: [string, string],
  tensordock?: [string, string],
  manufacturer: 'Nvidia' | 'AMD' = 'Nvidia',
): SimGpuModel => ({
  vast,
  vramGb,
  vastGpuRamMb: Math.round(vramGb * 1023.5),
  vastUsd,
  computeCap,
  tflops,
  memBandwidthGbs,
  maxPowerW,
  supply,
  datacenter,
  manufacturer,
  ...(runpod ? { runpod: { id: runpod[0], displayName: runpod[1], memoryInGb: vramGb } } : {}),
  ...(tensordock ? { tensordock: { v0Name: tensordock[0], displayName: tensordock[1] } } : {}),
});

export const SIM_GPUS: readonly SimGpuModel[] = [
  model('RTX 3060', 12, 0.06, 860, 25.5, 360, 170, 5, false, ['NVIDIA GeForce RTX 3060', 'RTX 3060']),
  model('RTX 3070', 8, 0.07, 860, 40.6, 448, 220, 4, false, ['NVIDIA GeForce RTX 3070', 'RTX 3070']),
  model('RTX 3080', 10, 0.09, 860, 59.5, 760, 320, 5, false, ['NVIDIA GeForce RTX 3080', 'RTX 3080']),
  model('RTX 3080 Ti', 12, 0.11, 860, 68.2, 912, 350, 3, false, ['NVIDIA GeForce RTX 3080 Ti', 'RTX 3080 Ti']),
  model('RTX 3090', 24, 0.16, 860, 71.0, 936, 350, 12, false, ['NVIDIA GeForce RTX 3090', 'RTX 3090'], ['geforcertx3090-pcie-24gb', 'NVIDIA GeForce RTX 3090 PCIe 24GB']),
  model('RTX 3090 Ti', 24, 0.19, 860, 80.0, 1008, 450, 3, false, ['NVIDIA GeForce RTX 3090 Ti', 'RTX 3090 Ti']),
  model('RTX 4060 Ti', 16, 0.1, 890, 44.1, 288, 165, 4, false, ['NVIDIA GeForce RTX 4060 Ti', 'RTX 4060 Ti']),
  model('RTX 4070', 12, 0.11, 890, 58.3, 504, 200, 4, false, ['NVIDIA GeForce RTX 4070', 'RTX 4070']),
  model('RTX 4070 Ti', 12, 0.13, 890, 80.2, 504, 285, 3, false, ['NVIDIA GeForce RTX 4070 Ti', 'RTX 4070 Ti']),
  model('RTX 4080', 16, 0.2, 890, 97.5, 717, 320, 5, false, ['NVIDIA GeForce RTX 4080', 'RTX 4080']),
  model('RTX 4080S', 16, 0.21, 890, 104.4, 736, 320, 3, false, ['NVIDIA GeForce RTX 4080 SUPER', 'RTX 4080 SUPER']),
  model('RTX 4090', 24, 0.32, 890, 165.2, 1008, 450, 16, false, ['NVIDIA GeForce RTX 4090', 'RTX 4090'], ['geforcertx4090-pcie-24gb', 'NVIDIA GeForce RTX 4090 PCIe 24GB']),
  model('RTX 5080', 16, 0.3, 1200, 112.6, 960, 360, 4, false, ['NVIDIA GeForce RTX 5080', 'RTX 5080']),
  model('RTX 5090', 32, 0.55, 1200, 209.5, 1792, 575, 10, false, ['NVIDIA GeForce RTX 5090', 'RTX 5090'], ['geforcertx5090-pcie-32gb', 'NVIDIA GeForce RTX 5090 PCIe 32GB']),
  model('RTX A4000', 16, 0.12, 860, 19.2, 448, 140, 5, true, ['NVIDIA RTX A4000', 'RTX A4000'], ['rtxa4000-pcie-16gb', 'NVIDIA RTX A4000 PCIe 16GB']),
  model('RTX A5000', 24, 0.18, 860, 27.8, 768, 230, 5, true, ['NVIDIA RTX A5000', 'RTX A5000'], ['rtxa5000-pcie-24gb', 'NVIDIA RTX A5000 PCIe 24GB']),
  model('RTX A6000', 48, 0.4, 860, 38.7, 768, 300, 7, true, ['NVIDIA RTX A6000', 'RTX A6000'], ['rtxa6000-pcie-48gb', 'NVIDIA RTX A6000 PCIe 48GB']),
  model('RTX 6000Ada', 48, 0.68, 890, 91.1, 960, 300, 5, true, ['NVIDIA RTX 6000 Ada Generation', 'RTX 6000 Ada'], ['rtx6000ada-pcie-48gb', 'NVIDIA RTX 6000 Ada PCIe 48GB']),
  model('RTX PRO 6000', 96, 1.1, 1200, 126.0, 1792, 600, 3, true, ['NVIDIA RTX PRO 6000 Blackwell Server Edition', 'RTX PRO 6000']),
  model('Tesla T4', 16, 0.08, 750, 65.0, 320, 70, 3, true, undefined, ['t4-pcie-16gb', 'NVIDIA T4 PCIe 16GB']),
  model('Tesla V100', 16, 0.12, 700, 31.4, 900, 300, 4, true, ['Tesla V100-SXM2-16GB', 'Tesla V100'], ['v100-sxm2-16gb', 'NVIDIA V100 SXM2 16GB']),
  model('A10', 24, 0.22, 860, 31.2, 600, 150, 3, true, undefined),
  model('A40', 48, 0.35, 860, 37.4, 696, 300, 4, true, ['NVIDIA A40', 'A40'], ['a40-pcie-48gb', 'NVIDIA A40 PCIe 48GB']),
  model('L4', 24, 0.24, 890, 30.3, 300, 72, 4, true, ['NVIDIA L4', 'L4'], ['l4-pcie-24gb', 'NVIDIA L4 PCIe 24GB']),
  model('L40', 48, 0.62, 890, 90.5, 864, 300, 3, true, ['NVIDIA L40', 'L40'], ['l40-pcie-48gb', 'NVIDIA L40 PCIe 48GB']),
  model('L40S', 48, 0.72, 890, 91.6, 864, 350, 5, true, ['NVIDIA L40S', 'L40S'], ['l40s-pcie-48gb', 'NVIDIA L40S PCIe 48GB']),
  model('A100 PCIE', 80, 0.95, 800, 77.9, 1935, 300, 5, true, ['NVIDIA A100 80GB PCIe', 'A100 PCIe'], ['a100-pcie-80gb', 'NVIDIA A100 PCIe 80GB']),
  model('A100 SXM4', 80, 1.1, 800, 77.9, 2039, 400, 6, true, ['NVIDIA A100-SXM4-80GB', 'A100 SXM'], ['a100-sxm4-80gb', 'NVIDIA A100 SXM4 80GB']),
  model('H100 PCIE', 80, 1.75, 900, 204.9, 2000, 350, 4, true, ['NVIDIA H100 PCIe', 'H100 PCIe'], ['h100-pcie-80gb', 'NVIDIA H100 PCIe 80GB']),
  model('H100 SXM', 80, 1.95, 900, 267.6, 3350, 700, 8, true, ['NVIDIA H100 80GB HBM3', 'H100 SXM'], ['h100-sxm5-80gb', 'NVIDIA H100 SXM5 80GB']),
  model('H100 NVL', 94, 2.1, 900, 267.6, 3900, 400, 3, true, ['NVIDIA H100 NVL', 'H100 NVL']),
  model('H200', 141, 2.75, 900, 267.6, 4800, 700, 4, true, ['NVIDIA H200', 'H200 SXM']),
  model('B200', 180, 4.4, 1000, 1125.0, 8000, 1000, 2, true, ['NVIDIA B200', 'B200']),
  model('MI300X', 192, 2.3, 942, 653.7, 5300, 750, 1, true, ['AMD Instinct MI300X OAM', 'MI300X'], undefined, 'AMD'),
];
