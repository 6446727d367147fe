// True cost and value: what an hour of an offer costs all-in, per GPU, and per unit of useful work.
// Pure; the GPU catalogue supplies the work figures.
import { canonicalGpu, GPU_CATALOGUE, type GpuSpec } from './gpus.ts';
import type { Offer } from './offer.ts';

/**
 * The value measure: US dollars per dense 16-bit tensor PFLOP-hour, i.e. the all-in price divided by
 * the GPUs' combined dense BF16 throughput. Pre-Ampere GPUs have no BF16, so their dense FP16 figure
 * stands in (marked "fp16"). Lower is better. GPUs missing from the catalogue have no value figure.
 */
export const VALUE_MEASURE = {
  unit: '$/PFLOP-h',
  description: 'US dollars per dense BF16 PFLOP-hour (FP16 for GPUs without BF16); lower is better',
} as const;

export type ValueBasis = 'bf16' | 'fp16';

export interface OfferValue {
  usdPerPflopHour: number;
  basis: ValueBasis;
}

const byName = new Map(GPU_CATALOGUE.map((gpu) => [gpu.name, gpu]));

/** The catalogue entry behind an offer's (canonical) GPU name. */
export function specOf(gpu: string, vramGb?: number): GpuSpec | undefined {
  return byName.get(gpu) ?? canonicalGpu(gpu, vramGb);
}

/** Dense 16-bit tensor TFLOPS of one GPU and which precision that figure is. */
export function denseTflops(spec: GpuSpec): { tflops: number; basis: ValueBasis } {
  return spec.bf16Tflops !== null ? { tflops: spec.bf16Tflops, basis: 'bf16' } : { tflops: spec.fp16Tflops, basis: 'fp16' };
}

export function offerValue(offer: Pick<Offer, 'gpu' | 'gpuCount' | 'vramGb' | 'pricePerHour'>): OfferValue | undefined {
  const spec = specOf(offer.gpu, offer.vramGb);
  if (!spec || offer.gpuCount <= 0) return undefined;
  const { tflops, basis } = denseTflops(spec);
  return { usdPerPflopHour: offer.pricePerHour / ((tflops * offer.gpuCount) / 1000), basis };
}

/** "$0.312" under a dollar (the third decimal tells cheap offers apart), "$2.49" above. */
export function formatUsd(amount: number): string {
  if (!Number.isFinite(amount)) return '–';
  return `$${amount < 1 ? amount.toFixed(3) : amount.toFixed(2)}`;
}

/** Per GPU model, each provider's cheapest offer by $/GPU-h. */
export function cheapestPerGpu(offers: readonly Offer[]): Map<string, Map<Offer['provider'], Offer>> {
  const table = new Map<string, Map<Offer['provider'], Offer>>();
  for (const offer of offers) {
    const byProvider = table.get(offer.gpu) ?? new Map<Offer['provider'], Offer>();
    const best = byProvider.get(offer.provider);
    if (!best || offer.pricePerGpuHour < best.pricePerGpuHour) byProvider.set(offer.provider, offer);
    table.set(offer.gpu, byProvider);
  }
  return table;
}
