// What to ask each provider for one search: the provider-side filters worth sending (GPU models, an
// exact GPU count, on-demand or interruptible, the disk to price for), and the cache key of that ask.
// Everything else is filtered locally, so one cached answer serves many different searches.
import type { OfferQuery } from '../../../adapters/providers/types.ts';
import type { OfferCriteria } from '../../domain/ranking.ts';
import type { BoundProvider } from '../providers.ts';

export interface FetchPlan {
  /** Canonical GPU names, sorted; absent = every GPU. */
  gpus?: string[];
  gpuCount?: number;
  interruptible: boolean;
  diskGb: number;
}

/** The asks one provider gets for these criteria (none when it cannot offer what is asked). */
export function plansFor(criteria: OfferCriteria, diskGb: number, provider: BoundProvider): FetchPlan[] {
  const type = criteria.type ?? 'any';
  const canInterrupt = provider.adapter.capabilities.interruptible === true;
  const kinds = [...(type !== 'interruptible' ? [false] : []), ...(type !== 'on-demand' && canInterrupt ? [true] : [])];
  const exactCount = criteria.gpuCount?.find((test) => test.op === '=')?.value;
  return kinds.map((interruptible) => ({
    ...(criteria.gpus?.length ? { gpus: [...criteria.gpus].sort() } : {}),
    ...(exactCount !== undefined ? { gpuCount: exactCount } : {}),
    interruptible,
    diskGb,
  }));
}

/** The ask whose answers feed the price history and the `gpus` table: everything on-demand at the default disk. */
export function broadPlan(diskGb: number): FetchPlan {
  return { interruptible: false, diskGb };
}

export function isBroad(plan: FetchPlan): boolean {
  return plan.gpus === undefined && plan.gpuCount === undefined && !plan.interruptible;
}

export function toQuery(plan: FetchPlan): OfferQuery {
  return {
    ...(plan.gpus ? { gpus: plan.gpus } : {}),
    ...(plan.gpuCount !== undefined ? { gpuCount: plan.gpuCount } : {}),
    interruptible: plan.interruptible,
    diskGb: plan.diskGb,
  };
}

/**
 * Cache key. Offers from the environment's keys or the simulator are the same for every org; a key an
 * org bound in chat gets its own entries, since its account may see a different market.
 */
export function planKey(provider: BoundProvider, orgId: string, plan: FetchPlan): string {
  const owner = provider.source === 'chat' ? `org=${orgId}` : provider.source;
  return [provider.name, provider.mode, owner, plan.gpus?.join(',') ?? '*', plan.gpuCount ?? '*', plan.interruptible ? 'bid' : 'on-demand', `${plan.diskGb}GB`].join('|');
}
