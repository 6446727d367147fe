// Small helpers the four adapters share: defensive readers for loosely typed JSON, money rounding,
// and the capability check that turns a missing capability into a typed error.
import { UnsupportedError } from './errors.ts';
import type { Capabilities, Capability, ProviderName } from './types.ts';

export type Json = Record<string, unknown>;

export function asObject(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A number from a number or numeric string ("0.74" appears in RunPod v1 examples); undefined otherwise. */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

export function str(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** USD rounded to micro-dollars, so sums of provider floats stay stable. */
export function usd(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Hours in a billing month, for $/GB/month storage prices. */
export const HOURS_PER_MONTH = 730;

/** GPU counts offered when a query names none, for providers that rent any count of a type (RunPod, TensorDock). */
export const COMMON_GPU_COUNTS = [1, 2, 4, 8] as const;

/** Disk an offer is priced for when the query does not say (GB). */
export const DEFAULT_DISK_GB = 50;

export function requireCapability(provider: ProviderName, capabilities: Capabilities, capability: Capability): void {
  if (capabilities[capability] !== true) throw unsupported(provider, capabilities, capability);
}

/** The typed error for a capability the provider lacks (declared with its reason in `capabilities`). */
export function unsupported(provider: ProviderName, capabilities: Capabilities, capability: Capability): UnsupportedError {
  const value = capabilities[capability];
  return value === true
    ? new UnsupportedError(provider, capability, 'ComputeHub does not implement it for this provider')
    : new UnsupportedError(provider, capability, value.reason, value.alternative);
}

/** Unix seconds (or ms) to ISO, undefined when absent. */
export function isoFromUnix(value: unknown): string | undefined {
  const n = num(value);
  if (n === undefined || n <= 0) return undefined;
  return new Date(n > 1e12 ? n : n * 1000).toISOString();
}
