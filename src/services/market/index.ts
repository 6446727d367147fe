// The market service: live offers, their cache, price history and its report.
import type { Config } from '#src/config.ts';
import type { Logger } from '#src/log.ts';
import type { BoundProvider } from '../providers.ts';
import { MarketService } from './market-service.ts';
import { PriceHistory } from './price-history.ts';

export { MarketService, type SearchRequest, type SearchResult, type SourceReport } from './market-service.ts';
export { PriceHistory, HISTORY_FILE_NAME, type SeriesPoints } from './price-history.ts';
export { historyReport, historySince, HISTORY_MAX_DAYS, type HistoryReport } from './history-report.ts';

export interface CreateMarketOptions {
  config: Pick<Config, 'PRICES_TTL_SECONDS' | 'PRICES_DEADLINE_MS'>;
  dataDir: string;
  log: Logger;
  providers: (orgId: string) => readonly BoundProvider[];
  now?: () => number;
}

export async function createMarketService(options: CreateMarketOptions): Promise<MarketService> {
  return new MarketService({
    providers: options.providers,
    history: await PriceHistory.open(options.dataDir, (problem) => options.log.warn(problem)),
    ttlMs: options.config.PRICES_TTL_SECONDS * 1000,
    deadlineMs: options.config.PRICES_DEADLINE_MS,
    log: options.log,
    ...(options.now ? { now: options.now } : {}),
  });
}
