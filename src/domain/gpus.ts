// The canonical GPU catalogue (data/gpus.json) and the two ways into it: a provider's own spelling
// (adapters) and whatever a user types (commands). Pure: the JSON is a module, loaded with the code.
import { z } from 'zod';
import catalogue from '#data/gpus.json' with { type: 'json' };

const gpuSpecSchema = z.object({
  name: z.string().min(1),
  vendor: z.enum(['NVIDIA', 'AMD']),
  vramGb: z.number().positive(),
  /** Dense tensor FP16 TFLOPS (FP16 accumulate, no sparsity). */
  fp16Tflops: z.number().positive(),
  /** Dense tensor BF16 TFLOPS; null where the chip has no BF16 (pre-Ampere). */
  bf16Tflops: z.number().positive().nullable(),
  memBandwidthGBs: z.number().positive(),
  /** CUDA compute capability (8.9 = Ada, sm_89); null for AMD. Decides which CUDA builds have kernels for it. */
  computeCapability: z.number().min(3).max(20).nullable(),
  /** SXM also covers other mezzanine modules (AMD OAM). */
  formFactor: z.enum(['PCIe', 'SXM']),
  aliases: z.array(z.string().min(1)),
});

export type GpuSpec = z.infer<typeof gpuSpecSchema>;

const catalogueSchema = z
  .object({ gpus: z.array(gpuSpecSchema).min(1) })
  .refine((value) => new Set(value.gpus.map((gpu) => gpu.name)).size === value.gpus.length, {
    message: 'GPU names must be unique',
  });

export function parseGpuCatalogue(json: unknown): GpuSpec[] {
  const result = catalogueSchema.safeParse(json);
  if (!result.success) throw new Error(`data/gpus.json is invalid: ${z.prettifyError(result.error)}`);
  return result.data.gpus;
}

export const GPU_CATALOGUE: readonly GpuSpec[] = parseGpuCatalogue(catalogue);

/** "NVIDIA GeForce RTX-4090 " → "nvidiageforcertx4090": exact-spelling key, punctuation and case ignored. */
function compact(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '');
}

// Words that never tell two GPUs apart: brand names and the "GB" unit.
const FILLER = new Set(['nvidia', 'geforce', 'tesla', 'amd', 'instinct', 'rtx', 'gb', 'generation', 'gpu']);

/** "A100-80GB sxm4" → ["a", "100", "80", "sxm", "4"]: letters and digits split apart, fillers dropped. */
function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/([a-z])(\d)/g, '$1 $2')
    .replace(/(\d)([a-z])/g, '$1 $2')
    .split(/[^a-z0-9.]+/)
    .filter((token) => token !== '' && !FILLER.has(token));
}

const byAlias = new Map<string, GpuSpec[]>();
for (const gpu of GPU_CATALOGUE) {
  for (const spelling of [gpu.name, ...gpu.aliases]) {
    const key = compact(spelling);
    const list = byAlias.get(key) ?? [];
    if (!list.includes(gpu)) list.push(gpu);
    byAlias.set(key, list);
  }
}

function closestVram(candidates: GpuSpec[], vramGb: number | undefined): GpuSpec | undefined {
  if (candidates.length <= 1 || vramGb === undefined) return candidates[0];
  return [...candidates].sort((a, b) => Math.abs(a.vramGb - vramGb) - Math.abs(b.vramGb - vramGb))[0];
}

const sameTokens = (a: string[], b: string[]) => a.length === b.length && a.every((token) => b.includes(token));

/**
 * The catalogue entry for a provider's spelling ("NVIDIA H100 80GB HBM3", "A100 SXM4", "rtxa6000-pcie-48gb").
 * Some spellings name two memory sizes (Vast "A100 PCIE"); `vramGb` picks the closer one.
 */
export function canonicalGpu(providerSpelling: string, vramGb?: number): GpuSpec | undefined {
  const exact = byAlias.get(compact(providerSpelling));
  if (exact) return closestVram(exact, vramGb);
  const wanted = tokens(providerSpelling);
  if (wanted.length === 0) return undefined;
  const sameWords = GPU_CATALOGUE.filter((gpu) => [gpu.name, ...gpu.aliases].some((spelling) => sameTokens(tokens(spelling), wanted)));
  return closestVram(sameWords, vramGb);
}

/**
 * Every GPU a user's words could mean, in catalogue order: "4090" → RTX 4090, "a100-80" → both A100 80GB,
 * "h100" → every H100. A spelling that names one model exactly ("a10", "l40") returns only that model.
 */
export function matchGpuQuery(userText: string): GpuSpec[] {
  const wanted = tokens(userText);
  if (wanted.length === 0) return [];
  const exactName = GPU_CATALOGUE.filter((gpu) => sameTokens(tokens(gpu.name), wanted));
  if (exactName.length > 0) return exactName;
  const exactAlias = byAlias.get(compact(userText));
  if (exactAlias) return exactAlias;
  return GPU_CATALOGUE.filter((gpu) =>
    [gpu.name, ...gpu.aliases].some((spelling) => {
      const have = tokens(spelling);
      return wanted.every((token) => have.includes(token));
    }),
  );
}
