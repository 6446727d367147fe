// One shape for a rentable offer, whatever provider it came from. Prices are all-in USD per hour
// for what the user must actually rent (see docs of each adapter for how each is computed).
import type { ProviderName } from './providers.ts';

export interface Offer {
  provider: ProviderName;
  /** Opaque id to pass back to the provider's create (Vast ask id, RunPod gpuTypeId+cloud, ...). */
  offerId: string;
  /** Canonical GPU name from data/gpus.json, e.g. "RTX 4090", "A100 80GB SXM"; the raw name when unknown. */
  gpu: string;
  /** The provider's own spelling, kept for display and debugging. */
  gpuRaw: string;
  gpuCount: number;
  /** VRAM per GPU in GB. */
  vramGb: number;
  /** All-in on-demand (or, for interruptible-only offers, minimum-bid) USD per hour. */
  pricePerHour: number;
  pricePerGpuHour: number;
  interruptible: boolean;
  /** For interruptible offers: the lowest accepted bid in USD/h, apart from the on-demand price. */
  minBidPerHour?: number;
  /** Provider region / data centre id. */
  region: string;
  /** ISO 3166-1 alpha-2 country code, when known. */
  country?: string;
  /** 0..1, when the provider reports it (Vast). */
  reliability?: number;
  vcpus?: number;
  ramGb?: number;
  diskGb?: number;
  /** Highest CUDA version the host driver supports, e.g. 12.4. */
  cudaVersion?: number;
  inetDownMbps?: number;
  inetUpMbps?: number;
  /** How many of this offer can be rented now, when the provider says (RunPod stock, Lambda capacity). */
  available?: number | 'low' | 'medium' | 'high';
  /** How the all-in price was made up, shown on request ("GPU 0.34 + disk 0.02"). */
  priceBreakdown?: Record<string, number>;
  /** ISO time the provider answered. */
  fetchedAt: string;
  /** True when this came from the built-in simulator. */
  simulated: boolean;
}
