import { describe, expect, it } from 'vitest';
import { GPU_CATALOGUE, canonicalGpu, matchGpuQuery, parseGpuCatalogue } from '#domain/gpus.ts';

const names = (list: { name: string }[]) => list.map((gpu) => gpu.name);

describe('GPU catalogue', () => {
  it('covers at least 30 models with plausible specs', () => {
    expect(GPU_CATALOGUE.length).toBeGreaterThanOrEqual(30);
    for (const gpu of GPU_CATALOGUE) {
      expect(gpu.vramGb).toBeGreaterThanOrEqual(8);
      expect(gpu.memBandwidthGBs).toBeGreaterThan(200);
    }
  });

  it('rejects a catalogue with a duplicate name or a missing field', () => {
    const one = GPU_CATALOGUE[0]!;
    expect(() => parseGpuCatalogue({ gpus: [one, one] })).toThrow(/unique/);
    expect(() => parseGpuCatalogue({ gpus: [{ ...one, vramGb: undefined }] })).toThrow(/vramGb/);
  });
});

describe('canonicalGpu (provider spellings)', () => {
  it.each([
    ['RTX 4090', 'RTX 4090'],
    ['NVIDIA GeForce RTX 4090', 'RTX 4090'],
    ['geforcertx4090-pcie-24gb', 'RTX 4090'],
    ['NVIDIA GeForce RTX 4090 PCIe 24GB', 'RTX 4090'],
    ['NVIDIA H100 80GB HBM3', 'H100 SXM'],
    ['H100 SXM', 'H100 SXM'],
    ['H100 (80 GB SXM5)', 'H100 SXM'],
    ['h100_sxm5', 'H100 SXM'],
    ['NVIDIA H100 PCIe', 'H100 PCIe'],
    ['NVIDIA A100-SXM4-80GB', 'A100 80GB SXM'],
    ['A100 (40 GB SXM4)', 'A100 40GB SXM'],
    ['NVIDIA RTX 6000 Ada Generation', 'RTX 6000 Ada'],
    ['RTX 6000Ada', 'RTX 6000 Ada'],
    ['AMD Instinct MI300X OAM', 'MI300X'],
    ['Tesla T4', 'T4'],
    ['A6000 (48 GB)', 'RTX A6000'],
    ['NVIDIA L40S', 'L40S'],
    ['B200 (180 GB SXM6)', 'B200'],
  ])('%s → %s', (spelling, expected) => {
    expect(canonicalGpu(spelling)?.name).toBe(expected);
  });

  it('uses the VRAM to tell apart spellings shared by two memory sizes', () => {
    expect(canonicalGpu('A100 PCIE', 40)?.name).toBe('A100 40GB PCIe');
    expect(canonicalGpu('A100 PCIE', 80)?.name).toBe('A100 80GB PCIe');
    expect(canonicalGpu('A100 SXM4', 80)?.name).toBe('A100 80GB SXM');
    expect(canonicalGpu('Tesla V100', 32)?.name).toBe('V100 32GB SXM');
  });

  it('returns undefined for a GPU it does not know', () => {
    expect(canonicalGpu('Voodoo 5 6000')).toBeUndefined();
    expect(canonicalGpu('')).toBeUndefined();
  });
});

describe('matchGpuQuery (user input)', () => {
  it.each([
    ['4090', ['RTX 4090']],
    ['rtx4090', ['RTX 4090']],
    ['RTX 4090', ['RTX 4090']],
    ['A100 80GB', ['A100 80GB PCIe', 'A100 80GB SXM']],
    ['a100-80', ['A100 80GB PCIe', 'A100 80GB SXM']],
    ['h100 sxm', ['H100 SXM']],
    ['h100', ['H100 PCIe', 'H100 SXM', 'H100 NVL']],
    ['a10', ['A10']],
    ['l40', ['L40']],
    ['a6000', ['RTX A6000']],
    ['mi300x', ['MI300X']],
  ])('%s → %j', (text, expected) => {
    expect(names(matchGpuQuery(text))).toEqual(expected);
  });

  it('finds every A100 for "a100" and nothing for nonsense', () => {
    expect(names(matchGpuQuery('a100'))).toEqual(['A100 40GB PCIe', 'A100 80GB PCIe', 'A100 40GB SXM', 'A100 80GB SXM']);
    expect(matchGpuQuery('banana')).toEqual([]);
    expect(matchGpuQuery('  ')).toEqual([]);
  });
});
