// A short, stable handle for one offer row, typed back later (`deploy vast:21876543`). A Vast ask id
// already names one machine slice with its GPU count, so it is used as it is (with "-bid" for the
// interruptible rental of the same ask). Other providers' ids do not fix the GPU count and can be long
// (RunPod "SECURE:NVIDIA GeForce RTX 4090"), so they get a 6-character hash of id, count and type.
import type { Offer } from './offer.ts';

/** FNV-1a, 32 bit: tiny, stable across runs and machines. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function offerReference(offer: Pick<Offer, 'provider' | 'offerId' | 'gpuCount' | 'interruptible'>): string {
  if (offer.provider === 'vast' && /^\d+$/.test(offer.offerId)) return `vast:${offer.offerId}${offer.interruptible ? '-bid' : ''}`;
  const code = fnv1a(`${offer.offerId}|${offer.gpuCount}|${offer.interruptible ? 'bid' : 'on-demand'}`).toString(36).padStart(6, '0').slice(-6);
  return `${offer.provider}:${code}`;
}
